// Seed 001's flows against onair: token, start (409 when already recording), stop (409 when not),
// list with its filters, Range streaming checked against the real bytes of the S3 object, HEAD,
// ETag, 416, path traversal and unknown names (404), and delete removing the object from S3.
// Then the /v1 rules on the seed routes: the token's identity is the caller's (the name field is
// the display name), grants by role, who may record, stop and delete; and bad input as 400s.
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { RoomServiceClient } from 'livekit-server-sdk';
import { API_KEY, API_SECRET, BUCKET, type Stack, startStack, STACK_START_MS } from './rooms.harness';

let stack: Stack;
let auth: { authorization: string };
beforeAll(async () => {
  stack = await startStack();
  auth = await stack.auth('alice');
  // Seed 001 records rooms that exist in LiveKit (clients created them by joining).
  await new RoomServiceClient(stack.lk.url, API_KEY, API_SECRET).createRoom({ name: 'fight-1' });
}, STACK_START_MS);
afterAll(async () => {
  await stack?.stop();
}, STACK_START_MS);

const post = (url: string, payload: object) =>
  stack.app.inject({ method: 'POST', url, payload, headers: auth });

describe('seed 001: tokens and recordings', () => {
  let name: string;
  let bytes: Buffer;
  let sid: string;

  it('POST /token answers {token} with a join token for the room; the participant name is the display name', async () => {
    const res = await post('/token', { roomName: 'fight-1', participantName: 'Alice A.' });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json())).toEqual(['token']);
    const claims = await stack.verifyJoinToken(res.json().token);
    expect(claims.sub).toBe('alice'); // the caller, whatever name they send
    expect(claims.name).toBe('Alice A.');
    expect((claims.exp ?? 0) - (claims.nbf ?? 0)).toBe(24 * 3600);
    expect(claims.video).toMatchObject({
      roomJoin: true,
      room: 'fight-1',
      canPublish: true,
      canSubscribe: true,
    });
    const bad = await post('/token', { roomName: 'fight-1' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ errorMessage: 'roomName and participantName are required' });
  });

  it('starts a recording, refuses a second start with 409, stops it with the file size', async () => {
    const before = Date.now();
    const started = await post('/recordings/start', { roomName: 'fight-1' });
    expect(started.statusCode).toBe(200);
    expect(started.json()).toEqual({
      message: 'Recording started',
      recording: { name: expect.stringMatching(/^fight-1-\d+\.mp4$/), startedAt: expect.any(Number) },
    });
    expect(started.json().recording.startedAt).toBeGreaterThanOrEqual(before - 1000);
    name = started.json().recording.name;

    const again = await post('/recordings/start', { roomName: 'fight-1' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toEqual({ errorMessage: 'Room fight-1 is already being recorded' });

    await stack.lk.idle(); // the egress is ACTIVE before it is stopped
    const stopped = await post('/recordings/stop', { roomName: 'fight-1' });
    expect(stopped.statusCode).toBe(200);
    const obj = await stack.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `recordings/${name}` }));
    bytes = Buffer.from(await obj.Body!.transformToByteArray());
    expect(stopped.json()).toEqual({
      message: 'Recording stopped',
      recording: { name, startedAt: started.json().recording.startedAt, size: bytes.length },
    });

    const notRecording = await post('/recordings/stop', { roomName: 'fight-1' });
    expect(notRecording.statusCode).toBe(409);
    expect(notRecording.json()).toEqual({ errorMessage: 'Room fight-1 is not being recorded' });
    expect((await post('/recordings/start', { roomName: 'no-such-room' })).json()).toEqual({
      errorMessage: 'Room not found',
    });
    expect((await post('/recordings/start', {})).statusCode).toBe(400);
  });

  it('lists recordings with the documented fields and the roomName / roomId filters', async () => {
    const all = await stack.app.inject({ url: '/recordings', headers: auth });
    expect(all.statusCode).toBe(200);
    const [rec] = all.json().recordings;
    expect(rec).toEqual({
      id: expect.stringMatching(/^EG_/),
      name,
      roomName: 'fight-1',
      roomId: expect.stringMatching(/^RM_/),
      startedAt: expect.any(Number),
      size: bytes.length,
    });
    sid = rec.roomId;
    const q = async (qs: string) =>
      (await stack.app.inject({ url: `/recordings?${qs}`, headers: auth })).json().recordings;
    expect(await q('roomName=fight-1')).toHaveLength(1);
    expect(await q(`roomId=${sid}`)).toHaveLength(1);
    expect(await q('roomName=other')).toHaveLength(0);
    expect(await q('roomId=RM_other')).toHaveLength(0);
  });

  it('streams the MP4 with Range: first bytes, middle, suffix, open-ended; 416 when unsatisfiable', async () => {
    const url = `/recordings/${name}`;
    const full = await stack.app.inject({ url, headers: auth });
    expect(full.statusCode).toBe(200);
    expect(full.rawPayload.equals(bytes)).toBe(true);
    expect(full.headers).toMatchObject({
      'accept-ranges': 'bytes',
      'content-type': 'video/mp4',
      'content-length': String(bytes.length),
    });
    const etag = full.headers.etag as string;
    expect(etag).toBeTruthy();
    expect(full.headers['last-modified']).toBeTruthy();

    const size = bytes.length;
    const cases: Array<[string, number, number]> = [
      ['bytes=0-99', 0, 99],
      ['bytes=1000-1999', 1000, 1999],
      ['bytes=-500', size - 500, size - 1],
      [`bytes=${size - 300}-`, size - 300, size - 1],
      [`bytes=10-${size + 1000}`, 10, size - 1],
    ];
    for (const [range, start, end] of cases) {
      const res = await stack.app.inject({ url, headers: { ...auth, range } });
      expect(res.statusCode).toBe(206);
      expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/${size}`);
      expect(res.headers['content-length']).toBe(String(end - start + 1));
      expect(res.rawPayload.equals(bytes.subarray(start, end + 1))).toBe(true);
    }
    for (const range of [`bytes=${size}-`, `bytes=${size + 5}-${size + 10}`, 'bytes=-0']) {
      const res = await stack.app.inject({ url, headers: { ...auth, range } });
      expect(res.statusCode).toBe(416);
      expect(res.headers['content-range']).toBe(`bytes */${size}`);
    }
    const head = await stack.app.inject({ method: 'HEAD', url, headers: { ...auth, range: 'bytes=0-9' } });
    expect(head.statusCode).toBe(206);
    expect(head.headers['content-length']).toBe('10');
    expect(head.rawPayload.length).toBe(0);
    const notModified = await stack.app.inject({ url, headers: { ...auth, 'if-none-match': etag } });
    expect(notModified.statusCode).toBe(304);
  });

  it('answers 404 for unknown names and path traversal', async () => {
    for (const url of [
      '/recordings/nope.mp4',
      '/recordings/..%2F..%2Fetc%2Fpasswd',
      `/recordings/..%2Frecordings%2F${name}`,
      `/recordings/.%2F${name}`,
    ]) {
      const res = await stack.app.inject({ url, headers: auth });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ errorMessage: 'Recording not found' });
    }
    // Dot segments are resolved before routing: no route matches at all.
    expect(
      (await stack.app.inject({ url: `/recordings/../recordings/${name}x`, headers: auth })).statusCode,
    ).toBe(404);
    expect(
      (await stack.app.inject({ method: 'DELETE', url: '/recordings/nope.mp4', headers: auth })).statusCode,
    ).toBe(404);
  });

  it('deletes file and metadata: the S3 object is gone', async () => {
    const res = await stack.app.inject({ method: 'DELETE', url: `/recordings/${name}`, headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ message: 'Recording deleted' });
    await expect(
      stack.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `recordings/${name}` })),
    ).rejects.toMatchObject({
      name: 'NotFound',
    });
    expect((await stack.app.inject({ url: `/recordings/${name}`, headers: auth })).statusCode).toBe(404);
    expect((await stack.app.inject({ url: '/recordings', headers: auth })).json().recordings).toEqual([]);
  });

  it('needs a bearer token', async () => {
    const res = await stack.app.inject({ url: '/recordings' });
    expect(res.statusCode).toBe(401);
    expect(res.json().errorMessage).toMatch(/bearer token/);
  });
});

describe('seed 001: the /v1 rules for tokens', () => {
  const as = async (user: string, roles: string[], payload: object) =>
    stack.app.inject({ method: 'POST', url: '/token', payload, headers: await stack.auth(user, roles) });
  const claimsOf = async (res: { statusCode: number; json(): { token: string } }) => {
    expect(res.statusCode).toBe(200);
    return stack.verifyJoinToken(res.json().token);
  };
  const SUBSCRIBE_ONLY = { roomJoin: true, canPublish: false, canSubscribe: true, canPublishData: false };
  const PUBLISH = { roomJoin: true, canPublish: true, canSubscribe: true, canPublishData: true };

  it('a viewer naming someone else gets a subscribe-only token with their own identity', async () => {
    const c = await claimsOf(await as('vic', ['viewer'], { roomName: 'fight-1', participantName: 'alice' }));
    expect(c).toMatchObject({ sub: 'vic', name: 'alice', video: { ...SUBSCRIBE_ONLY, room: 'fight-1' } });
  });

  it("an admin's participantName is the identity, as in the seed", async () => {
    const c = await claimsOf(await as('root', ['admin'], { roomName: 'fight-1', participantName: 'alice' }));
    expect(c).toMatchObject({ sub: 'alice', video: { ...PUBLISH, room: 'fight-1' } });
  });

  it('in an onair room the owner, streamers and moderators publish; a viewer only subscribes', async () => {
    const room = await stack.app.inject({
      method: 'POST',
      url: '/v1/rooms',
      payload: { topic: 'seed 001 grants' },
      headers: auth,
    });
    const roomName = room.json().roomId;
    const payload = { roomName, participantName: 'someone' };
    expect((await claimsOf(await as('alice', ['streamer'], payload))).video).toMatchObject(PUBLISH);
    expect((await claimsOf(await as('mod', ['moderator'], payload))).video).toMatchObject(PUBLISH);
    const viewer = await claimsOf(await as('vic', ['viewer'], payload));
    expect(viewer).toMatchObject({
      sub: 'vic',
      name: 'someone',
      video: { ...SUBSCRIBE_ONLY, room: roomName },
    });
  });
});

describe('seed 001: who may record, stop and delete', () => {
  const as = async (
    user: string,
    roles: string[],
    method: 'POST' | 'DELETE',
    url: string,
    payload?: object,
  ) =>
    stack.app.inject({
      method,
      url,
      ...(payload ? { payload } : {}),
      headers: await stack.auth(user, roles),
    });
  let roomName: string;
  beforeAll(async () => {
    // alice's onair room (stream-svc creates it in LiveKit too)
    const room = await stack.app.inject({
      method: 'POST',
      url: '/v1/rooms',
      payload: { topic: 'recorded by others' },
      headers: auth,
    });
    roomName = room.json().roomId;
  });

  it('a viewer may not start a recording (403), of an onair room or a LiveKit one', async () => {
    for (const room of [roomName, 'fight-1']) {
      const res = await as('vic', ['viewer'], 'POST', '/recordings/start', { roomName: room });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ errorMessage: expect.stringMatching(/streamer, moderator, admin/) });
    }
  });

  it("bob starts a recording of alice's room; alice stops it and records again; a stranger may neither stop nor delete; an admin may", async () => {
    const started = await as('bob', ['streamer'], 'POST', '/recordings/start', { roomName });
    expect(started.statusCode).toBe(200);
    await stack.lk.idle();
    const byStranger = await as('carol', ['streamer'], 'POST', '/recordings/stop', { roomName });
    expect(byStranger.statusCode).toBe(403);
    expect(byStranger.json()).toEqual({
      errorMessage: expect.stringMatching(/room's owner, who started the recording, or an admin/),
    });
    const stopped = await post('/recordings/stop', { roomName }); // alice, the room's owner
    expect(stopped.statusCode).toBe(200);
    expect(stopped.json().recording).toMatchObject({ name: started.json().recording.name });

    const again = await post('/recordings/start', { roomName });
    expect(again.statusCode).toBe(200);
    await stack.lk.idle();
    expect((await as('root', ['admin'], 'POST', '/recordings/stop', { roomName })).statusCode).toBe(200);

    const first = `/recordings/${started.json().recording.name}`;
    const second = `/recordings/${again.json().recording.name}`;
    for (const url of [first, second]) {
      const res = await as('carol', ['streamer'], 'DELETE', url);
      expect(res.statusCode).toBe(403);
      expect(res.json().errorMessage).toMatch(/room's owner, who started the recording, or an admin/);
    }
    expect((await as('alice', ['streamer'], 'DELETE', first)).statusCode).toBe(200); // bob's, in her room
    expect((await as('root', ['admin'], 'DELETE', second)).statusCode).toBe(200);
    expect(
      (await stack.app.inject({ url: `/recordings?roomName=${roomName}`, headers: auth })).json(),
    ).toEqual({
      recordings: [],
    });
  });
});

describe('seed 001: bad input is a 400 that says what to change', () => {
  const long = 'x'.repeat(10_000);
  const cases: Array<[string, string, object, RegExp]> = [
    [
      'a 10k-character roomName',
      '/token',
      { roomName: long, participantName: 'a' },
      /roomName.*128 characters/,
    ],
    [
      'a 10k-character participantName',
      '/token',
      { roomName: 'fight-1', participantName: long },
      /participantName.*128 characters/,
    ],
    [
      'an object as roomName',
      '/token',
      { roomName: { a: 1 }, participantName: 'a' },
      /roomName.*must be string/,
    ],
    ['a number as roomName', '/token', { roomName: 5, participantName: 'a' }, /roomName.*must be string/],
    [
      'a control character in participantName',
      '/token',
      { roomName: 'fight-1', participantName: 'a\u0000b' },
      /^Invalid body field 'participantName': must not contain control characters$/,
    ],
    [
      'an unknown field',
      '/token',
      { roomName: 'fight-1', participantName: 'a', identity: 'alice' },
      /unknown field 'identity'/,
    ],
    [
      'a 10k-character roomName to record',
      '/recordings/start',
      { roomName: long },
      /roomName.*128 characters/,
    ],
    [
      'an array as roomName to stop',
      '/recordings/stop',
      { roomName: ['fight-1'] },
      /roomName.*must be string/,
    ],
  ];
  it.each(cases)('%s: POST %s', async (_what, url, payload, message) => {
    const res = await stack.app.inject({ method: 'POST', url, payload, headers: auth });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ errorMessage: expect.stringMatching(message) });
  });

  it('refuses repeated query parameters and overlong filters', async () => {
    for (const qs of ['roomName=a&roomName=b', 'roomId=a&roomId=b', `roomName=${'r'.repeat(500)}`]) {
      const res = await stack.app.inject({ url: `/recordings?${qs}`, headers: auth });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        errorMessage: expect.stringMatching(/querystring field 'room(Name|Id)'/),
      });
    }
  });

  it('keeps the documented texts for missing and empty fields; an overlong recording name is a 4xx', async () => {
    expect((await post('/token', { roomName: ' ', participantName: 'a' })).json()).toEqual({
      errorMessage: 'roomName and participantName are required',
    });
    expect((await post('/recordings/stop', { roomName: '' })).json()).toEqual({
      errorMessage: 'roomName is required',
    });
    const res = await stack.app.inject({ url: `/recordings/${'a'.repeat(300)}.mp4`, headers: auth });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(res.json()).toEqual({ errorMessage: expect.any(String) });
  });
});
