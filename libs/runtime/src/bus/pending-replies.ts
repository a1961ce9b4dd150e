import type { Envelope } from '@onair/contracts';
import { AppError } from '../errors';

/**
 * The requests of one bus instance still waiting for a reply, by correlation id. Both
 * transports use it: a reply resolves its request, a timeout or close rejects it, and a reply
 * that comes after its request timed out is dropped.
 */
export class PendingReplies {
  private readonly waiting = new Map<
    string,
    { resolve: (e: Envelope) => void; reject: (e: Error) => void }
  >();

  get size(): number {
    return this.waiting.size;
  }

  /** A promise for the reply to `correlationId`; rejects with a 504 TIMEOUT after `timeoutMs`. */
  wait(correlationId: string, type: string, timeoutMs: number): Promise<Envelope> {
    const reply = new Promise<Envelope>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(correlationId);
        reject(new AppError('TIMEOUT', 504, `No answer to ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(correlationId, {
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
    // The caller may still be publishing the request when the timer fires (a broker outage):
    // the rejection is then observed when it awaits, never left unhandled in between.
    reply.catch(() => {});
    return reply;
  }

  /** A reply body arrived (undefined id, unknown id or late reply: ignored). */
  settle(correlationId: string | undefined, body: string): void {
    const waiter = correlationId ? this.waiting.get(correlationId) : undefined;
    if (!correlationId || !waiter) return;
    this.waiting.delete(correlationId);
    try {
      waiter.resolve(JSON.parse(body) as Envelope);
    } catch (e) {
      waiter.reject(e as Error);
    }
  }

  fail(correlationId: string, e: Error): void {
    this.waiting.get(correlationId)?.reject(e);
    this.waiting.delete(correlationId);
  }

  failAll(e: Error): void {
    for (const id of [...this.waiting.keys()]) this.fail(id, e);
  }
}
