import type { Envelope } from '@onair/contracts';

/**
 * The ids a consumer has already handled, with the reply it gave (so a redelivered request is
 * answered the same way). Bounded: the oldest ids are forgotten first. Durable idempotency
 * (across restarts) is the handlers' job, through conditional writes on their own tables.
 */
export class SeenIds {
  private readonly map = new Map<string, Envelope | null>();
  constructor(private readonly capacity = 50_000) {}

  has(id: string): boolean {
    return this.map.has(id);
  }

  reply(id: string): Envelope | undefined {
    return this.map.get(id) ?? undefined;
  }

  add(id: string, reply?: Envelope): void {
    this.map.set(id, reply ?? null);
    if (this.map.size > this.capacity) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
  }
}
