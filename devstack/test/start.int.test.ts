import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { AMQP_URL } from '../../libs/runtime/test/rabbit-harness';
import { waitFor } from '../../test/support';
import { pickStackNumber } from '../../test/support/stack-process';
import { COMPONENTS, stackPorts } from '../src/cli/ports';
import { isRunning, listeningSockets, processTree } from './listening';

/**
 * `npm start` end to end: every service reaches ready, a request goes gateway -> bus -> each
 * service and back with the printed development token, and Ctrl-C as a terminal sends it (SIGINT
 * to the whole foreground process group) stops everything cleanly: each service gets one signal
 * (the CLI's SIGTERM) and drains, none logs "second SIGINT/SIGTERM". Once on SQS + EventBridge (fauxqs), once on RabbitMQ. Each runs as a stack number of
 * its own (`--port-offset N`, ports from 8080+10N) so a stack a developer or another test file
 * has running is not disturbed. Every socket the stack listens on (the CLI's stand-ins and each
 * service) is bound to 127.0.0.1, or to the address `--host` names (the RabbitMQ run uses
 * 127.0.0.2, another loopback address). The output is readable: no Fastify deprecation warnings,
 * and the banner names the chat WebSocket URLs.
 */
const SERVICES = ['gateway', 'stream-svc', 'chat-svc', 'recording-svc', 'fanout-svc'] as const;

