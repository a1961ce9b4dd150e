// Signed media URLs: GET /v1/recordings/{id}/media-url hands out URLs of both media routes that a
// `<video src>` can play without a bearer token (GET, HEAD, Range), and that open nothing else:
// not another path, not after they expire, not with a changed signature or expiry.
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { waitFor } from '../../../test/support';
import { MediaUrlSigner } from '../src/http/signed-media';
import { MEDIA_URL_SECRET, type Stack, startStack, STACK_START_MS } from './rooms.harness';

let stack: Stack;
let alice: { authorization: string };
let viewer: { authorization: string };
let rec: { recordingId: string; fileName: string; s3Bucket: string; s3Key: string };
let bytes: Buffer;

beforeAll(async () => {
  stack = await startStack({ reconcileMs: 250 });
  alice = await stack.auth('alice', ['streamer']);
  viewer = await stack.auth('vic', ['viewer']);
  const roomId = (
    await stack.app.inject({ method: 'POST', url: '/v1/rooms', payload: { topic: 'signed' }, headers: alice })
  ).json().roomId;
  const started = await stack.app.inject({
    method: 'POST',
    url: '/v1/recordings',
    payload: { roomId },
    headers: alice,
  });
  const id = started.json().recordingId;
  const status = async () =>
    (await stack.app.inject({ url: `/v1/recordings/${id}`, headers: alice })).json().status;
  await waitFor(async () => (await status()) === 'recording', { what: 'recording', timeoutMs: 60_000 });
  // Not ready yet: no URL to hand out.
  const early = await stack.app.inject({ url: `/v1/recordings/${id}/media-url`, headers: alice });
  expect(early.statusCode).toBe(409);
  await stack.app.inject({ method: 'POST', url: `/v1/recordings/${id}/stop`, headers: alice });
  await waitFor(async () => (await status()) === 'ready', { what: 'ready', timeoutMs: 60_000 });
  rec = (await stack.app.inject({ url: `/v1/recordings/${id}`, headers: alice })).json();
  const obj = await stack.s3.send(new GetObjectCommand({ Bucket: rec.s3Bucket, Key: rec.s3Key }));
  bytes = Buffer.from(
    await (obj.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
  );
}, STACK_START_MS * 2);

afterAll(async () => {
  await stack?.stop();
}, STACK_START_MS);

/** Over real HTTP, with no Authorization header: what a media element sends. */
const fetchMedia = (url: string, init: RequestInit = {}) => fetch(`${stack.baseUrl}${url}`, init);

describe('signed media URLs', () => {
  it('anyone who may read the recording gets URLs of both media routes, expiring after the TTL', async () => {
    const r = await stack.app.inject({ url: `/v1/recordings/${rec.recordingId}/media-url`, headers: viewer });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.url).toMatch(
      new RegExp(`^/v1/recordings/${rec.recordingId}/media\\?expires=\\d+&signature=[\\w-]+$`),
    );
    expect(body.seed001Url).toMatch(new RegExp(`^/recordings/${rec.fileName}\\?expires=\\d+&signature=`));
    const ttl = Date.parse(body.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(590_000);
    expect(ttl).toBeLessThanOrEqual(600_000);
  });

  it('plays without a bearer token: the whole file, a Range (206 + Content-Range), HEAD', async () => {
    const { url, seed001Url } = (
      await stack.app.inject({ url: `/v1/recordings/${rec.recordingId}/media-url`, headers: alice })
    ).json();
    const whole = await fetchMedia(url);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);

    const mid = Math.floor(bytes.length / 2);
    const part = await fetchMedia(url, { headers: { range: `bytes=${mid}-${mid + 9}` } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes ${mid}-${mid + 9}/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(mid, mid + 10))).toBe(true);

    const head = await fetchMedia(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(bytes.length));

    const seed = await fetchMedia(seed001Url, { headers: { range: 'bytes=0-3' } });
    expect(seed.status).toBe(206);
    expect(Buffer.from(await seed.arrayBuffer()).equals(bytes.subarray(0, 4))).toBe(true);
  });

  it('opens nothing else: a changed signature or expiry, another path, an expired URL, no proof at all', async () => {
    const { url, seed001Url } = (
      await stack.app.inject({ url: `/v1/recordings/${rec.recordingId}/media-url`, headers: alice })
    ).json();
    const u = new URL(url, 'http://x');
    const expires = Number(u.searchParams.get('expires'));
    const signature = String(u.searchParams.get('signature'));
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    const seedSignature = new URL(seed001Url, 'http://x').searchParams.get('signature');
    const expired = new MediaUrlSigner(MEDIA_URL_SECRET, 600).sign(
      `/v1/recordings/${rec.recordingId}/media`,
      Date.now() - 3600_000,
    ).url;
    const cases: Array<[string, string, RegExp]> = [
      ['changed signature', `${u.pathname}?expires=${expires}&signature=${flipped}`, /does not match/],
      ['later expiry', `${u.pathname}?expires=${expires + 3600}&signature=${signature}`, /does not match/],
      [
        "the seed route's signature",
        `${u.pathname}?expires=${expires}&signature=${seedSignature}`,
        /does not match/,
      ],
      ['expired', expired, /expired at/],
      ['expiry only', `${u.pathname}?expires=${expires}`, /malformed/],
      ['twice', `${u.pathname}?expires=${expires}&expires=${expires}&signature=${signature}`, /malformed/],
      ['no proof', u.pathname, /bearer token/],
    ];
    for (const [name, path, pattern] of cases) {
      const r = await fetchMedia(path);
      const body: unknown = await r.json();
      const detail = typeof body === 'object' && body !== null && 'detail' in body ? body.detail : undefined;
      expect({ name, status: r.status, type: r.headers.get('content-type') }).toEqual({
        name,
        status: 401,
        type: expect.stringMatching(/^application\/problem\+json/),
      });
      expect({ name, detail }).toEqual({ name, detail: expect.stringMatching(pattern) });
    }
    // The signature is for this path only: another recording's path with it is refused.
    const other = await fetchMedia(url.replace(rec.recordingId, 'rec_0000000000000000'));
    expect(other.status).toBe(401);
    // Seed 001's route answers its own error shape.
    const seedBad = await fetchMedia(seed001Url.replace(/signature=[^&]+/, 'signature=x'));
    expect(seedBad.status).toBe(401);
    expect(await seedBad.json()).toEqual({ errorMessage: expect.stringMatching(/does not match/) });
  });
});
