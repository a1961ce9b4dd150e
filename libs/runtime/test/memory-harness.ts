import { randomUUID } from 'node:crypto';
import { contracts } from '@onair/contracts';
import { MemoryBroker, MemoryBus } from '../src/bus';
import type { BusHarness } from './bus-contract';

/** The bus contract's harness on the memory transport: a broker of its own per harness. */
export async function memoryHarness(): Promise<BusHarness> {
  const broker = new MemoryBroker();
  const namespace = `t-${randomUUID().slice(0, 8)}`;
  const commandQueue = (target: string) => `${namespace}.${target}.commands`;
  return {
    async makeBus(service, opts = {}) {
      const b = new MemoryBus({
        broker,
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
      broker.enqueue(commandQueue(target), { body });
    },
    async readDeadLetters(target) {
      return (broker.queue(commandQueue(target))?.deadLetters ?? []).map((d) => ({
        body: d.body,
        reason: d.reason,
        error: d.error,
        attempts: d.attempts,
      }));
    },
    async cleanup() {},
  };
}
