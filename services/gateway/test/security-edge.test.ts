// The security issue's reproductions on the REST edge, as an attacker sends them: forged actors
// in bodies, viewers creating, tampered cursors, tokens that never expire or name a number.
import { SignJWT } from 'jose';
import { startStreamsHarness, type Harness } from './streams-harness';
import { waitFor } from '../../../test/support';
import { TEST_SECRET } from './helpers';

jest.setTimeout(60_000);

const sign = (
  claims: Record<string, unknown>,
  o: { sub?: unknown; exp?: string | number; iat?: number } = {},
) => {
  const payload: Record<string, unknown> = { roles: ['streamer'], ...claims };
  // A malformed subject on purpose (a number, an object): what a buggy identity provider sends.
  if (o.sub !== undefined) payload.sub = o.sub;
  let jwt = new SignJWT(payload).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(o.iat);
  if (o.sub === undefined) jwt = jwt.setSubject('alice');
  if (o.exp !== undefined) jwt = jwt.setExpirationTime(o.exp);
  return jwt.sign(new TextEncoder().encode(TEST_SECRET));
};

describe('REST edge security', () => {
  let h: Harness;
  let nativeRoom: string;
  const bansOf = (userId: string) =>
    h.events.filter(
      (e) => e.type === 'onair.chat.user.banned.v1' && (e.data as { userId?: string }).userId === userId,
    );
  beforeAll(async () => {
    h = await startStreamsHarness({ chatDefaultProvider: 'native' });
    const r = await h.api('POST', '/v1/chat/rooms', { body: { name: 'alice room', provider: 'native' } });
    expect(r.statusCode).toBe(201);
    nativeRoom = r.json().roomId;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a viewer cannot ban the owner by forging an admin actor in the body (400 naming the field)', async () => {
    const res = await h.api('POST', `/v1/chat/rooms/${nativeRoom}/bans`, {
      user: 'vic',
      roles: ['viewer'],
      body: { userId: 'alice', actor: { userId: 'x', roles: ['admin'] } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toMatch(/unknown field 'actor'/);
    expect(bansOf('alice')).toEqual([]);
  });

  it('a viewer without the forged actor is refused by the room (403), and alice stays unbanned', async () => {
    const res = await h.api('POST', `/v1/chat/rooms/${nativeRoom}/bans`, {
      user: 'vic',
      roles: ['viewer'],
      body: { userId: 'alice' },
    });
    expect(res.statusCode).toBe(403);
    // A ban a moderator makes is seen as an event; none came for alice from either attempt.
    const mod = await h.api('POST', `/v1/chat/rooms/${nativeRoom}/bans`, { body: { userId: 'mallory' } });
    expect(mod.statusCode).toBe(204);
    await waitFor(() => bansOf('mallory').length === 1, { what: "mallory's ban event" });
    expect(bansOf('alice')).toEqual([]);
  });

  it('refuses a body that names another room or owner on every chat write', async () => {
    const cases: Array<[string, string, object]> = [
      ['POST', `/v1/chat/rooms/${nativeRoom}/bans`, { userId: 'bob', roomId: 'chat_other' }],
      ['POST', '/v1/chat/rooms', { name: 'x', ownerId: 'bob' }],
      ['PATCH', `/v1/chat/rooms/${nativeRoom}`, { name: 'x', roomId: 'other' }],
      [
        'POST',
        `/v1/chat/rooms/${nativeRoom}/events`,
        { eventName: 'e', actor: { userId: 'x', roles: ['admin'] } },
      ],
      ['POST', `/v1/chat/rooms/${nativeRoom}/tokens`, { userId: 'bob' }],
      ['POST', '/v1/streams', { title: 't', ownerId: 'bob' }],
    ];
    for (const [method, url, body] of cases) {
      const res = await h.api(method as 'POST', url, { body });
      expect({ url, status: res.statusCode }).toEqual({ url, status: 400 });
      expect(res.json().detail).toMatch(/unknown field '(roomId|ownerId|actor|userId)'/);
    }
  });

  it('viewers cannot create streams or chat rooms (403), streamers can', async () => {
    for (const [url, body] of [
      ['/v1/streams', { title: 'mine' }],
      ['/v1/chat/rooms', { name: 'mine' }],
      ['/stream', { title: 'mine' }],
    ] as const) {
      const res = await h.api('POST', url, { user: 'vic', roles: ['viewer'], body });
      expect({ url, status: res.statusCode }).toEqual({ url, status: 403 });
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
  });

  it.each([
    ['/v1/chat/rooms', 'eyJhIjoxfQ'],
    [
      '/v1/chat/rooms',
      Buffer.from(JSON.stringify({ PK: 'x', SK: 'y', GSI2PK: 'OWNER#bob', GSI2SK: 'z' })).toString(
        'base64url',
      ),
    ],
    ['/v1/streams', Buffer.from(JSON.stringify({ PK: 'x', SK: 'y' })).toString('base64url')],
    ['/v1/streams', 'not a cursor!'],
    ['/v1/streams', Buffer.from('[1,2]').toString('base64url')],
  ])('answers a tampered cursor on %s with 400, not 500', async (url, cursor) => {
    const res = await h.api('GET', `${url}?cursor=${encodeURIComponent(cursor)}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toMatch(/cursor/);
  });

  it('pages through a list with the cursors it gave out', async () => {
    for (let i = 0; i < 3; i++)
      expect(
        (await h.api('POST', '/v1/chat/rooms', { user: 'pager', body: { name: `p${i}` } })).statusCode,
      ).toBe(201);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await h.api('GET', `/v1/chat/rooms?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
        user: 'pager',
      });
      expect(res.statusCode).toBe(200);
      seen.push(...res.json().items.map((r: { name: string }) => r.name));
      cursor = res.json().nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(['p0', 'p1', 'p2']);
  });

  it.each(['Infinity', '1e309', '-1', '0', '101'])('answers limit=%s with 400', async (limit) => {
    const res = await h.api('GET', `/v1/chat/rooms?limit=${limit}`);
    expect(res.statusCode).toBe(400);
  });

  it('refuses tokens without exp, living longer than 24 h, or whose sub is not a string (401)', async () => {
    const cases: Array<[string, Promise<string>, RegExp]> = [
      ['no exp', sign({}), /expiry/],
      ['30 day lifetime', sign({}, { exp: '30d' }), /longer than/],
      ['sub is a number', sign({}, { sub: 12345, exp: '1h' }), /subject/],
      ['sub is an object', sign({}, { sub: { id: 'alice' }, exp: '1h' }), /subject|not valid/],
      ['sub has a control character', sign({}, { sub: 'ali\nce', exp: '1h' }), /control characters/],
      ['sub has a lone surrogate', sign({}, { sub: 'surr\ud800', exp: '1h' }), /well-formed/],
    ];
    for (const [name, token, detail] of cases) {
      const res = await h.app.inject({
        url: '/v1/streams',
        headers: { authorization: `Bearer ${await token}` },
      });
      expect({ name, status: res.statusCode }).toEqual({ name, status: 401 });
      expect(res.json().detail).toMatch(detail);
    }
    const ok = await h.app.inject({
      url: '/v1/streams',
      headers: { authorization: `Bearer ${await sign({}, { exp: '23h' })}` },
    });
    expect(ok.statusCode).toBe(200);
  });

  it('refuses a path user id with a control character (the contracts refuse it too)', async () => {
    const res = await h.api('DELETE', `/v1/chat/rooms/${nativeRoom}/bans/a%0Ab`);
    expect(res.statusCode).toBe(400);
  });

  it('refuses a message id with a newline (it forged a log line) or a space: 400 before chat-svc', async () => {
    for (const id of ['a%0A%20%20gateway%20info%20FAKE-LOG-LINE', 'a%20b']) {
      const res = await h.api('DELETE', `/v1/chat/rooms/${nativeRoom}/messages/${id}`);
      expect({ id, status: res.statusCode }).toEqual({ id, status: 400 });
      expect(res.json().detail).toMatch(/messageId/);
    }
  });

  it('refuses a title given as a number instead of storing "5"', async () => {
    const res = await h.api('POST', '/v1/streams', { body: { title: 5 } });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toMatch(/title/);
  });
});
