import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { listeningSockets, procAddress } from './listening';

// What `npm start` runs in its own process (dynalite, fauxqs, the EventBridge, IVS and LiveKit
// stand-ins), on free ports in a child process: every one of them listens on 127.0.0.1 unless
// told another address, and that process listens nowhere else.
jest.setTimeout(60_000);

interface Started {
  pid: number;
  servers: Array<{ name: string; address: { address: string; port: number } }>;
  endpoints: Record<string, string>;
}

async function startInfra(host?: string): Promise<{ info: Started; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [require.resolve('tsx/cli'), resolve(__dirname, 'local-infra-child.ts'), host ?? ''],
    { cwd: resolve(__dirname, '../..'), stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const info = await new Promise<Started>((ok, fail) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => fail(new Error(`the stand-ins did not start: ${err}`)), 45_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (!out.includes('\n')) return;
      clearTimeout(timer);
      try {
        ok(JSON.parse(out.split('\n')[0]) as Started);
      } catch {
        fail(new Error(`unexpected output: ${out}`));
      }
    });
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the stand-ins exited with ${code}: ${err}`));
    });
  });
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null) return done();
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(kill);
        done();
      });
      child.stdin?.end();
    });
  return { info, stop };
}

describe.each([
  ['by default', undefined, '127.0.0.1'],
  ['with --host 127.0.0.2', '127.0.0.2', '127.0.0.2'],
] as const)('the local stand-ins %s', (_name, host, expected) => {
  let infra: Awaited<ReturnType<typeof startInfra>> | undefined;
  afterAll(async () => {
    await infra?.stop();
  });

  it(`listen on ${expected} only`, async () => {
    infra = await startInfra(host);
    const { info } = infra;
    expect(info.servers.map((s) => s.name).sort()).toEqual([
      'dynamodb',
      'eventbridge',
      'fauxqs',
      'ivs',
      'livekit',
    ]);
    for (const s of info.servers)
      expect({ name: s.name, address: s.address.address }).toEqual({ name: s.name, address: expected });
    // What the kernel says: every listening socket of that process, theirs and any other.
    const sockets = listeningSockets([info.pid]);
    expect(sockets.map((s) => s.port).sort()).toEqual(info.servers.map((s) => s.address.port).sort());
    for (const s of sockets) expect(s).toEqual({ pid: info.pid, address: expected, port: s.port });
    // The endpoints handed to the services reach them there.
    for (const url of Object.values(info.endpoints)) expect(new URL(url).hostname).toBe(expected);
    const sqs = new SQSClient({
      region: 'us-east-1',
      endpoint: info.endpoints.sqs,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const queues = await sqs.send(new ListQueuesCommand({}));
    expect(queues.QueueUrls?.some((u) => u.endsWith('/onair-ivs-events'))).toBe(true);
    sqs.destroy();
  });
});

it('reads /proc addresses as they are written', () => {
  expect(procAddress('0100007F')).toBe('127.0.0.1');
  expect(procAddress('00000000')).toBe('0.0.0.0');
  expect(procAddress('00000000000000000000000000000000')).toBe('::');
  expect(procAddress('00000000000000000000000001000000')).toBe('::1');
  expect(procAddress('0000000000000000FFFF00000100007F')).toBe('127.0.0.1');
});
