// POST /v1/webhooks/livekit: public but verified on the raw body as LiveKit's WebhookReceiver does;
// 401 "invalid signature" (the reason only in our logs) for a bad signature, a tampered body or no
// header; 400 for a signed body that is not a JSON object; a webhook id seen before is not
// published again; a verified webhook reaches stream-svc (participant counts).
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { type Bus, createHttpBase, createLogger, Metrics } from '@onair/runtime';
import { AccessToken } from 'livekit-server-sdk';
import { waitFor } from '../../../test/support';
import { webhookRoutes } from '../src/routes/v1/webhooks';
import type { LiveKitApiDeps } from '../src/livekit/deps';
import { LiveKitWebhookVerifier } from '../src/livekit/webhooks';
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

  it('answers 401 "invalid signature" for a tampered body, a wrong secret, a Bearer prefix, garbage and no header', async () => {
    const body = joined('EV_bad', 'mallory');
    const good = await sign(body);
    const cases: Array<[string, string | undefined]> = [
      [body.replace('mallory', 'mallorz'), good],
      [body, await sign(body, 'another-secret-that-is-long-enough')],
      [body, `Bearer ${good}`],
      [body, 'not-a-jwt'],
      [body, undefined],
    ];
    for (const [b, auth] of cases) {
      const res = await deliver(b, auth);
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ status: 401, code: 'UNAUTHORIZED', detail: 'invalid signature' });
      // Nothing of how verification works: no library message, no hash, no JWT wording.
      expect(res.body).not.toMatch(/sha256|checksum|authorization header|jwt|JWS|signature verification/i);
    }
  });

  it('answers 400 for a validly signed body that is empty, not JSON, or not a JSON object', async () => {
    const cases: Array<[string, RegExp]> = [
      ['', /not JSON/],
      ['{"event":', /not JSON/],
      ['hello', /not JSON/],
      ['null', /not a JSON object/],
      ['[1,2]', /not a JSON object/],
      ['"participant_joined"', /not a JSON object/],
      ['42', /not a JSON object/],
      ['{}', /no id or event/],
    ];
    for (const [b, detail] of cases) {
      const res = await deliver(b, await sign(b));
      expect({ body: b, status: res.statusCode }).toEqual({ body: b, status: 400 });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().detail).toMatch(detail);
    }
    // Empty with no content type at all: still verified first, then 400.
    const bare = await stack.app.inject({
      method: 'POST',
      url: '/v1/webhooks/livekit',
      headers: { authorization: await sign('') },
    });
    expect(bare.statusCode).toBe(400);
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

describe('LiveKit webhook receiver: logs', () => {
  it('logs why a signature failed (warn) while the answer says only "invalid signature"', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const destination = new Writable({
      write(chunk, _enc, done) {
        for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        done();
      },
    });
    const app = createHttpBase({
      service: 'gateway',
      logger: createLogger({ service: 'gateway', level: 'info', destination }),
      metrics: new Metrics({ defaultMetrics: false }),
      readiness: {},
    });
    const deps = {
      webhooks: new LiveKitWebhookVerifier(API_KEY, API_SECRET),
      bus: { publish: async () => {} } as unknown as Bus,
    } as unknown as LiveKitApiDeps;
    await webhookRoutes(app, deps);
    await app.ready();
    try {
      const body = '{"event":"room_started","id":"EV_log","room":{"name":"r"}}';
      const res = await app.inject({
        method: 'POST',
        url: '/v1/webhooks/livekit',
        payload: body.replace('r"', 'x"'),
        headers: { 'content-type': 'application/webhook+json', authorization: await sign(body) },
      });
      expect(res.statusCode).toBe(401);
      expect(res.json().detail).toBe('invalid signature');
      const warn = lines.find((l) => l.level === 40 && /webhook/i.test(String(l.msg)));
      expect(warn).toMatchObject({ reason: 'sha256 checksum of body does not match' });
      const ok = await app.inject({
        method: 'POST',
        url: '/v1/webhooks/livekit',
        payload: body,
        headers: { 'content-type': 'application/webhook+json', authorization: await sign(body) },
      });
      expect(ok.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
