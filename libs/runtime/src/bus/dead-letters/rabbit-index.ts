import type { ConfirmChannel, Options } from 'amqplib';

/**
 * Which dead-letter queues exist, on RabbitMQ.
 *
 * AMQP 0-9-1 cannot list queues (only the management plugin's HTTP API can, and it may be off),
 * and the names cannot all be derived either: subscriber names are chosen in each service's code
 * and per-instance queues carry instance ids. So every consumer records its DLQ's name, once per
 * process, as one small persistent message in `<namespace>.dead-letter-queues`. The DLQ tool reads
 * that index (under its lock), keeps one entry per DLQ that still exists and drops the rest
 * (duplicates from restarts, per-instance DLQs that expired), so it stays as small as the set of
 * queues. A classic queue on purpose: it has no delivery limit to count the tool's walks against.
 */
export const rabbitDeadLetterIndex = (namespace: string): string => `${namespace}.dead-letter-queues`;

export const RABBIT_INDEX_QUEUE: Options.AssertQueue = {
  durable: true,
  arguments: { 'x-queue-type': 'classic' },
};

/** Record a DLQ in the index (confirmed, so a registered DLQ is never missing from it). */
export async function recordDeadLetterQueue(ch: ConfirmChannel, index: string, dlq: string): Promise<void> {
  await ch.assertQueue(index, RABBIT_INDEX_QUEUE);
  await new Promise<void>((resolve, reject) => {
    ch.sendToQueue(index, Buffer.from(dlq), { persistent: true, contentType: 'text/plain' }, (err) =>
      err ? reject(err) : resolve(),
    );
  });
}
