// Seed 004's documented test scenario (create, join, get, list) replayed against onair, every
// documented field asserted, plus the errors it documents (now 400/404 with the same texts).
// Then the /v1 rules on these routes: the token's identity is the caller's (userName is the
// display name), grants by role, viewers may not create; and bad input as 400s in NestJS's shape.
import { type Stack, startStack, STACK_START_MS } from './rooms.harness';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, STACK_START_MS);
afterAll(async () => {
  await stack?.stop();
}, STACK_START_MS);

const post = async (url: string, payload: unknown, user = 'host-user', roles = ['streamer']) =>
  stack.app.inject({
    method: 'POST',
    url,
    payload: payload as object,
    headers: await stack.auth(user, roles),
  });
const get = async (url: string, user = 'host-user') =>
  stack.app.inject({ url, headers: await stack.auth(user) });

describe('seed 004: LiveKit room service', () => {
  it('GET /api/health answers without a token', async () => {
    const res = await stack.app.inject({ url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', timestamp: expect.any(String) });
    expect(new Date(res.json().timestamp).toISOString()).toBe(res.json().timestamp);
  });

  it('replays the documented scenario: create, join, get, list', async () => {
    // 1. create (only userName and roomTopic, as the scenario does: defaults fill the rest)
    const created = await post('/api/room/create', { userName: 'host-user', roomTopic: 'Test Room' });
    expect(created.statusCode).toBe(200);
    const c = created.json();
    expect(Object.keys(c).sort()).toEqual(
      [
        'roomId',
        'roomUrl',
        'roomTopic',
        'description',
        'maxParticipants',
        'userName',
        'token',
        'livekitUrl',
      ].sort(),
    );
    expect(c.roomId).toMatch(/^room-\d{10}-[a-z0-9]{6}$/);
    expect(c).toMatchObject({
      roomTopic: 'Test Room',
      description: '',
      maxParticipants: 20,
      userName: 'host-user',
      livekitUrl: stack.lk.url.replace(/^http/, 'ws'),
      roomUrl: `${stack.lk.url.replace(/^http/, 'ws')}/${c.roomId}`,
    });
    const hostClaims = await stack.verifyJoinToken(c.token);
    expect(hostClaims.sub).toBe('host-user');
    expect(hostClaims.video).toEqual({
      roomJoin: true,
      room: c.roomId,
      canPublish: true,
      canSubscribe: true,
      canPublishData: true,
    });
    expect((hostClaims.exp ?? 0) - (hostClaims.nbf ?? 0)).toBe(24 * 3600);

    // 2. another user joins
    const joined = await post(
      '/api/room/join',
      { roomId: c.roomId, userName: 'participant-user' },
      'participant-user',
    );
    expect(joined.statusCode).toBe(200);
    expect(Object.keys(joined.json()).sort()).toEqual(['token', 'url']);
    expect(joined.json().url).toBe(c.livekitUrl);
    const claims = await stack.verifyJoinToken(joined.json().token);
    expect(claims.sub).toBe('participant-user');
    expect(claims.video).toMatchObject({
      roomJoin: true,
      room: c.roomId,
      canPublish: true,
      canSubscribe: true,
      canPublishData: true,
    });
    // The token really admits them to the LiveKit room.
    await stack.lk.join(joined.json().token);

    // 3. room info
    const info = await get(`/api/room/${c.roomId}`);
    expect(info.statusCode).toBe(200);
    expect(info.json()).toEqual({
      roomId: c.roomId,
      roomTopic: 'Test Room',
      description: '',
      maxParticipants: 20,
      createdBy: 'host-user',
      createdAt: expect.any(String),
    });
    expect(Date.parse(info.json().createdAt)).toBeGreaterThan(Date.now() - 60_000);

    // 4. every active room
    const list = await get('/api/rooms');
    expect(list.statusCode).toBe(200);
    expect(Object.keys(list.json()).sort()).toEqual(['rooms', 'total']);
    expect(list.json().total).toBe(list.json().rooms.length);
    expect(list.json().rooms).toContainEqual(info.json());

    // /api/token does what /api/room/join does
    const tok = await post('/api/token', { roomId: c.roomId, userName: 'someone' }, 'someone');
    expect(tok.statusCode).toBe(200);
    expect((await stack.verifyJoinToken(tok.json().token)).sub).toBe('someone');
  });

  it('creates with every documented field', async () => {
    const res = await post('/api/room/create', {
      userName: 'test-user',
      roomTopic: 'My Room',
      description: 'Test room description',
      maxParticipants: 7,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      roomTopic: 'My Room',
      description: 'Test room description',
      maxParticipants: 7,
      userName: 'test-user',
    });
    const info = await get(`/api/room/${res.json().roomId}`);
    expect(info.json()).toMatchObject({
      description: 'Test room description',
      maxParticipants: 7,
      createdBy: 'test-user',
    });
  });

  it('answers 400 / 404 with the seed message texts instead of a blanket 500', async () => {
    const cases: Array<[Promise<{ statusCode: number; json(): unknown }>, number, string]> = [
      [
        post('/api/room/create', { roomTopic: 'x' }),
        400,
        'Failed to create room: identity is required for join but not set',
      ],
      [
        post('/api/room/join', { roomId: 'room-0-nope00', userName: 'u' }),
        404,
        'Failed to join room: Room not found',
      ],
      [
        post('/api/token', { roomId: 'RM_unknown', userName: 'u' }),
        404,
        'Failed to join room: Room not found',
      ],
      [get('/api/room/room-0-nope00'), 404, 'Failed to get room: Room not found'],
      [
        post('/api/room/create', { userName: 'u', maxParticipants: 0 }),
        400,
        'Failed to create room: maxParticipants must be an integer from 1 to 10000',
      ],
    ];
    for (const [res, status, message] of cases) {
      const r = await res;
      expect(r.statusCode).toBe(status);
      expect(r.json()).toEqual({
        statusCode: status,
        message,
        error: status === 400 ? 'Bad Request' : 'Not Found',
      });
    }
    const created = await post('/api/room/create', { userName: 'h' });
    const noName = await post('/api/room/join', { roomId: created.json().roomId });
    expect(noName.statusCode).toBe(400);
    expect(noName.json().message).toBe('Failed to join room: identity is required for join but not set');
  });

  it('needs a bearer token on every route but /api/health', async () => {
    const res = await stack.app.inject({
      method: 'POST',
      url: '/api/room/create',
      payload: { userName: 'x' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    expect((await stack.app.inject({ url: '/api/rooms' })).statusCode).toBe(401);
  });
});

describe('seed 004: the /v1 rules for tokens and rooms', () => {
  const SUBSCRIBE_ONLY = { roomJoin: true, canPublish: false, canSubscribe: true, canPublishData: false };
  const PUBLISH = { roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true };
  const claimsOf = async (res: { statusCode: number; json(): { token: string } }) => {
    expect(res.statusCode).toBe(200);
    return stack.verifyJoinToken(res.json().token);
  };
  let roomId: string;

  it("the creator's token has the caller's identity; userName stays the display name and createdBy", async () => {
    const created = await post(
      '/api/room/create',
      { userName: 'Host Display', roomTopic: 'rules' },
      'hoster',
    );
    expect(created.json()).toMatchObject({ userName: 'Host Display', roomTopic: 'rules' });
    roomId = created.json().roomId;
    const c = await claimsOf(created);
    expect(c).toMatchObject({ sub: 'hoster', name: 'Host Display', video: { ...PUBLISH, room: roomId } });
    expect((await get(`/api/room/${roomId}`)).json().createdBy).toBe('Host Display');
  });

  it('viewers may not create rooms (403 in the seed shape)', async () => {
    const res = await post('/api/room/create', { userName: 'v' }, 'vic', ['viewer']);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({
      statusCode: 403,
      message: expect.stringMatching(/streamer, moderator, admin/),
      error: 'Forbidden',
    });
  });

  it('a viewer naming someone else joins subscribe-only with their own identity, on both join routes', async () => {
    for (const url of ['/api/room/join', '/api/token']) {
      const c = await claimsOf(await post(url, { roomId, userName: 'hoster' }, 'vic', ['viewer']));
      expect(c).toMatchObject({ sub: 'vic', name: 'hoster', video: { ...SUBSCRIBE_ONLY, room: roomId } });
    }
  });

  it("the owner, streamers and moderators publish; an admin's userName is the identity", async () => {
    expect(
      (await claimsOf(await post('/api/room/join', { roomId, userName: 'me' }, 'hoster'))).video,
    ).toEqual({
      ...PUBLISH,
      room: roomId,
    });
    const mod = await claimsOf(await post('/api/token', { roomId, userName: 'm' }, 'mod', ['moderator']));
    expect(mod).toMatchObject({ sub: 'mod', video: PUBLISH });
    const admin = await claimsOf(
      await post('/api/room/join', { roomId, userName: 'hoster' }, 'root', ['admin']),
    );
    expect(admin).toMatchObject({ sub: 'hoster', video: PUBLISH });
  });
});

describe('seed 004: bad input is a 400 that says what to change, in the seed shape', () => {
  const long = 'x'.repeat(10_000);
  let roomId: string;
  beforeAll(async () => {
    roomId = (await post('/api/room/create', { userName: 'h' })).json().roomId;
  });
  const bad = (message: RegExp) => ({
    statusCode: 400,
    message: expect.stringMatching(message),
    error: 'Bad Request',
  });

  it.each([
    ['userName', { userName: long }],
    ['roomTopic', { userName: 'u', roomTopic: long }],
    ['description', { userName: 'u', description: long }],
  ])('a 10k-character %s on create', async (field, payload) => {
    const res = await post('/api/room/create', payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(
      bad(new RegExp(`^Failed to create room: .*'${field}'.*more than \\d+ characters`)),
    );
  });

  it.each([
    ['roomId', () => ({ roomId: long, userName: 'u' })],
    ['userName', () => ({ roomId, userName: long })],
  ])('a 10k-character %s on join and token', async (field, payload) => {
    for (const url of ['/api/room/join', '/api/token']) {
      const res = await post(url, payload());
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual(
        bad(new RegExp(`^Failed to join room: .*'${field}'.*more than 128 characters`)),
      );
    }
  });

  it('wrong types and unknown fields name the field', async () => {
    const cases: Array<[string, object, RegExp]> = [
      ['/api/room/create', { userName: { a: 1 } }, /^Failed to create room: .*'userName'.*must be string/],
      ['/api/room/create', { userName: 'u', maxParticipants: '7' }, /'maxParticipants'.*must be integer/],
      ['/api/room/create', { userName: 'u', roomTopic: 5 }, /'roomTopic'.*must be string/],
      [
        '/api/room/create',
        { userName: 'u', owner: 'alice' },
        /^Failed to create room: .*unknown field 'owner'/,
      ],
      ['/api/room/join', { roomId: 5, userName: 'u' }, /^Failed to join room: .*'roomId'.*must be string/],
      [
        '/api/token',
        { roomId, userName: 'u', identity: 'alice' },
        /^Failed to join room: .*unknown field 'identity'/,
      ],
    ];
    for (const [url, payload, message] of cases) {
      const res = await post(url, payload);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual(bad(message));
    }
  });

  it('room ids that cannot exist are not found, and an empty one is no route (404, seed shape)', async () => {
    for (const url of ['/api/room/', `/api/room/${'r'.repeat(129)}`, '/api/room/a%20b']) {
      const res = await get(url);
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.json()).toEqual({
        statusCode: res.statusCode,
        message: expect.any(String),
        error: res.statusCode === 404 ? 'Not Found' : 'Bad Request',
      });
    }
    expect((await get('/api/room/a%20b')).json().message).toBe('Failed to get room: Room not found');
    const join = await post('/api/room/join', { roomId: 'a b', userName: 'u' });
    expect(join.statusCode).toBe(404);
    expect(join.json().message).toBe('Failed to join room: Room not found');
  });
});
