// The whole local stack as `npm start` runs it (stand-ins in one process, the five services as
// processes of their own), for tests that meet onair from the outside: over TCP, with real
// tokens, and with a way to tell that no process died.
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { stackPorts } from '../../devstack/src/cli/ports';
import { DEV_CHAT_TOKEN_SECRET, DEV_JWT_SECRET, mintDevToken } from '@onair/runtime';
import { waitFor } from '../../libs/runtime/test/wait-for';

/** The services' ports of the default stack (stack 0); stack N's are `stackPorts(N)`. */
export const SERVICE_PORTS = (() => {
  const p = stackPorts(0);
  return {
    gateway: p.gateway,
    'stream-svc': p['stream-svc'],
    'chat-svc': p['chat-svc'],
    'recording-svc': p['recording-svc'],
    'fanout-svc': p['fanout-svc'],
  } as const;
})();

// Stack numbers tests pick from: ports 9080 to 32079, below Linux's ephemeral range (32768+),
// so an outgoing connection's local port rarely takes one. Every jest worker has a slice of its
// own, and a process never picks a number twice: two stacks started at once by parallel test
// files (or by one file) never share a port. A port someone else holds makes the start fail
// with the component named, and startStackProcess tries another number.
const FIRST_TEST_STACK = 100;
const LAST_TEST_STACK = 2399;
const WORKER_SLICES = 16;
const picked = new Set<number>();

/** A `--port-offset` (stack number) for a test's stack; see above why two never collide. */
export function pickStackNumber(): number {
  const size = Math.floor((LAST_TEST_STACK - FIRST_TEST_STACK + 1) / WORKER_SLICES);
  const worker = Math.max(1, Number(process.env.JEST_WORKER_ID ?? '1') || 1);
  const first = FIRST_TEST_STACK + ((worker - 1) % WORKER_SLICES) * size;
  if (picked.size >= size) picked.clear();
  for (;;) {
    const n = first + Math.floor(Math.random() * size);
    if (!picked.has(n)) {
      picked.add(n);
      return n;
    }
  }
}

export interface StackProcess {
  /** http://127.0.0.1:<port> of the gateway. */
  gatewayUrl: string;
  wsUrl: string;
  offset: number;
  /** The pid of the `npm start` CLI; the services are processes below it. */
  pid: number;
  /** A development token signed with the stack's JWT secret. */
  token(user: string, roles: string[], ttl?: string): Promise<string>;
  jwtSecret: string;
  chatTokenSecret: string;
  /** Everything the stack printed so far. */
  output(): string;
  /** Why the stack is not whole: a service that exited or is not ready; undefined when all are. */
  unhealthy(): Promise<string | undefined>;
  stop(): Promise<void>;
}

/**
 * Start `npm start` on free ports (a stack number of its own: pickStackNumber) and wait until it
 * is ready. Retries on another stack number when a port is taken.
 */
export async function startStackProcess(
  o: { env?: NodeJS.ProcessEnv; timeoutMs?: number; attempts?: number } = {},
): Promise<StackProcess> {
  let lastError: unknown;
  for (let attempt = 0; attempt < (o.attempts ?? 3); attempt++) {
    const offset = pickStackNumber();
    try {
      return await startAt(offset, o);
    } catch (e) {
      lastError = e;
    }
  }
  throw lastError;
}

async function startAt(
  offset: number,
  o: { env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<StackProcess> {
  const root = resolve(__dirname, '../..');
  const jwtSecret = DEV_JWT_SECRET;
  const child: ChildProcess = spawn(
    process.execPath,
    // As `npm start` runs it: node with tsx as a loader (tsx's CLI wrapper SIGKILLs its child when
    // it is slow to confirm a SIGINT, as on a loaded machine). The pid is the CLI itself.
    ['--import', 'tsx', 'devstack/src/cli/start.ts', '--port-offset', String(offset)],
    {
      cwd: root,
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        JWT_SECRET: jwtSecret,
        CHAT_TOKEN_SECRET: DEV_CHAT_TOKEN_SECRET,
        BUS_NAMESPACE: `stack-${process.pid}-${offset}`,
        // Suites that send thousands of requests from one address turn the REST limits off;
        // the rate-limit test turns them on through `env`.
        RATE_LIMIT_IP_PER_MINUTE: '0',
        RATE_LIMIT_USER_PER_MINUTE: '0',
        RATE_LIMIT_CREATES_PER_MINUTE: '0',
        RATE_LIMIT_TOKENS_PER_MINUTE: '0',
        ...o.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: stop() (or a failed start) kills the whole tree.
      detached: true,
    },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const killGroup = () => {
    if (child.pid && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  try {
    await waitFor(() => /Press Ctrl-C to stop/.test(out) || child.exitCode !== null, {
      what: 'the stack to be ready',
      timeoutMs: o.timeoutMs ?? 90_000,
    });
  } catch (e) {
    killGroup();
    throw new Error(`the stack did not start: ${(e as Error).message}\n${out.slice(-4000)}`);
  }
  if (child.exitCode !== null) throw new Error(`the stack exited (${child.exitCode}):\n${out.slice(-4000)}`);

  const ports = stackPorts(offset);
  const port = (svc: keyof typeof SERVICE_PORTS) => ports[svc];
  const gatewayUrl = `http://127.0.0.1:${port('gateway')}`;
  return {
    gatewayUrl,
    wsUrl: gatewayUrl.replace(/^http/, 'ws'),
    offset,
    pid: child.pid ?? 0,
    jwtSecret,
    chatTokenSecret: DEV_CHAT_TOKEN_SECRET,
    token: (user, roles, ttl) => mintDevToken({ user, roles, ttl, secret: jwtSecret }),
    output: () => out,
    async unhealthy() {
      if (child.exitCode !== null || child.signalCode !== null)
        return `the stack exited (${child.exitCode ?? child.signalCode})`;
      const gone = /✗ (\S+) exited \(([^)]*)\)/.exec(out);
      if (gone) return `${gone[1]} exited (${gone[2]})`;
      for (const svc of Object.keys(SERVICE_PORTS) as Array<keyof typeof SERVICE_PORTS>) {
        const r = await fetch(`http://127.0.0.1:${port(svc)}/readyz`).catch((e: Error) => e);
        if (r instanceof Error) return `${svc} does not answer: ${r.message}`;
        if (r.status !== 200) return `${svc} /readyz answered ${r.status}`;
      }
      return undefined;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGINT');
      const timer = setTimeout(killGroup, 20_000);
      await exited;
      clearTimeout(timer);
      killGroup(); // anything the CLI left behind
    },
  };
}
