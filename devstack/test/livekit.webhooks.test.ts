// Webhooks from the stand-in must be accepted by the real WebhookReceiver on the raw body, carry
// the documented shape, and the webhook faults (lost, duplicated) must behave as described.
import { AccessToken, RoomServiceClient, WebhookReceiver } from 'livekit-server-sdk';
import { type LiveKitStandIn, startLiveKitStandIn } from '../src/livekit';
import { API_KEY, API_SECRET, type Receiver, post, startReceiver, waitFor } from './livekit-helpers';

let lk: LiveKitStandIn;
let receiver: Receiver;
let rooms: RoomServiceClient;
const verifier = new WebhookReceiver(API_KEY, API_SECRET);

beforeEach(async () => {
  receiver = await startReceiver();
  lk = await startLiveKitStandIn({ apiKey: API_KEY, apiSecret: API_SECRET, webhookUrl: receiver.url });
  rooms = new RoomServiceClient(lk.url, API_KEY, API_SECRET);
});
afterEach(async () => {
  await lk.close();
  await receiver.close();
});

async function joinToken(room: string, identity: string) {
  const at = new AccessToken(API_KEY, API_SECRET, { identity });
  at.addGrant({ roomJoin: true, room });
  return at.toJwt();
}

const receivedEvents = () => receiver.received.map((r) => JSON.parse(r.body).event as string);

describe('signed webhooks', () => {
  it('delivers room and participant events that the real WebhookReceiver accepts', async () => {
    await lk.join(await joinToken('demo', 'alice'));
    lk.leave('demo', 'alice');
    await rooms.deleteRoom('demo');
    const finished = await lk.waitForWebhook((w) => w.event === 'room_finished' && w.status === 'delivered');
    expect(finished.payload).toMatchObject({ event: 'room_finished', roomEndReason: 'ROOM_END_API_DELETE' });
    expect(receiver.received).toHaveLength(4);

    const events = [];
    for (const hook of receiver.received) {
      expect(hook.contentType).toBe('application/webhook+json');
      expect(hook.userAgent).toBe('LiveKit');
      expect(hook.authorization).not.toMatch(/^Bearer /);
      events.push(await verifier.receive(hook.body, hook.authorization));
    }
    expect(events.map((e) => e.event)).toEqual([
      'room_started',
      'participant_joined',
      'participant_left',
      'room_finished',
    ]);
    for (const e of events) {
      expect(e.id).toMatch(/^EV_/);
      expect(typeof e.createdAt).toBe('bigint');
      expect(e.room?.name).toBe('demo');
    }
    expect(new Set(events.map((e) => e.id)).size).toBe(4);
    expect(events[1].participant?.identity).toBe('alice');
    expect(events[1].room?.numParticipants).toBe(1);
    expect(events[2].participant?.identity).toBe('alice');

    // The body is protojson as the server writes it: camelCase, zero values omitted, int64 as strings.
    const joined = JSON.parse(receiver.received[1].body);
    expect(joined).toMatchObject({
      event: 'participant_joined',
      participant: { identity: 'alice', state: 'ACTIVE' },
    });
    expect(joined.createdAt).toMatch(/^\d+$/);
    expect(joined.room.creationTime).toMatch(/^\d+$/);
    expect(joined.room).not.toHaveProperty('metadata');

    // And the recorded list matches what went out.
    expect(lk.webhooks.map((w) => [w.event, w.status, w.deliveries])).toEqual([
      ['room_started', 'delivered', 1],
      ['participant_joined', 'delivered', 1],
      ['participant_left', 'delivered', 1],
      ['room_finished', 'delivered', 1],
    ]);
  });

  it('is rejected by WebhookReceiver when the body is altered', async () => {
    await rooms.createRoom({ name: 'demo' });
    const [hook] = await waitFor(() => receiver.received.length === 1 && receiver.received, 5_000, 'webhook');
    await expect(verifier.receive(hook.body.replace('demo', 'dem0'), hook.authorization)).rejects.toThrow(
      /sha256/,
    );
    await expect(
      new WebhookReceiver(API_KEY, 'wrong-secret').receive(hook.body, hook.authorization),
    ).rejects.toThrow();
  });

  it('retries a receiver answering 5xx, and records webhooks while no URL is set', async () => {
    receiver.status = 503;
    await rooms.createRoom({ name: 'demo' });
    await waitFor(() => lk.webhooks[0].attempts >= 2, 5_000, 'a retry');
    receiver.status = 200;
    await waitFor(() => lk.webhooks[0].status === 'delivered', 5_000, 'delivery after retry');
    expect(receivedEvents()).toEqual(['room_started']);

    lk.setWebhookUrl(undefined);
    await rooms.createRoom({ name: 'quiet' });
    await lk.idle();
    expect(lk.webhooks[1]).toMatchObject({ event: 'room_started', status: 'no_url', deliveries: 0 });
    await verifier.receive(lk.webhooks[1].body, lk.webhooks[1].authorization); // still signed
  });
});

