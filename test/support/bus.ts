import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { contracts } from '@onair/contracts';
import { type Bus, MemoryBus, memoryBroker, RabbitBus, silentLogger } from '@onair/runtime';
import { AMQP_URL, requireRabbit } from '../../libs/runtime/test/rabbit-harness';

export interface TestBusesOptions {
  maxAttempts?: number;
  retryDelaysMs?: number[];
  /**
   * `rabbitmq` (the default): the real broker, for tests where delivery itself is under test.
   * `memory`: the in-memory transport (the same bus core and contract suite), for component tests
   * of an HTTP edge or a service, which then need no broker at all.
   */
  transport?: 'rabbitmq' | 'memory';
}

/**
 * Buses in a namespace of their own, so test files running at the same time never see each
 * other's messages. cleanup() closes them and deletes the namespace's queues.
 */
export async function testBuses(opts: TestBusesOptions = {}) {
  const transport = opts.transport ?? 'rabbitmq';
  if (transport === 'rabbitmq') await requireRabbit();
  const namespace = `t-${randomUUID().slice(0, 8)}`;
  const made: Bus[] = [];
  return {
    namespace,
    async make(service: string, instanceId?: string): Promise<Bus> {
      const o = {
        namespace,
        service,
        instanceId,
        registry: contracts,
        logger: silentLogger,
        maxAttempts: opts.maxAttempts ?? 3,
        retryDelaysMs: opts.retryDelaysMs ?? [50, 100],
      };
      const b = transport === 'memory' ? new MemoryBus(o) : new RabbitBus(AMQP_URL, o);
      await b.start();
      made.push(b);
      return b;
    },
    async cleanup(): Promise<void> {
      await Promise.all(made.splice(0).map((b) => b.close().catch(() => {})));
      if (transport === 'memory') return memoryBroker.forget(namespace);
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
