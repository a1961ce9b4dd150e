// POST /v1/webhooks/livekit: public but verified on the raw body with the real WebhookReceiver;
// 401 for a bad signature, a tampered body or no header; a webhook id seen before is not published
// again; a verified webhook reaches stream-svc (participant counts).
import { createHash } from 'node:crypto';
import { AccessToken } from 'livekit-server-sdk';
import { waitFor } from '../../../test/support';
import { API_KEY, API_SECRET, type Stack, startStack, STACK_START_MS } from './rooms.harness';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, STACK_START_MS);
afterAll(async () => {
  await stack?.stop();
}, STACK_START_MS);

async function sign(body: string, secret = API_SECRET): Promise<string> {
  const at = new AccessToken(API_KEY, secret);
  at.sha256 = createHash('sha256').update(body).digest('base64');
  return at.toJwt();
}

const deliver = (body: string, authorization?: string, contentType = 'application/webhook+json') =>
  stack.app.inject({
    method: 'POST',
    url: '/v1/webhooks/livekit',
    payload: body,
    headers: { 'content-type': contentType, ...(authorization ? { authorization } : {}) },
  });

describe('LiveKit webhook receiver', () => {
  let roomId: string;
  const joined = (id: string, identity: string) =>
    // Key order and spacing as LiveKit writes them; the hash covers these exact bytes.
    `{"event":"participant_joined","room":{"sid":"RM_x","name":"${roomId}"},"participant":{"sid":"PA_${identity}","identity":"${identity}","state":"ACTIVE"},"id":"${id}","createdAt":"1760000000"}`;

  beforeAll(async () => {
    const res = await stack.app.inject({
      method: 'POST',
      url: '/v1/rooms',
      payload: {},
      headers: await stack.auth('alice'),
    });
    roomId = res.json().roomId;
  });

  it('accepts a signed webhook without a bearer token, and a copy of it is not published again', async () => {
    const body = joined('EV_one', 'bob');
    const auth = await sign(body);
    const first = await deliver(body, auth);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ received: true });
    const second = await deliver(body, auth);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual({ received: true, duplicate: true });
    const headers = await stack.auth('alice');
    await waitFor(
      async () =>
        (await stack.app.inject({ url: `/v1/rooms/${roomId}`, headers })).json().participantCount === 1,
      {
        what: 'participant counted',
      },
    );
  });

  it('accepts application/json too (some proxies rewrite the type), still on the raw bytes', async () => {
    const body = joined('EV_two', 'carol');
    expect((await deliver(body, await sign(body), 'application/json')).statusCode).toBe(200);
  });

  it('answers 401 for a tampered body, a wrong secret, a Bearer prefix, and no header', async () => {
    const body = joined('EV_bad', 'mallory');
    const good = await sign(body);
    const cases: Array<[string, string | undefined, RegExp]> = [
      [body.replace('mallory', 'mallorz'), good, /sha256 checksum of body does not match/],
      [body, await sign(body, 'another-secret-that-is-long-enough'), /could not be verified/],
      [body, `Bearer ${good}`, /could not be verified/],
      [body, undefined, /authorization header is empty/],
    ];
    for (const [b, auth, detail] of cases) {
      const res = await deliver(b, auth);
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().detail).toMatch(detail);
    }
  });

  it('verifies the webhooks the LiveKit stand-in sends over HTTP (participant joins and leaves)', async () => {
    const headers = await stack.auth('alice');
    const token = (
      await stack.app.inject({ method: 'POST', url: `/v1/rooms/${roomId}/tokens`, payload: {}, headers })
    ).json().token;
    await stack.lk.join(token);
    await stack.lk.idle();
    const sent = stack.lk.webhooks.filter((w) => w.event === 'participant_joined');
    expect(sent.at(-1)).toMatchObject({ status: 'delivered', httpStatus: 200 });
    stack.lk.leave(roomId, 'alice');
    await stack.lk.idle();
    expect(stack.lk.webhooks.at(-1)).toMatchObject({
      event: 'participant_left',
      status: 'delivered',
      httpStatus: 200,
    });
  });
});