describe('webhook faults', () => {
  it('loses the next webhook', async () => {
    lk.injectFault({ type: 'webhook_drop' });
    await rooms.createRoom({ name: 'a' });
    await rooms.createRoom({ name: 'b' });
    await lk.idle();
    expect(receiver.received.map((r) => JSON.parse(r.body).room.name)).toEqual(['b']);
    expect(lk.webhooks.map((w) => w.status)).toEqual(['dropped', 'delivered']);
    expect(lk.faults()).toEqual([]);
  });

  it('loses the next N webhooks of one event only', async () => {
    lk.injectFault({ type: 'webhook_drop', event: 'participant_joined', count: 2 });
    await lk.join(await joinToken('demo', 'a'));
    await lk.join(await joinToken('demo', 'b'));
    await lk.join(await joinToken('demo', 'c'));
    await lk.idle();
    expect(
      receiver.received.map((r) => JSON.parse(r.body)).map((b) => [b.event, b.participant?.identity]),
    ).toEqual([
      ['room_started', undefined],
      ['participant_joined', 'c'],
    ]);
  });

  it('delivers the next webhook twice with the same id', async () => {
    lk.injectFault({ type: 'webhook_duplicate' });
    await rooms.createRoom({ name: 'demo' });
    await rooms.deleteRoom('demo');
    await lk.idle();
    const bodies = receiver.received.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => b.event)).toEqual(['room_started', 'room_started', 'room_finished']);
    expect(bodies[0].id).toBe(bodies[1].id);
    expect(receiver.received[0].body).toBe(receiver.received[1].body);
    expect(lk.webhooks[0]).toMatchObject({ deliveries: 2, status: 'delivered' });
  });

  it('has a /_dev/faults route and a /_dev/webhooks listing', async () => {
    const bad = await post(`${lk.url}/_dev/faults`, JSON.stringify({ type: 'explode' }));
    expect([bad.status, JSON.parse(bad.text).code]).toEqual([400, 'invalid_argument']);

    const ok = await post(
      `${lk.url}/_dev/faults`,
      JSON.stringify({ type: 'webhook_drop', event: 'room_started' }),
    );
    expect(JSON.parse(ok.text).faults).toEqual([
      { type: 'webhook_drop', event: 'room_started', remaining: 1 },
    ]);
    const cleared = await fetch(`${lk.url}/_dev/faults`, { method: 'DELETE' });
    expect(((await cleared.json()) as { faults: unknown[] }).faults).toEqual([]);

    await post(`${lk.url}/_dev/faults`, JSON.stringify({ type: 'webhook_duplicate' }));
    await rooms.createRoom({ name: 'demo' });
    await lk.idle();
    expect(receiver.received).toHaveLength(2);

    const listed = (await (await fetch(`${lk.url}/_dev/webhooks`)).json()) as {
      webhooks: Array<{ event: string; deliveries: number }>;
    };
    expect(listed.webhooks.map((w) => [w.event, w.deliveries])).toEqual([['room_started', 2]]);
    const url = await post(`${lk.url}/_dev/webhook-url`, JSON.stringify({ url: 'http://127.0.0.1:9/x' }));
    expect(JSON.parse(url.text)).toEqual({ url: 'http://127.0.0.1:9/x' });
  });
});
