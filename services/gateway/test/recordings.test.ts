// /v1/recordings end to end: start (409 twice), the lifecycle from the stand-in's signed webhooks
// with egress_ended lost and egress_updated duplicated (ListEgress reconciliation repairs it),
// filters and pagination, Range through /media, a presigned URL that serves the real bytes,
// and delete (409 while recording, then the S3 object is gone). Then who may start, stop and
// delete (one policy with seed 001) and path ids / query strings refused with 400.
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { waitFor } from '../../../test/support';
import { BUCKET, type Stack, startStack, STACK_START_MS } from './rooms.harness';

let stack: Stack;
let alice: { authorization: string };
let bob: { authorization: string };
let roomId: string;
beforeAll(async () => {
  stack = await startStack({ reconcileMs: 250 });
  alice = await stack.auth('alice', ['streamer']);
  bob = await stack.auth('bob', ['viewer']);
  roomId = (
    await stack.app.inject({ method: 'POST', url: '/v1/rooms', payload: { topic: 'rec' }, headers: alice })
  ).json().roomId;
}, STACK_START_MS);
afterAll(async () => {
  await stack?.stop();
}, STACK_START_MS);

const start = () =>
  stack.app.inject({ method: 'POST', url: '/v1/recordings', payload: { roomId }, headers: alice });
const get = (id: string, headers = alice) => stack.app.inject({ url: `/v1/recordings/${id}`, headers });
const untilStatus = (id: string, status: string) =>
  waitFor(
    async () => {
      const r = (await get(id)).json();
      return r.status === status ? r : undefined;
    },
    { what: `recording ${id} ${status}` },
  );

