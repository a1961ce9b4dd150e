// The local S3 of `npm start` (fauxqs, in startLocalInfra) answers CORS like a bucket with the
// documented rule: a page on another origin may preflight and then read a presigned URL with
// Range, and sees the headers a player needs. The stand-ins run in a child (jest cannot load
// fauxqs, which is ESM only), as stack.int.test.ts runs them.
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { waitFor } from '../../libs/runtime/test/wait-for';
import { RECORDINGS_BUCKET } from '../src/cli/stack';

describe('local S3 CORS', () => {
  let child: ChildProcess;
  let s3: S3Client;
  let url: string;
  const origin = 'http://127.0.0.1:8080';

  beforeAll(async () => {
    child = spawn(
      process.execPath,
      [require.resolve('tsx/cli'), resolve(__dirname, 'local-infra-child.ts')],
      {
        cwd: resolve(__dirname, '../..'),
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    await waitFor(() => out.includes('\n') || child.exitCode !== null, {
      what: 'the stand-ins to start',
      timeoutMs: 45_000,
    });
    const endpoint = String(JSON.parse(out.split('\n')[0]).endpoints.s3);
    s3 = new S3Client({
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const object = { Bucket: RECORDINGS_BUCKET, Key: 'cors/a.mp4' };
    await s3.send(new PutObjectCommand({ ...object, Body: Buffer.from('0123456789') }));
    url = await getSignedUrl(s3, new GetObjectCommand(object), { expiresIn: 60 });
  }, 60_000);

  afterAll(async () => {
    s3?.destroy();
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.stdin?.end();
      await exited;
    }
  }, 30_000);

  it('answers a preflight for GET with Range', async () => {
    const r = await fetch(url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'range' },
    });
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe(origin);
    expect(r.headers.get('access-control-allow-methods')).toContain('GET');
    expect(r.headers.get('access-control-allow-headers')).toBe('range');
  });

  it('names the origin and exposes Content-Range on a ranged read of a presigned URL', async () => {
    const r = await fetch(url, { headers: { origin, range: 'bytes=2-4' } });
    expect(r.status).toBe(206);
    expect(await r.text()).toBe('234');
    expect(r.headers.get('access-control-allow-origin')).toBe(origin);
    expect(r.headers.get('access-control-expose-headers')).toContain('Content-Range');
  });

  it('adds nothing for a request without an Origin (SDK clients)', async () => {
    const r = await fetch(url);
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
  });
});
