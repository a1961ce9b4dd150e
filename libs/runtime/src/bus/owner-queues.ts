import { contracts, partitionTargets } from '@onair/contracts';
import type { Bus, Consumer, ConsumeOptions, MessageHandler } from './types';

/**
 * Consume every command a service owns: its own queue, and its partition queues (the commands
 * with `partitionBy`, one queue per partition). A partition queue is read by one instance at a
 * time (singleActive): that instance owns the partition's keys, and another instance stands by
 * to take over when it stops or dies. Partition queues are the live path (a cheaper queue): what
 * they carry are requests whose senders time out and retry, and what they change is in the table.
 */
export async function consumeOwnedCommands(
  bus: Bus,
  service: string,
  handler: MessageHandler,
  opts: ConsumeOptions & {
    /** Partition `i`'s consumer lost its channel: another instance may own its keys when it is back. */
    onPartitionDetached?: (partition: number) => void;
  } = {},
): Promise<Consumer> {
  const { onPartitionDetached, ...consume } = opts;
  const consumers: Consumer[] = [];
  for (const target of contracts.targetsOf(service)) {
    const partition = partitionTargets(service).indexOf(target);
    consumers.push(
      await bus.consumeCommands(
        target,
        handler,
        partition < 0
          ? consume
          : {
              ...consume,
              singleActive: true,
              livePath: true,
              onDetached: () => onPartitionDetached?.(partition),
            },
      ),
    );
  }
  return { stop: async () => void (await Promise.all(consumers.map((c) => c.stop()))) };
}
