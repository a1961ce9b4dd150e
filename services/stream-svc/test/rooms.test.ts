// stream-svc's LiveKit rooms against the LiveKit stand-in (real RoomServiceClient), dynalite and
// the in-memory bus: commands over the bus, and participant counts from the webhooks the stand-in emits.
import { AccessToken } from 'livekit-server-sdk';
import { deriveId, type Envelope, LiveKitWebhookReceived, makeEnvelope } from '@onair/contracts';
import { type Bus, createDocumentClient, ensureTable, silentLogger } from '@onair/runtime';
import { type LiveKitStandIn, startLiveKitStandIn } from '../../../devstack/src/livekit';
import { startDynalite, testBuses, waitFor } from '../../../test/support';
import { buildService } from '../src/app';
import { LiveKitRoomsAdapter } from '../src/livekit/rooms-adapter';
import { RoomStore } from '../src/rooms/store';

const API_KEY = 'devkey';
const API_SECRET = 'devsecret-that-is-long-enough-for-hs256';
const TABLE = 'onair-stream-svc';
const actor = { userId: 'alice', roles: ['streamer' as const] };

describe('stream-svc: LiveKit rooms', () => {
  let buses: Awaited<ReturnType<typeof testBuses>>;
  let dyn: Awaited<ReturnType<typeof startDynalite>>;
  let lk: LiveKitStandIn;
  let gw: Bus;
  let svc: ReturnType<typeof buildService>;
  let store: RoomStore;
  const events: Envelope[] = [];

  beforeAll(async () => {
    buses = await testBuses({ transport: 'memory' });
    dyn = await startDynalite();
    lk = await startLiveKitStandIn({ apiKey: API_KEY, apiSecret: API_SECRET });
    const ddb = createDocumentClient({ region: 'us-east-1', endpoint: dyn.endpoint });
    await ensureTable(ddb, { name: TABLE });
    store = new RoomStore(ddb, TABLE);
    gw = await buses.make('gateway');
    await gw.subscribe('observer', ['onair.room.#'], async (m) => {
      events.push(m);
    });
    svc = buildService({
      bus: await buses.make('stream-svc'),
      logger: silentLogger,
      instanceId: 'stream-1',
      rooms: {
        ddb,
        table: TABLE,
        livekit: new LiveKitRoomsAdapter({ url: lk.url, apiKey: API_KEY, apiSecret: API_SECRET }),
      },
    });
    await svc.start();
  }, 90_000);
  afterAll(async () => {
    await svc?.stop();
    await buses?.cleanup();
    await lk?.close();
    await dyn?.close();
  }, 90_000);

  const command = (type: string, data: unknown) =>
    gw.request(makeEnvelope({ type, source: 'test', data }), { timeoutMs: 5000 });

  /** Forward what the stand-in sent, as the gateway would after verifying it. */
  const forwardWebhooks = async (from: number) => {
    for (const w of lk.webhooks.slice(from)) {
      const p = w.payload as Record<string, Record<string, unknown>>;
      await gw.publish(
        makeEnvelope({
          id: deriveId('livekit-webhook', w.id),
          type: LiveKitWebhookReceived.type,
          source: 'gateway',
          data: { webhookId: w.id, event: w.event, room: p.room, participant: p.participant },
        }),
      );
    }
    return lk.webhooks.length;
  };

  const joinToken = (room: string, identity: string) => {
    const at = new AccessToken(API_KEY, API_SECRET, { identity });
    at.addGrant({ roomJoin: true, room });
    return at.toJwt();
  };

  it('creates a room in LiveKit and in the table, publishes created, and is idempotent', async () => {
    const data = {
      roomId: 'room-1',
      actor,
      createdBy: 'host-user',
      topic: 'Standup',
      description: 'daily',
      maxParticipants: 5,
      emptyTimeout: 600,
      metadata: '{"k":1}',
    };
    const cmd = makeEnvelope({ type: 'onair.room.create.v1', source: 'test', data });
    const reply = await gw.request(cmd, { timeoutMs: 5000 });
    expect(reply.type).toBe('onair.room.created.v1');
    expect(reply.data).toMatchObject({
      roomId: 'room-1',
      livekitName: 'room-1',
      ownerId: 'alice',
      createdBy: 'host-user',
      topic: 'Standup',
      maxParticipants: 5,
      emptyTimeout: 600,
      participantCount: 0,
      status: 'active',
    });
    expect((reply.data as { sid: string }).sid).toMatch(/^RM_/);
    await waitFor(() => events.find((e) => e.id === reply.id), { what: 'room created event' });
    // A redelivered command (same id) answers the same event id.
    const again = await gw.request(cmd, { timeoutMs: 5000 });
    expect(again.id).toBe(reply.id);
    // Someone else cannot take the id.
    await expect(
      command('onair.room.create.v1', { ...data, actor: { userId: 'mallory', roles: ['streamer'] } }),
    ).rejects.toMatchObject({ status: 409 });
  });

  it('counts participants from webhooks, ignoring duplicated deliveries', async () => {
    let seen = lk.webhooks.length;
    await lk.join(await joinToken('room-1', 'bob'));
    await lk.join(await joinToken('room-1', 'carol'));
    await lk.idle();
    seen = await forwardWebhooks(0); // includes room_started; earlier webhooks twice -> no effect
    await forwardWebhooks(0);
    await waitFor(async () => (await store.get('room-1'))?.participantCount === 2, {
      what: '2 participants',
    });
    lk.leave('room-1', 'bob');
    seen = await forwardWebhooks(seen);
    await waitFor(async () => (await store.get('room-1'))?.participantCount === 1, { what: '1 participant' });
    await waitFor(() =>
      events.some(
        (e) =>
          e.type === 'onair.room.updated.v1' &&
          (e.data as { participantCount: number }).participantCount === 1,
      ),
    );
  });

  it('refuses a delete by someone else (403), deletes for the owner, and 404s afterwards', async () => {
    await expect(
      command('onair.room.delete.v1', { roomId: 'room-1', actor: { userId: 'bob', roles: ['viewer'] } }),
    ).rejects.toMatchObject({ status: 403 });
    const reply = await command('onair.room.delete.v1', { roomId: 'room-1', actor });
    expect(reply).toMatchObject({ type: 'onair.room.deleted.v1', data: { roomId: 'room-1' } });
    expect(await store.get('room-1')).toBeUndefined();
    await lk.idle();
    expect(
      lk.webhooks.some(
        (w) => w.event === 'room_finished' && (w.payload.room as { name: string }).name === 'room-1',
      ),
    ).toBe(true);
    await expect(command('onair.room.delete.v1', { roomId: 'room-1', actor })).rejects.toMatchObject({
      status: 404,
      message: 'Room room-1 does not exist',
    });
  });
});
