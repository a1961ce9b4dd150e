// Seed 004's documented test scenario (create, join, get, list) replayed against onair, every
// documented field asserted, plus the errors it documents (now 400/404 with the same texts).
import { type Stack, startStack, STACK_START_MS } from './rooms.harness';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, STACK_START_MS);
afterAll(async () => {
  await stack?.stop();
}, STACK_START_MS);

const post = async (url: string, payload: unknown, user = 'host-user') =>
  stack.app.inject({ method: 'POST', url, payload: payload as object, headers: await stack.auth(user) });
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
