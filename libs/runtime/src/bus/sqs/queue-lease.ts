import { DeleteCommand, type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../../dynamo';
import type { Logger } from '../../logger';

/**
 * Where single-active consumers keep their leases on SQS, which has no such consumer of its own:
 * a DynamoDB table with string keys PK and SK (a service's own table; one item per queue).
 */
export interface QueueLeaseTable {
  ddb: DynamoDBDocumentClient;
  tableName: string;
  /**
   * How long a lease lasts unless renewed (default 10 s). A standby takes a crashed holder's
   * queue within about this long; the holder renews every quarter of it.
   */
  ttlMs?: number;
}

export const DEFAULT_QUEUE_LEASE_MS = 10_000;

export interface QueueLeaseOptions {
  table: QueueLeaseTable;
  /** The queue the lease is for (its name). */
  queue: string;
  /** Who holds it when this instance does (the bus's instance id). */
  owner: string;
  log: Logger;
  /** The lease was ours and is not any more (taken, or not renewed in time). */
  onLost?: () => void;
  now?: () => number;
}

/**
 * One instance at a time reads a queue: the one holding its lease, an item written with a
 * condition (free, expired, or already ours) and renewed every quarter of its lifetime; the
 * others try as often and stand by. A holder counts the lease as its own only until a fifth of
 * the lifetime before the expiry it wrote, so clocks a little apart cannot make two holders.
 * A clean stop deletes the item, so a standby takes over on its next try rather than at expiry.
 */
export class QueueLease {
  /** Local time until which the lease is this instance's (0: not ours). */
  private heldUntil = 0;
  private holding = false;
  private timer?: NodeJS.Timeout;
  private waiters: Array<() => void> = [];
  private closed = false;
  /** The write under way, if any (close waits for it, so it cannot land after the give-up). */
  private writing?: Promise<boolean>;
  private readonly ttlMs: number;

  constructor(private readonly o: QueueLeaseOptions) {
    this.ttlMs = o.table.ttlMs ?? DEFAULT_QUEUE_LEASE_MS;
  }

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  /** Whether this instance holds the lease now. */
  get held(): boolean {
    return !this.closed && this.now() < this.heldUntil;
  }

  /** Try at once, then every quarter of the lifetime. */
  start(): void {
    const tick = () => {
      void this.renew().finally(() => {
        if (!this.closed) this.timer = setTimeout(tick, this.ttlMs / 4).unref();
      });
    };
    tick();
  }

  /** Take the lease, or renew it while it is ours. Resolves to whether it is ours now. */
  renew(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    this.writing ??= this.write().finally(() => {
      this.writing = undefined;
    });
    return this.writing;
  }

  private async write(): Promise<boolean> {
    const at = this.now();
    try {
      await this.o.table.ddb.send(
        new UpdateCommand({
          TableName: this.o.table.tableName,
          Key: this.key(),
          UpdateExpression: 'SET #owner = :me, #expires = :expires',
          ConditionExpression: 'attribute_not_exists(#owner) OR #owner = :me OR #expires < :now',
          ExpressionAttributeNames: { '#owner': 'leaseOwner', '#expires': 'leaseExpiresAt' },
          ExpressionAttributeValues: { ':me': this.o.owner, ':expires': at + this.ttlMs, ':now': at },
        }),
      );
      this.heldUntil = at + this.ttlMs * 0.8;
    } catch (err) {
      if (isConditionFailure(err)) this.heldUntil = 0;
      // Unreachable: ours until it runs out, and not after.
      else
        this.o.log.warn(
          { err: (err as Error).message, queue: this.o.queue },
          'could not renew the queue lease',
        );
    }
    this.noticeChange();
    return this.held;
  }

  private noticeChange(): void {
    if (this.closed) return; // a stop, not a loss
    const held = this.held;
    // Wake a waiting consumer on every write that leaves the lease ours, not only on a change of
    // `holding`: the consumer also stops when the local window runs out between two writes (slow
    // or failed renewals), and the write that extends it again changes nothing here.
    if (held) for (const w of this.waiters.splice(0)) w();
    if (held === this.holding) return;
    this.holding = held;
    if (held) {
      this.o.log.info({ queue: this.o.queue }, 'holds the queue lease: reading the queue');
    } else {
      this.o.log.warn({ queue: this.o.queue }, 'lost the queue lease: standing by');
      this.o.onLost?.();
    }
  }

  /** Resolves once the lease is ours, or when `signal` aborts or the lease is closed. */
  whenHeld(signal: AbortSignal): Promise<void> {
    if (this.held || this.closed || signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.push(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Stop renewing; give the lease up if it is ours, so a standby takes over at once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    for (const w of this.waiters.splice(0)) w();
    await this.writing;
    if (this.heldUntil === 0) return; // never ours, or taken: nothing to give up
    await this.o.table.ddb
      .send(
        new DeleteCommand({
          TableName: this.o.table.tableName,
          Key: this.key(),
          ConditionExpression: '#owner = :me',
          ExpressionAttributeNames: { '#owner': 'leaseOwner' },
          ExpressionAttributeValues: { ':me': this.o.owner },
        }),
      )
      .catch((err: Error) => {
        if (!isConditionFailure(err))
          this.o.log.warn({ err: err.message }, 'could not give the queue lease up');
      });
  }

  private key(): { PK: string; SK: string } {
    return { PK: `bus-lease#${this.o.queue}`, SK: 'lease' };
  }
}
