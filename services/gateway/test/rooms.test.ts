// /v1/rooms: create, get, list, delete through stream-svc; join tokens minted in the gateway with
// grants by role (verified with livekit-server-sdk's TokenVerifier); participant counts from the
// signed webhooks the LiveKit stand-in sends when the token is used.
import { waitFor } from '../../../test/support';
import { type Stack, startStack, STACK_START_MS } from './rooms.harness';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, STACK_START_MS);
afterAll(async () => {
  await stack?.stop();
}, STACK_START_MS);

describe('/v1/rooms', () => {
  let roomId: string;
  let alice: { authorization: string };
  let bob: { authorization: string };
  beforeAll(async () => {
    alice = await stack.auth('alice', ['streamer']);
    bob = await stack.auth('bob', ['viewer']);
  });
  const mint = (headers: Record<string, string>, payload: object = {}, id = roomId) =>
    stack.app.inject({ method: 'POST', url: `/v1/rooms/${id}/tokens`, payload, headers });

  it('creates, gets and lists a room', async () => {
    const res = await stack.app.inject({
      method: 'POST',
      url: '/v1/rooms',
      payload: {
        topic: 'Standup',
        description: 'daily',
        maxParticipants: 4,
        emptyTimeout: 120,
        metadata: '{"a":1}',
      },
      headers: alice,
    });
    expect(res.statusCode).toBe(201);
    roomId = res.json().roomId;
    expect(res.headers.location).toBe(`/v1/rooms/${roomId}`);
    expect(res.json()).toMatchObject({
      livekitName: roomId,
      ownerId: 'alice',
      topic: 'Standup',
      description: 'daily',
      maxParticipants: 4,
      emptyTimeout: 120,
      metadata: '{"a":1}',
      participantCount: 0,
      status: 'active',
    });
    expect((await stack.app.inject({ url: `/v1/rooms/${roomId}`, headers: bob })).json()).toEqual(res.json());
    const list = await stack.app.inject({ url: '/v1/rooms?limit=10', headers: bob });
    expect(list.json().items.map((r: { roomId: string }) => r.roomId)).toContain(roomId);
    expect(
      (
        await stack.app.inject({
          method: 'POST',
          url: '/v1/rooms',
          payload: { maxParticipants: 0 },
          headers: alice,
        })
      ).statusCode,
    ).toBe(400);
  });

  it('mints publisher tokens for streamers and the owner, viewer tokens (subscribe only) for viewers', async () => {
    const pub = await mint(alice);
    expect(pub.statusCode).toBe(201);
    expect(pub.json()).toMatchObject({ identity: 'alice', role: 'publisher' });
    const p = await stack.verifyJoinToken(pub.json().token);
    expect(p.sub).toBe('alice');
    expect(p.video).toEqual({
      roomJoin: true,
      room: roomId,
      canPublish: true,
      canSubscribe: true,
      canPublishData: true,
    });
    expect((p.exp ?? 0) - (p.nbf ?? 0)).toBe(3600); // the configured TTL

    const view = await mint(bob);
    expect(view.json()).toMatchObject({ identity: 'bob', role: 'viewer' });
    const v = await stack.verifyJoinToken(view.json().token);
    expect(v.sub).toBe('bob');
    expect(v.video).toEqual({
      roomJoin: true,
      room: roomId,
      canPublish: false,
      canSubscribe: true,
      canPublishData: false,
    });

    const short = await stack.verifyJoinToken((await mint(bob, { ttlSeconds: 120 })).json().token);
    expect((short.exp ?? 0) - (short.nbf ?? 0)).toBe(120);
  });

  it('refuses more than the caller may have: 403, and 404 for an unknown room', async () => {
    expect((await mint(bob, { role: 'publisher' })).statusCode).toBe(403);
    expect((await mint(bob, { identity: 'alice' })).statusCode).toBe(403);
    const guest = await mint(alice, { identity: 'guest', role: 'viewer', name: 'Guest' });
    expect(guest.statusCode).toBe(201);
    const g = await stack.verifyJoinToken(guest.json().token);
    expect(g).toMatchObject({ sub: 'guest', name: 'Guest' });
    expect((await mint(alice, {}, 'room-0-nope00')).statusCode).toBe(404);
  });

  it('counts and lists participants from the webhooks LiveKit sends when tokens are used', async () => {
    await stack.lk.join((await mint(alice, { name: 'Alice A.' })).json().token);
    await stack.lk.join((await mint(bob)).json().token);
    const count = async () =>
      (await stack.app.inject({ url: `/v1/rooms/${roomId}`, headers: bob })).json().participantCount;
    const list = async () => {
      const r = await stack.app.inject({ url: `/v1/rooms/${roomId}/participants`, headers: bob });
      expect(r.statusCode).toBe(200);
      return (
        r.json().items as Array<{ identity: string; name?: string; sid: string; joinedAt?: string }>
      ).sort((a, b) => a.identity.localeCompare(b.identity));
    };
    await waitFor(async () => (await count()) === 2, { what: '2 participants' });
    const both = await list();
    expect(both.map((p) => p.identity)).toEqual(['alice', 'bob']);
    expect(both[0]).toMatchObject({ name: 'Alice A.', sid: expect.stringMatching(/^PA_/) });
    expect(Date.parse(both[0].joinedAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    stack.lk.leave(roomId, 'bob');
    await waitFor(async () => (await count()) === 1, { what: '1 participant' });
    expect((await list()).map((p) => p.identity)).toEqual(['alice']);
    const unknown = await stack.app.inject({ url: '/v1/rooms/room-0-nope00/participants', headers: bob });
    expect(unknown.statusCode).toBe(404);
  });

  it('deletes for the owner only', async () => {
    expect(
      (await stack.app.inject({ method: 'DELETE', url: `/v1/rooms/${roomId}`, headers: bob })).statusCode,
    ).toBe(403);
    expect(
      (await stack.app.inject({ method: 'DELETE', url: `/v1/rooms/${roomId}`, headers: alice })).statusCode,
    ).toBe(204);
    expect((await stack.app.inject({ url: `/v1/rooms/${roomId}`, headers: alice })).statusCode).toBe(404);
    expect(
      (await stack.app.inject({ method: 'DELETE', url: `/v1/rooms/${roomId}`, headers: alice })).statusCode,
    ).toBe(404);
  });
});

describe('/v1/rooms: who may create, and bad input', () => {
  it('viewers may not create rooms (403)', async () => {
    const res = await stack.app.inject({
      method: 'POST',
      url: '/v1/rooms',
      payload: { topic: 'mine' },
      headers: await stack.auth('vic', ['viewer']),
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({
      code: 'FORBIDDEN',
      detail: expect.stringMatching(/streamer, moderator, admin/),
    });
  });

  it('path ids have the bus contracts form: a 400 naming roomId, not a 500 from the bus', async () => {
    const alice = await stack.auth('alice', ['streamer']);
    for (const [method, url] of [
      ['DELETE', '/v1/rooms/a%20b'],
      ['GET', '/v1/rooms/a%20b'],
      ['GET', `/v1/rooms/${'r'.repeat(129)}`],
      ['POST', '/v1/rooms/a%22b/tokens'],
    ] as const) {
      const res = await stack.app.inject({
        method,
        url,
        headers: alice,
        ...(method === 'POST' ? { payload: {} } : {}),
      });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().detail).toMatch(/^Invalid params field 'roomId'/);
    }
  });

  it('bodies and query strings: lengths, types and repeated parameters are 400s naming the field', async () => {
    const alice = await stack.auth('alice', ['streamer']);
    const room = (
      await stack.app.inject({ method: 'POST', url: '/v1/rooms', payload: {}, headers: alice })
    ).json().roomId;
    const cases: Array<[string, string, object | undefined, RegExp]> = [
      ['POST', '/v1/rooms', { topic: 't'.repeat(201) }, /'topic'.*200 characters/],
      ['POST', '/v1/rooms', { description: 5 }, /'description'.*must be string/],
      ['POST', '/v1/rooms', { emptyTimeout: 1e12 }, /'emptyTimeout'/],
      ['POST', `/v1/rooms/${room}/tokens`, { identity: 'i'.repeat(129) }, /'identity'.*128 characters/],
      ['POST', `/v1/rooms/${room}/tokens`, { name: 'n'.repeat(10_000) }, /'name'.*128 characters/],
      ['GET', '/v1/rooms?limit=1&limit=2', undefined, /'limit'/],
      ['GET', '/v1/rooms?status=active&status=finished', undefined, /'status'/],
    ];
    for (const [method, url, payload, detail] of cases) {
      const res = await stack.app.inject({
        method: method as 'GET',
        url,
        headers: alice,
        ...(payload ? { payload } : {}),
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().detail).toMatch(detail);
    }
  });
});

describe('OpenAPI', () => {
  it('documents the rooms, recordings, webhook and seed routes', async () => {
    const spec = await stack.app.inject({ url: '/openapi.json' });
    expect(spec.statusCode).toBe(200);
    const paths = Object.keys(spec.json().paths);
    for (const p of [
      '/v1/rooms',
      '/v1/rooms/{roomId}/tokens',
      '/v1/recordings',
      '/v1/recordings/{recordingId}/media',
      '/v1/recordings/{recordingId}/download-url',
      '/v1/webhooks/livekit',
      '/api/room/create',
      '/recordings/{recordingName}',
    ])
      expect(paths).toContain(p);
    // The webhook and the seed health check need no bearer token.
    expect(spec.json().paths['/v1/webhooks/livekit'].post.security).toEqual([]);
    expect(spec.json().paths['/api/health'].get.security).toEqual([]);
  });
});
