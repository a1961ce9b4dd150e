import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { AMQP_URL } from '../../libs/runtime/test/rabbit-harness';
import { waitFor } from '../../test/support';
import { pickStackNumber } from '../../test/support/stack-process';
import { COMPONENTS, stackPorts } from '../src/cli/ports';
import { listeningSockets, processGroup } from './listening';

/**
 * `npm start` end to end: every service reaches ready, a request goes gateway -> bus -> each
 * service and back with the printed development token, and Ctrl-C (SIGINT) stops everything
 * cleanly. Once on SQS + EventBridge (fauxqs), once on RabbitMQ. Each runs as a stack number of
 * its own (`--port-offset N`, ports from 8080+10N) so a stack a developer or another test file
 * has running is not disturbed. Every socket the stack listens on (the CLI's stand-ins and each
 * service) is bound to 127.0.0.1, or to the address `--host` names (the RabbitMQ run uses
 * 127.0.0.2, another loopback address). The output is readable: no Fastify deprecation warnings,
 * and the banner names the chat WebSocket URLs.
 */
describe.each([
  ['SQS + EventBridge', pickStackNumber(), {}, undefined],
  ['RabbitMQ', pickStackNumber(), { AMQP_URL, BUS_NAMESPACE: `start-${process.pid}` }, '127.0.0.2'],
] as const)('npm start on %s', (_name, offset, env, host) => {
  const ports = stackPorts(offset);
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
    const gw = `http://${bound}:${ports.gateway}`;
    for (const svc of ['stream-svc', 'chat-svc', 'recording-svc', 'fanout-svc']) {
      const r = await fetch(`${gw}/v1/system/ping/${svc}`, { headers: { authorization: `Bearer ${token}` } });
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({ service: svc });
    }
    for (const svc of ['gateway', 'stream-svc', 'chat-svc', 'recording-svc', 'fanout-svc'] as const) {
      expect((await fetch(`http://${bound}:${ports[svc]}/readyz`)).status).toBe(200);
    }
    expect((await fetch(`${gw}/v1/system/ping/stream-svc`)).status).toBe(401);

    // Every listening socket of the stack (the CLI and every process it started, one process
    // group): the ten ports of its block at least, and each on the one address.
    const sockets = listeningSockets(processGroup(child.pid as number));
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

    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toMatch(/onair: stopped/);
  });
});
