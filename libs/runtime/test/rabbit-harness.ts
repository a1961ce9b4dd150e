import { randomUUID } from 'node:crypto';
import { contracts } from '@onair/contracts';
import * as amqp from 'amqplib';
import { RabbitBus } from '../src/bus';
import type { BusHarness, DeadLetter } from './bus-contract';

export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** Fails with a clear message when RabbitMQ is not running (never skips silently). */
export async function requireRabbit(): Promise<void> {
  try {
    const c = await amqp.connect(AMQP_URL);
    await c.close();
  } catch (e) {
    throw new Error(
      `RabbitMQ is not reachable at ${AMQP_URL} (${(e as Error).message}). Start it with 'rabbitmq-server -detached' or set AMQP_URL.`,
    );
  }
}

export async function rabbitHarness(): Promise<BusHarness> {
  await requireRabbit();
  const namespace = `t-${randomUUID().slice(0, 8)}`;
  const conn = await amqp.connect(AMQP_URL);
  const ch = await conn.createChannel();
  return {
    async makeBus(service, opts = {}) {
      const b = new RabbitBus(AMQP_URL, {
        namespace,
        service,
        registry: opts.registry ?? contracts,
        maxAttempts: 3,
        retryDelaysMs: [50, 100],
      });
      await b.start();
      return b;
    },
    async injectRawCommand(target, body) {
      ch.publish(`${namespace}.commands`, target, Buffer.from(body), { persistent: true });
    },
    async readDeadLetters(target) {
      const out: DeadLetter[] = [];
      const q = `${namespace}.${target}.commands.dlq`;
      try {
        await ch.checkQueue(q);
      } catch {
        return out; // the channel closed on a missing queue: open a new one for the next call
      } finally {
        // checkQueue on a missing queue kills the channel; reopen lazily below if needed
      }
      for (;;) {
        const m = await ch.get(q, { noAck: false });
        if (!m) break;
        const hd = m.properties.headers ?? {};
        out.push({
          body: m.content.toString('utf8'),
          reason: String(hd['x-onair-reason']),
          error: String(hd['x-onair-error']),
          attempts: Number(hd['x-onair-attempts']),
        });
      }
      // Leave them there (nack + requeue) so a later read sees the same list.
      await ch.recover();
      return out;
    },
    async cleanup() {
      // Delete every queue and exchange of this namespace (test queues must not pile up).
      const names = await listQueues(namespace);
      for (const q of names) await ch.deleteQueue(q).catch(() => {});
      await ch.deleteExchange(`${namespace}.commands`).catch(() => {});
      await ch.deleteExchange(`${namespace}.events`).catch(() => {});
      await conn.close().catch(() => {});
    },
  };
}

/** Queue names of a namespace, from rabbitmqctl (the management plugin may be off). */
async function listQueues(namespace: string): Promise<string[]> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile('rabbitmqctl', ['list_queues', 'name', '--quiet', '--no-table-headers'], (err, stdout) => {
      if (err) return resolve([]);
      resolve(
        stdout
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l.startsWith(`${namespace}.`)),
      );
    });
  });
}
