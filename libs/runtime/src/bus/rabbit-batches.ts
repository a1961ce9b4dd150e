// Many bus messages in one AMQP message (RabbitMQ transport). RabbitMQ's cost is per message it
// routes, queues and acks, whatever its size; on the chat hot path a group commit answers up to
// 25 sends and publishes their 25 live events in the same turn of the event loop. What leaves in
// one turn for one destination travels as one AMQP message: the envelopes' JSON texts one after
// the other in the body, their byte lengths in a header, so the receiver cuts the body apart
// without parsing it. Only live events and replies travel this way: neither is persisted, and a
// receiver settles every part on its own (see RabbitConsumer), so batching changes what the
// broker carries, never what a handler sees.

/** Byte lengths of the parts of a batched body, in order. */
export const BATCH_HEADER = 'x-onair-batch';
/** Correlation ids of the replies in a batched reply, in the order of their parts. */
export const REPLIES_HEADER = 'x-onair-replies';

/** At most this many parts in one AMQP message. */
export const MAX_PARTS = 100;
/** At most this many bytes in one AMQP message (RabbitMQ allows far more; the cap bounds latency). */
export const MAX_BATCH_BYTES = 512 * 1024;

/** One body made of `parts`, and the header that cuts it apart again. */
export function joinParts(parts: readonly string[]): { body: Buffer; lengths: number[] } {
  const buffers = parts.map((p) => Buffer.from(p));
  return { body: Buffer.concat(buffers), lengths: buffers.map((b) => b.length) };
}

/**
 * The parts of a batched body, or undefined when the message is not a batch (no header). A
 * header that does not add up to the body is an error: the message goes to the dead-letter queue
 * whole rather than being cut at the wrong places.
 */
export function splitParts(body: Buffer, header: unknown): Buffer[] | undefined {
  if (header === undefined || header === null) return undefined;
  if (!Array.isArray(header) || !header.every((n) => Number.isInteger(n) && n >= 0))
    throw new Error(`${BATCH_HEADER} is not a list of byte lengths`);
  const lengths: number[] = header;
  const total = lengths.reduce((a, b) => a + b, 0);
  if (total !== body.length)
    throw new Error(`${BATCH_HEADER} adds up to ${total} bytes; the body has ${body.length}`);
  const out: Buffer[] = [];
  let at = 0;
  for (const n of lengths) {
    out.push(body.subarray(at, at + n));
    at += n;
  }
  return out;
}
