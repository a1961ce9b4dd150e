// Seed 001's flows against onair: token, start (409 when already recording), stop (409 when not),
// list with its filters, Range streaming checked against the real bytes of the S3 object, HEAD,
// ETag, 416, path traversal and unknown names (404), and delete removing the object from S3.
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

  it('POST /token answers {token} with a join token for the room and participant', async () => {
    const res = await post('/token', { roomName: 'fight-1', participantName: 'bob' });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json())).toEqual(['token']);
    const claims = await stack.verifyJoinToken(res.json().token);
    expect(claims.sub).toBe('bob');
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
