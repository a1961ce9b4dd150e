import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { waitFor } from '../../test/support';
import { AMQP_URL } from '../../libs/runtime/test/rabbit-harness';
import { listeningSockets, processGroup } from './listening';

/**
 * `npm start` end to end: every service reaches ready, a request goes gateway -> bus -> each
 * service and back with the printed development token, and Ctrl-C (SIGINT) stops everything
 * cleanly. Once on SQS + EventBridge (fauxqs), once on RabbitMQ. Ports are offset so a stack
 * a developer has running is not disturbed. Every socket the stack listens on (the CLI's
 * stand-ins and each service) is bound to 127.0.0.1, or to the address `--host` names (the
 * RabbitMQ run uses 127.0.0.2, another loopback address).
 */
// Random offsets (multiples of 100 between 10,000 and 25,000) so a stack someone else is running
// on fixed ports (a developer's, a benchmark's) does not collide with this one.
const offset = () => 10_000 + 100 * Math.floor(Math.random() * 150);

describe.each([
  ['SQS + EventBridge', offset(), {}, undefined],
  ['RabbitMQ', offset(), { AMQP_URL, BUS_NAMESPACE: `start-${process.pid}` }, '127.0.0.2'],
] as const)('npm start on %s', (_name, offset, env, host) => {
  const bound = host ?? '127.0.0.1';
  jest.setTimeout(90_000);
  let child: ChildProcess;
  let out = '';

  // The stack runs in a process group of its own: if the test fails before Ctrl-C, the whole
  // group goes (killing only the CLI left the services it had started running).
  afterAll(() => {
    if (child?.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });

  it('reaches ready, answers through every service, and stops cleanly on Ctrl-C', async () => {
    const root = resolve(__dirname, '../..');
    child = spawn(
      process.execPath,
      [
        require.resolve('tsx/cli'),
        'devstack/src/cli/start.ts',
        '--port-offset',
        String(offset),
        ...(host ? ['--host', host] : []),
      ],
      {
        cwd: root,
        env: { ...process.env, LOG_LEVEL: 'warn', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    );
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    // The token is printed just after the ready line, possibly in a later chunk: wait for both.
    await waitFor(() => /export TOKEN=\S+\n/.test(out) || child.exitCode !== null, {
      what: 'the stack to be ready and print a token',
      timeoutMs: 60_000,
    });
    expect(out).toMatch(/onair is ready/);
    const readyIn = Number(/onair is ready in ([\d.]+)s/.exec(out)?.[1]);
    expect(readyIn).toBeLessThan(30);

    const token = /export TOKEN=(\S+)/.exec(out)?.[1];
    expect(token).toBeDefined();
    const gw = `http://${bound}:${8080 + offset}`;
    for (const svc of ['stream-svc', 'chat-svc', 'recording-svc', 'fanout-svc']) {
      const r = await fetch(`${gw}/v1/system/ping/${svc}`, { headers: { authorization: `Bearer ${token}` } });
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({ service: svc });
    }
    for (const p of [8080, 8081, 8082, 8083, 8084]) {
      expect((await fetch(`http://${bound}:${p + offset}/readyz`)).status).toBe(200);
    }
    expect((await fetch(`${gw}/v1/system/ping/stream-svc`)).status).toBe(401);

    // Every listening socket of the stack (the CLI and every process it started, one process
    // group): the ten known ports at least, and each on the one address.
    const sockets = listeningSockets(processGroup(child.pid as number));
    const known = [8080, 8081, 8082, 8083, 8084, 4567, 4566, 4580, 4590, 7880].map((p) => p + offset);
    expect(sockets.map((s) => s.port)).toEqual(expect.arrayContaining(known));
    for (const s of sockets)
      expect({ port: s.port, address: s.address }).toEqual({ port: s.port, address: bound });
    if (host) expect(out).toContain(`API        http://${host}:${8080 + offset}`);

    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toMatch(/onair: stopped/);
  });
});