describe('/v1/recordings', () => {
  let first: { recordingId: string; s3Key: string; size: number };

  it('runs the lifecycle with a lost egress_ended and a duplicated egress_updated; reconciliation repairs it', async () => {
    stack.lk.injectFault({ type: 'webhook_duplicate', event: 'egress_updated', count: 2 });
    stack.lk.injectFault({ type: 'webhook_drop', event: 'egress_ended' });
    const res = await start();
    expect(res.statusCode).toBe(201);
    const id = res.json().recordingId;
    expect(res.json()).toMatchObject({
      source: 'livekit',
      roomName: roomId,
      roomId,
      ownerId: 'alice',
      s3Bucket: BUCKET,
    });
    expect(res.headers.location).toBe(`/v1/recordings/${id}`);
    expect((await start()).statusCode).toBe(409);
    const byViewer = await stack.app.inject({
      method: 'POST',
      url: '/v1/recordings',
      payload: { roomId },
      headers: bob,
    });
    expect(byViewer.statusCode).toBe(403);

    await untilStatus(id, 'recording'); // from egress_updated (delivered twice)
    const del = await stack.app.inject({ method: 'DELETE', url: `/v1/recordings/${id}`, headers: alice });
    expect(del.statusCode).toBe(409);

    const stopped = await stack.app.inject({
      method: 'POST',
      url: `/v1/recordings/${id}/stop`,
      headers: alice,
    });
    expect(stopped.statusCode).toBe(200);
    expect(['stopping', 'ready']).toContain(stopped.json().status);
    await stack.lk.idle();
    expect(stack.lk.webhooks.find((w) => w.event === 'egress_ended')?.status).toBe('dropped');
    expect(
      stack.lk.webhooks.filter((w) => w.event === 'egress_updated').every((w) => w.deliveries === 2),
    ).toBe(true);

    const ready = await untilStatus(id, 'ready'); // only ListEgress can have told us
    expect(ready).toMatchObject({
      durationMs: 3000,
      roomSid: expect.stringMatching(/^RM_/),
      egressId: expect.stringMatching(/^EG_/),
    });
    expect(ready.size).toBeGreaterThan(0);
    expect(Date.parse(ready.endedAt)).toBeGreaterThanOrEqual(Date.parse(ready.startedAt));
    const head = await stack.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: ready.s3Key }));
    expect(head.ContentLength).toBe(ready.size);
    first = ready;

    const stopAgain = await stack.app.inject({
      method: 'POST',
      url: `/v1/recordings/${id}/stop`,
      headers: alice,
    });
    expect(stopAgain.statusCode).toBe(409);
  });

  it('lists with filters, newest first, in pages', async () => {
    const second = (await start()).json().recordingId;
    await untilStatus(second, 'recording');
    const list = async (qs: string) =>
      (await stack.app.inject({ url: `/v1/recordings?${qs}`, headers: bob })).json();
    const ids = (page: { items: Array<{ recordingId: string }> }) => page.items.map((r) => r.recordingId);
    expect(ids(await list(''))).toEqual([second, first.recordingId]);
    expect(ids(await list('status=ready'))).toEqual([first.recordingId]);
    expect(ids(await list('status=recording'))).toEqual([second]);
    expect(ids(await list(`roomName=${roomId}&status=ready`))).toEqual([first.recordingId]);
    expect(ids(await list(`roomId=${roomId}`))).toHaveLength(2);
    expect(ids(await list('roomId=elsewhere'))).toEqual([]);
    const page1 = await list('limit=1');
    expect(ids(page1)).toEqual([second]);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = await list(`limit=1&cursor=${page1.nextCursor}`);
    expect(ids(page2)).toEqual([first.recordingId]);
    await stack.app.inject({ method: 'POST', url: `/v1/recordings/${second}/stop`, headers: alice });
    await untilStatus(second, 'ready');
  });

  it('streams /media with Range and hands out a presigned URL serving the same bytes', async () => {
    const obj = await stack.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: first.s3Key }));
    const bytes = Buffer.from(await obj.Body!.transformToByteArray());
    const url = `/v1/recordings/${first.recordingId}/media`;
    const part = await stack.app.inject({ url, headers: { ...bob, range: 'bytes=100-199' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-199/${bytes.length}`);
    expect(part.rawPayload.equals(bytes.subarray(100, 200))).toBe(true);
    expect(
      (await stack.app.inject({ url, headers: { ...bob, range: `bytes=${bytes.length}-` } })).statusCode,
    ).toBe(416);
    const head = await stack.app.inject({ method: 'HEAD', url, headers: bob });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe(String(bytes.length));

    const signed = await stack.app.inject({
      url: `/v1/recordings/${first.recordingId}/download-url`,
      headers: bob,
    });
    expect(signed.statusCode).toBe(200);
    expect(signed.json().url).toMatch(/X-Amz-Signature=/);
    const fetched = await fetch(signed.json().url, { headers: { range: 'bytes=0-1023' } });
    expect(fetched.status).toBe(206);
    expect(Buffer.from(await fetched.arrayBuffer()).equals(bytes.subarray(0, 1024))).toBe(true);
  });

  it('deletes: owner only, then object and metadata are gone', async () => {
    const url = `/v1/recordings/${first.recordingId}`;
    expect((await stack.app.inject({ method: 'DELETE', url, headers: bob })).statusCode).toBe(403);
    expect((await stack.app.inject({ method: 'DELETE', url, headers: alice })).statusCode).toBe(204);
    await expect(
      stack.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: first.s3Key })),
    ).rejects.toMatchObject({ name: 'NotFound' });
    expect((await get(first.recordingId)).statusCode).toBe(404);
    expect((await stack.app.inject({ url: `${url}/media`, headers: alice })).statusCode).toBe(404);
  });
});

describe('/v1/recordings: who may start, stop and delete', () => {
  const as = async (user: string, roles: string[]) => stack.auth(user, roles);
  const inject = (method: 'POST' | 'DELETE', url: string, headers: object, payload?: object) =>
    stack.app.inject({
      method,
      url,
      headers: headers as Record<string, string>,
      ...(payload ? { payload } : {}),
    });

  it('a viewer may not start, in an onair room or a LiveKit room onair does not know (403)', async () => {
    for (const room of [roomId, 'not-an-onair-room']) {
      const res = await inject('POST', '/v1/recordings', bob, { roomId: room });
      expect(res.statusCode).toBe(403);
    }
    // A streamer may, where LiveKit has the room (this one it has not: 404 from LiveKit).
    const res = await inject('POST', '/v1/recordings', await as('carol', ['streamer']), {
      roomId: 'not-an-onair-room',
    });
    expect(res.statusCode).toBe(404);
  });

  it("carol starts a recording of alice's room; alice stops it and can record again; a stranger may neither stop nor delete; an admin may", async () => {
    const carol = await as('carol', ['streamer']);
    const mallory = await as('mallory', ['streamer']);
    const root = await as('root', ['admin']);
    const started = await inject('POST', '/v1/recordings', carol, { roomId });
    expect(started.statusCode).toBe(201);
    expect(started.json()).toMatchObject({ ownerId: 'carol', roomOwnerId: 'alice' });
    const id = started.json().recordingId;
    await untilStatus(id, 'recording');

    const byStranger = await inject('POST', `/v1/recordings/${id}/stop`, mallory);
    expect(byStranger.statusCode).toBe(403);
    expect(byStranger.json().detail).toMatch(/room's owner, who started the recording, or an admin/);
    expect((await inject('POST', `/v1/recordings/${id}/stop`, alice)).statusCode).toBe(200);
    await untilStatus(id, 'ready');

    const again = await start(); // alice records her room again
    expect(again.statusCode).toBe(201);
    const second = again.json().recordingId;
    await untilStatus(second, 'recording');
    expect((await inject('POST', `/v1/recordings/${second}/stop`, root)).statusCode).toBe(200);
    await untilStatus(second, 'ready');

    for (const rec of [id, second])
      expect((await inject('DELETE', `/v1/recordings/${rec}`, mallory)).statusCode).toBe(403);
    expect((await inject('DELETE', `/v1/recordings/${id}`, alice)).statusCode).toBe(204); // carol's, in her room
    expect((await inject('DELETE', `/v1/recordings/${second}`, root)).statusCode).toBe(204);
    expect((await get(id)).statusCode).toBe(404);
    expect((await get(second)).statusCode).toBe(404);
  });

  it('path ids, bodies and query strings are checked: 400 naming the field', async () => {
    const cases: Array<[string, string, object | undefined, RegExp]> = [
      ['GET', '/v1/recordings/a%20b', undefined, /params field 'recordingId'/],
      ['DELETE', '/v1/recordings/a%20b', undefined, /params field 'recordingId'/],
      ['POST', '/v1/recordings/a%20b/stop', undefined, /params field 'recordingId'/],
      ['GET', `/v1/recordings/${'r'.repeat(129)}/media`, undefined, /params field 'recordingId'/],
      ['POST', '/v1/recordings', { roomId: 'r'.repeat(300) }, /body field 'roomId'.*128 characters/],
      ['POST', '/v1/recordings', { roomId: 5 }, /body field 'roomId'.*must be string/],
      ['POST', '/v1/recordings', { roomId, ownerId: 'x' }, /unknown field 'ownerId'/],
      ['GET', '/v1/recordings?roomName=a&roomName=b', undefined, /querystring field 'roomName'/],
      ['GET', '/v1/recordings?status=ready&status=failed', undefined, /querystring field 'status'/],
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
