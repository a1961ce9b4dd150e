// Batch calls for anything with a batch API (SQS SendMessageBatch / DeleteMessageBatch,
// EventBridge PutEvents, DynamoDB BatchWriteItem): many callers, one call, each caller settled
// with its own entry's outcome.

/** What one entry of a batch call came to. */
export type EntryResult<R> = { ok: true; value: R } | { ok: false; error: Error; retryable: boolean };

export interface BatcherOptions<E, R> {
  /** Sends one batch (≤ maxEntries) for `key`; returns one result per entry, in order. */
  flush: (key: string, entries: E[]) => Promise<Array<EntryResult<R>>>;
  /** Entries per call (10 for SendMessageBatch, DeleteMessageBatch and PutEvents). */
  maxEntries?: number;
  /**
   * How long a batch that is not full waits for more entries (ms). 0 (the default): the next turn
   * of the event loop, so a lone entry waits for nothing; a few ms: a group commit window, fewer
   * and fuller calls for that much latency.
   */
  delayMs?: number;
  /**
   * A group commit that waits only under load (instead of delayMs): a batch that is not full
   * leaves `paceMs` after the key's previous batch left, or at once (next turn) when that long
   * has passed already. A lone entry after a quiet spell waits for nothing; a steady stream
   * shares one call per `paceMs`.
   */
  paceMs?: number;
  /** Bytes per call (256 KiB for SQS and PutEvents); an entry is never split. */
  maxBytes?: number;
  sizeOf?: (entry: E) => number;
  /** How long an entry keeps being retried after a retryable failure. */
  retryForMs?: number;
  /** Whether a failure of a whole call (not one entry) is worth trying again. */
  isRetryable?: (err: unknown) => boolean;
  onRetry?: (key: string, count: number, err: Error) => void;
}

interface Pending<E, R> {
  entry: E;
  size: number;
  deadline: number;
  tries: number;
  resolve: (r: R) => void;
  reject: (e: Error) => void;
}

/**
 * Collects entries per key and sends them as batch calls: a batch goes out when it is full, or
 * on the next turn of the event loop (setImmediate), so a burst of concurrent sends shares calls
 * while a lone send waits for nothing. Every `add` settles with its own entry's outcome; entries
 * that failed for a retryable reason (throttling, a server fault, a lost connection) are sent
 * again with backoff until `retryForMs` has passed.
 */
export class Batcher<E, R = void> {
  private readonly queues = new Map<string, Array<Pending<E, R>>>();
  private readonly scheduled = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  /** When each key's last batch left (only with paceMs; one entry a key, so meant for a few keys). */
  private readonly lastSent = new Map<string, number>();
  private readonly maxEntries: number;
  private readonly maxBytes: number;

  constructor(private readonly options: BatcherOptions<E, R>) {
    this.maxEntries = options.maxEntries ?? 10;
    this.maxBytes = options.maxBytes ?? 256 * 1024;
  }

  /** Send `entry` in a batch for `key`; `retryForMs` overrides how long it is retried. */
  add(key: string, entry: E, retryForMs?: number): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const size = this.options.sizeOf?.(entry) ?? 0;
      this.enqueue(key, {
        entry,
        size,
        deadline: Date.now() + (retryForMs ?? this.options.retryForMs ?? 30_000),
        tries: 0,
        resolve,
        reject,
      });
    });
  }

  /** Resolves when every batch handed out so far has settled. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0 || this.scheduled.size > 0) {
      if (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      else await new Promise((r) => setImmediate(r));
    }
  }

  private enqueue(key: string, p: Pending<E, R>): void {
    let q = this.queues.get(key);
    if (!q) {
      q = [];
      this.queues.set(key, q);
    }
    const bytes = q.reduce((n, x) => n + x.size, 0);
    if (q.length > 0 && bytes + p.size > this.maxBytes) this.send(key, q.splice(0));
    q.push(p);
    if (q.length >= this.maxEntries) {
      this.send(key, q.splice(0));
    } else if (!this.scheduled.has(key)) {
      this.scheduled.add(key);
      const flush = () => {
        this.scheduled.delete(key);
        const rest = this.queues.get(key);
        if (rest && rest.length > 0) this.send(key, rest.splice(0));
        if (rest && rest.length === 0) this.queues.delete(key);
      };
      const wait = this.waitBeforeFlush(key);
      if (wait > 0) setTimeout(flush, wait);
      else setImmediate(flush);
    }
  }

  /** How long a batch for `key` that is not full waits for more entries (ms). */
  private waitBeforeFlush(key: string): number {
    const { paceMs, delayMs } = this.options;
    if (paceMs === undefined) return delayMs ?? 0;
    const last = this.lastSent.get(key);
    return last === undefined ? 0 : last + paceMs - Date.now();
  }

  private send(key: string, batch: Array<Pending<E, R>>): void {
    if (this.options.paceMs !== undefined) this.lastSent.set(key, Date.now());
    const run = (async () => {
      let results: Array<EntryResult<R>>;
      try {
        results = await this.options.flush(
          key,
          batch.map((p) => p.entry),
        );
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        const retryable = this.options.isRetryable?.(e) ?? false;
        results = batch.map(() => ({ ok: false, error: err, retryable }));
      }
      for (const [i, p] of batch.entries()) {
        const r = results[i] ?? { ok: false, error: new Error('no result for entry'), retryable: true };
        if (r.ok) {
          p.resolve(r.value);
          continue;
        }
        p.tries++;
        if (!r.retryable || Date.now() >= p.deadline) {
          p.reject(r.error);
          continue;
        }
        this.options.onRetry?.(key, p.tries, r.error);
        const delay = Math.min(2000, 50 * 2 ** (p.tries - 1));
        setTimeout(() => this.enqueue(key, p), delay);
      }
    })();
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }
}
