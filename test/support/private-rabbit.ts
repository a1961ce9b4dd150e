// A RabbitMQ node of a test's own, for tests that take a broker down (stop_app, kill -9): its
// own node name, ports, data folder and config (not the machine's /etc/rabbitmq, which binds
// 5672), so the machine's broker and every other test keep theirs. Only this node's pid is
// ever killed.
import { execFile } from 'node:child_process';
import { chownSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '../../libs/runtime/test/wait-for';

const run = promisify(execFile);

export interface PrivateRabbit {
  url: string;
  node: string;
  /** The Erlang VM's pid (what kill -9 hits). */
  pid(): number;
  stopApp(): Promise<void>;
  startApp(): Promise<void>;
  /** kill -9 the node, as a crash or an OOM kill would. */
  kill(): Promise<void>;
  /** Start the node again after kill() (same data folder: durable queues come back). */
  restart(): Promise<void>;
  /** Stop the node for good and remove its data. */
  destroy(): Promise<void>;
}

/**
 * Ports: AMQP 5800-5899 and distribution 6800-6899 (below the ephemeral range, where a bind can
 * fail on a port some outgoing connection holds, and away from every onair stack's ports).
 */
export async function startPrivateRabbit(): Promise<PrivateRabbit> {
  const k = Math.floor(Math.random() * 100);
  const amqpPort = 5800 + k;
  const distPort = 6800 + k;
  const node = `onairtest${process.pid}x${k}@localhost`;
  const dir = join(tmpdir(), `onair-rabbit-${process.pid}-${k}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'mnesia'), { recursive: true });
  mkdirSync(join(dir, 'log'), { recursive: true });
  writeFileSync(
    join(dir, 'rabbitmq.conf'),
    `listeners.tcp.default = 127.0.0.1:${amqpPort}\nloopback_users = none\n`,
  );
  writeFileSync(join(dir, 'enabled_plugins'), '[].\n');
  // rabbitmq-server drops to the rabbitmq user where it exists: it must own its folder.
  const owner = await run('id', ['-u', 'rabbitmq']).then(
    async (u) => ({ uid: Number(u.stdout), gid: Number((await run('id', ['-g', 'rabbitmq'])).stdout) }),
    () => undefined,
  );
  const own = (p: string) => owner && chownSync(p, owner.uid, owner.gid);
  for (const p of [
    dir,
    join(dir, 'mnesia'),
    join(dir, 'log'),
    join(dir, 'rabbitmq.conf'),
    join(dir, 'enabled_plugins'),
  ])
    own(p);
  const env = {
    ...process.env,
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_PID_FILE: join(dir, 'pid'),
  };
  const ctl = (...args: string[]) => run('rabbitmqctl', ['-n', node, ...args], { env });
  const boot = async () => {
    await run('rabbitmq-server', ['-detached'], { env });
    await waitFor(
      async () => {
        try {
          await ctl('await_startup', '--timeout', '5');
          return true;
        } catch {
          return false;
        }
      },
      { what: `RabbitMQ node ${node} to start`, timeoutMs: 60_000 },
    );
  };
  const pid = () => Number(readFileSync(join(dir, 'pid'), 'utf8').trim());
  const alive = (p: number) => {
    try {
      process.kill(p, 0);
      return true;
    } catch {
      return false;
    }
  };
  await boot();
  return {
    url: `amqp://guest:guest@127.0.0.1:${amqpPort}`,
    node,
    pid,
    stopApp: async () => {
      await ctl('stop_app');
    },
    startApp: async () => {
      await ctl('start_app');
      await ctl('await_startup', '--timeout', '30');
    },
    kill: async () => {
      const p = pid();
      process.kill(p, 'SIGKILL');
      await waitFor(() => !alive(p), { what: `node ${node} (pid ${p}) to die` });
    },
    restart: boot,
    destroy: async () => {
      try {
        const p = pid();
        if (alive(p)) process.kill(p, 'SIGKILL');
        await waitFor(() => !alive(p), { what: `node ${node} to stop` });
      } catch {
        // never started, or already gone
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