describe.each([
  ['SQS + EventBridge', pickStackNumber(), {}, undefined],
  ['RabbitMQ', pickStackNumber(), { AMQP_URL, BUS_NAMESPACE: `start-${process.pid}` }, '127.0.0.2'],
] as const)('npm start on %s', (_name, offset, env, host) => {
  const ports = stackPorts(offset);
  const bound = host ?? '127.0.0.1';
  jest.setTimeout(150_000);
  let child: ChildProcess;
  let out = '';

  // The CLI runs in a process group of its own, as in a terminal. If the test fails before
  // Ctrl-C, the group goes (the services, in groups of their own, stop when the CLI is gone).
  afterAll(() => {
    if (child?.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });

  /** waitFor, and on a timeout the stack's last output, so the cause shows in the failure. */
  const waitForStack = async (what: string, check: () => boolean, timeoutMs: number) => {
    try {
      await waitFor(check, { what, timeoutMs });
    } catch (e) {
      throw new Error(
        `${(e as Error).message}\n--- the stack's last output:\n${out.split('\n').slice(-40).join('\n')}`,
      );
    }
  };

  it('reaches ready, answers through every service, and stops cleanly on Ctrl-C', async () => {
    const root = resolve(__dirname, '../..');
    child = spawn(
      process.execPath,
      // What `npm start` runs (package.json): node with tsx as a loader, no wrapper process
      // (tsx's CLI SIGKILLs its child when it is slow to confirm a Ctrl-C, as on a loaded machine).
      [
        '--import',
        'tsx',
        'devstack/src/cli/start.ts',
        '--port-offset',
        String(offset),
        ...(host ? ['--host', host] : []),
      ],
      {
        cwd: root,
        // info: each service's "shutting down" shows that it drained.
        env: { ...process.env, LOG_LEVEL: 'info', ...env },
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
    // Generous: on a loaded machine five services start slowly (the CLI gives each 90 s and then
    // says which one is not ready and why).
    await waitForStack(
      'the stack to be ready and print a token',
      () => /export TOKEN=\S+\n/.test(out) || child.exitCode !== null,
      100_000,
    );
    expect(out).toMatch(/onair is ready in [\d.]+s/);

    const token = /export TOKEN=(\S+)/.exec(out)?.[1];
    expect(token).toBeDefined();
    const gw = `http://${bound}:${ports.gateway}`;
    for (const svc of ['stream-svc', 'chat-svc', 'recording-svc', 'fanout-svc']) {
      const r = await fetch(`${gw}/v1/system/ping/${svc}`, { headers: { authorization: `Bearer ${token}` } });
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({ service: svc });
    }
    for (const svc of SERVICES) {
      expect((await fetch(`http://${bound}:${ports[svc]}/readyz`)).status).toBe(200);
    }
    expect((await fetch(`${gw}/v1/system/ping/stream-svc`)).status).toBe(401);

    // Every listening socket of the stack (the CLI and every process it started): the ten ports
    // of its block at least, and each on the one address.
    const pids = [child.pid as number, ...processTree(child.pid as number).map((p) => p.pid)];
    const sockets = listeningSockets(pids);
    const known = COMPONENTS.map((c) => ports[c]);
    expect(sockets.map((s) => s.port)).toEqual(expect.arrayContaining(known));
    for (const s of sockets)
      expect({ port: s.port, address: s.address }).toEqual({ port: s.port, address: bound });
    if (host) expect(out).toContain(`API        http://${host}:${ports.gateway}`);

    // The banner names every WebSocket a client connects to: the gateway's native chat (both
    // protocols) and the IVS Chat stand-in's messaging endpoint.
    const ws = `ws://${bound}`;
    expect(out).toContain(`Chat WS    ${ws}:${ports.gateway}/v1/chat/ws`);
    expect(out).toContain(`Seed 003   ${ws}:${ports.gateway}/v1/chat/seed003`);
    expect(out).toContain(`IVS Chat   ${ws}:${ports.ivs}`);
    // Readable logs: Fastify's deprecation warnings (FSTDEP0xx) came from every service.
    expect(out).not.toMatch(/FSTDEP|DeprecationWarning|FastifyWarning/);

    // Ctrl-C the way a terminal sends it: SIGINT to every process of the foreground group.
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    process.kill(-(child.pid as number), 'SIGINT');
    expect(await exited).toBe(0);
    expect(out).toMatch(/onair: stopped/);
    // One signal per service: a second one makes close-with-grace skip the drain.
    expect(out).not.toMatch(/second SIG(INT|TERM)/);
    for (const svc of SERVICES) {
      // runService logs "shutting down" and exits 0 only once its drain finished.
      expect(out).toMatch(new RegExp(`^  ${svc} +info shutting down$`, 'm'));
      expect(out).toContain(`  ✓ ${svc} stopped\n`);
    }
  });
});

/**
 * A service that cannot get ready (here: its broker does not exist) is named with its last
 * /readyz answer once its deadline passes, and the CLI stops everything it started and exits 1,
 * instead of waiting forever.
 */
describe('npm start when services cannot get ready', () => {
  jest.setTimeout(60_000);

  it('names each service that is not ready and what it last answered, stops the rest, exits 1', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'devstack/src/cli/start.ts',
        '--port-offset',
        String(pickStackNumber()),
        '--ready-timeout',
        '5',
      ],
      {
        cwd: resolve(__dirname, '../..'),
        // Nothing listens on port 1: the services never connect, so never listen.
        env: { ...process.env, LOG_LEVEL: 'warn', AMQP_URL: 'amqp://guest:guest@127.0.0.1:1' },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    );
    let out = '';
    for (const s of [child.stdout, child.stderr])
      s?.on('data', (d: Buffer) => {
        out += d.toString();
      });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const services = await waitFor(
        () => {
          const mine = processTree(child.pid as number).filter((p) =>
            /services\/[\w-]+\/src\/main\.ts/.test(p.cmd),
          );
          return mine.length >= SERVICES.length ? mine : undefined;
        },
        { what: 'the services to start', timeoutMs: 30_000 },
      );
      expect(await exited).toBe(1);
      expect(out).toMatch(
        /onair: could not start:[\s\S]*(gateway|stream-svc|chat-svc|recording-svc|fanout-svc) is not ready after 5s; its last \/readyz answer: not answering \(ECONNREFUSED\)/,
      );
      expect(out).toMatch(/onair: stopped/);
      await waitFor(() => services.every((p) => !isRunning(p.pid)), { what: 'every service to be gone' });
    } finally {
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // gone
      }
    }
  });
});
