import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { waitFor } from '../../test/support';
import { pickStackNumber } from '../../test/support/stack-process';
import { stackPorts } from '../src/cli/ports';
import { isRunning, listeningSockets, type ProcessInfo, processTree } from './listening';

/**
 * `npm start` supervises its services, seen from outside (the CLI as a process, its services
 * found in /proc): a service killed with kill -9 is restarted with the restart said on one line
 * while the other services and the stand-ins (with the data they hold) stay up; killing the
 * process the CLI spawned leaves no orphan; and a CLI killed with SIGKILL leaves no service
 * running. The tests run in order on one stack (SQS + EventBridge on fauxqs, the default).
 */
jest.setTimeout(150_000);

const SERVICES = ['gateway', 'stream-svc', 'chat-svc', 'recording-svc', 'fanout-svc'] as const;
type Service = (typeof SERVICES)[number];

const offset = pickStackNumber();
const ports = stackPorts(offset);
const gw = `http://127.0.0.1:${ports.gateway}`;
let cli: ChildProcess;
let cliPid: number;
let out = '';
let token = '';
/** Every service process seen, so afterAll can clean up whatever a failed test left. */
const seen = new Set<number>();

/** The processes of `svc` below the CLI (with a wrapper, the wrapper first). */
function processesOf(svc: Service): ProcessInfo[] {
  const mine = processTree(cliPid).filter((p) => p.cmd.includes(`services/${svc}/`));
  for (const p of mine) seen.add(p.pid);
  return mine;
}

/** The service's own node process: the innermost of its processes. */
function servicePid(svc: Service): number | undefined {
  const mine = processesOf(svc);
  return mine.find((p) => !mine.some((q) => q.ppid === p.pid))?.pid;
}

const ready = async (svc: Service) =>
  (await fetch(`http://127.0.0.1:${ports[svc]}/readyz`).catch(() => undefined))?.status === 200;

/** waitFor, and on a timeout the stack's last output, so the cause shows in the failure. */
async function waitForStack<T>(what: string, check: () => T | Promise<T>, timeoutMs = 30_000) {
  try {
    return await waitFor(check, { what, timeoutMs });
  } catch (e) {
    throw new Error(
      `${(e as Error).message}\n--- the stack's last output:\n${out.split('\n').slice(-40).join('\n')}`,
    );
  }
}

beforeAll(async () => {
  // node with tsx as a loader: the pid is the CLI itself (the SIGKILL test kills exactly it).
  cli = spawn(
    process.execPath,
    ['--import', 'tsx', 'devstack/src/cli/start.ts', '--port-offset', String(offset)],
    {
      cwd: resolve(__dirname, '../..'),
      env: { ...process.env, LOG_LEVEL: 'warn', BUS_NAMESPACE: `supervise-${process.pid}` },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  cliPid = cli.pid as number;
  for (const s of [cli.stdout, cli.stderr])
    s?.on('data', (d: Buffer) => {
      out += d.toString();
    });
  await waitForStack(
    'the stack to be ready and print a token',
    () => /export TOKEN=\S+\n/.test(out) || cli.exitCode !== null,
    100_000,
  );
  token = /export TOKEN=(\S+)/.exec(out)?.[1] ?? '';
  expect(token).not.toBe('');
  for (const svc of SERVICES) processesOf(svc);
});

afterAll(() => {
  for (const pid of [cliPid, ...seen]) {
    try {
      if (pid && isRunning(pid)) process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

it('restarts a service killed with kill -9; the other services and the stand-ins and their data stay up', async () => {
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const created = await fetch(`${gw}/v1/streams`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ title: 'made before the crash' }),
  });
  expect(created.status).toBe(202);
  const { streamId } = (await created.json()) as { streamId: string };
  await waitForStack('the stream to be stored', async () => {
    const r = await fetch(`${gw}/v1/streams/${streamId}`, { headers: auth });
    return r.status === 200;
  });

  const others = SERVICES.filter((s) => s !== 'stream-svc');
  const before = Object.fromEntries(others.map((s) => [s, servicePid(s)]));
  const victim = servicePid('stream-svc') as number;
  expect(victim).toBeDefined();
  process.kill(victim, 'SIGKILL');

  await waitForStack('the CLI to say it restarts stream-svc', () =>
    /✗ stream-svc exited \(SIGKILL\); restarting in [\d.]+s \(restart 1\)\n/.test(out),
  );
  await waitForStack(
    'a new stream-svc to be ready',
    async () => {
      const pid = servicePid('stream-svc');
      return pid !== undefined && pid !== victim && (await ready('stream-svc'));
    },
    60_000,
  );
  await waitForStack('the CLI to say stream-svc is back', () =>
    /✓ stream-svc ready again on :\d+ \(restart 1, pid \d+\)/.test(out),
  );
  expect(isRunning(victim)).toBe(false);

  // The stream is still there: the in-memory DynamoDB lives in the CLI, not in stream-svc.
  const after = await fetch(`${gw}/v1/streams/${streamId}`, { headers: auth });
  expect(after.status).toBe(200);
  expect(await after.json()).toMatchObject({ streamId, title: 'made before the crash' });
  const ping = await fetch(`${gw}/v1/system/ping/stream-svc`, { headers: auth });
  expect(ping.status).toBe(200);

  // Nothing else exited: same processes, still running, and no other exit line.
  expect(Object.fromEntries(others.map((s) => [s, servicePid(s)]))).toEqual(before);
  for (const s of others) expect(isRunning(before[s] as number)).toBe(true);
  expect(out.match(/✗ \S+ exited/g)).toEqual(['✗ stream-svc exited']);
  expect(cli.exitCode).toBeNull();
});

it('kill -9 of the process the CLI spawned leaves no orphan behind', async () => {
  const old = processesOf('chat-svc');
  const spawned = old.find((p) => p.ppid === cliPid);
  expect(spawned).toBeDefined();
  process.kill(spawned?.pid as number, 'SIGKILL');

  // Every process of the old chat-svc goes (a wrapper's child used to run on, still connected).
  await waitForStack(
    'every process of the killed chat-svc to be gone',
    () => old.every((p) => !isRunning(p.pid)),
    15_000,
  );
  await waitForStack(
    'a new chat-svc to be ready',
    async () => {
      const pid = servicePid('chat-svc');
      return pid !== undefined && !old.some((p) => p.pid === pid) && (await ready('chat-svc'));
    },
    60_000,
  );
  // The new process is the one listening on chat-svc's port.
  const listening = listeningSockets(processesOf('chat-svc').map((p) => p.pid));
  expect(listening.map((s) => s.port)).toContain(ports['chat-svc']);
});

it('a CLI killed with SIGKILL leaves no service running', async () => {
  const services = SERVICES.flatMap((s) => processesOf(s));
  expect(services.length).toBeGreaterThanOrEqual(SERVICES.length);
  const exited = new Promise<void>((r) => cli.once('exit', () => r()));
  process.kill(cliPid, 'SIGKILL');
  await exited;
  // Each service drains (up to its 15 s grace) and exits.
  await waitForStack(
    'every service to exit after the CLI was killed',
    () => services.every((p) => !isRunning(p.pid)),
    30_000,
  );
});
