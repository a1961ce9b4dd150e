import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { contracts } from '@onair/contracts';
import { RabbitBus, type Bus, silentLogger } from '@onair/runtime';
import { AMQP_URL, requireRabbit } from '../../libs/runtime/test/rabbit-harness';

/**
 * Buses on the real RabbitMQ in a namespace of their own, so test files running at the same
 * time never see each other's messages. cleanup() closes them and deletes the namespace's queues.
 */
export async function testBuses(opts: { maxAttempts?: number; retryDelaysMs?: number[] } = {}) {
  await requireRabbit();
  const namespace = `t-${randomUUID().slice(0, 8)}`;
  const made: Bus[] = [];
  return {
    namespace,
    async make(service: string, instanceId?: string): Promise<Bus> {
      const b = new RabbitBus(AMQP_URL, {
        namespace,
        service,
        instanceId,
        registry: contracts,
        logger: silentLogger,
        maxAttempts: opts.maxAttempts ?? 3,
        retryDelaysMs: opts.retryDelaysMs ?? [50, 100],
      });
      await b.start();
      made.push(b);
      return b;
    },
    async cleanup(): Promise<void> {
      await Promise.all(made.splice(0).map((b) => b.close().catch(() => {})));
      const queues = await new Promise<string[]>((resolve) =>
        execFile('rabbitmqctl', ['list_queues', 'name', '--quiet', '--no-table-headers'], (err, out) =>
          resolve(
            err
              ? []
              : out
                  .split('\n')
                  .map((l) => l.trim())
                  .filter((l) => l.startsWith(`${namespace}.`)),
          ),
        ),
      );
      if (queues.length === 0) return;
      const amqp = await import('amqplib');
      const c = await amqp.connect(AMQP_URL);
      const ch = await c.createChannel();
      for (const q of queues) await ch.deleteQueue(q).catch(() => {});
      await ch.deleteExchange(`${namespace}.commands`).catch(() => {});
      await ch.deleteExchange(`${namespace}.events`).catch(() => {});
      await c.close();
    },
  };
}
