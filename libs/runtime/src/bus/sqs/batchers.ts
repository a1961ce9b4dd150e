import type { EventBridgeClient, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DeleteMessageBatchCommand,
  type MessageAttributeValue,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import { isTransient } from './aws-errors';
import { MAX_BATCH_BYTES, PUBLISH_TIMEOUT_MS } from './names';

/** What one entry of a batch call came to. */
export type EntryResult<R> = { ok: true; value: R } | { ok: false; error: Error; retryable: boolean };

export interface BatcherOptions<E, R> {
  /** Sends one batch (≤ maxEntries) for `key`; returns one result per entry, in order. */
  flush: (key: string, entries: E[]) => Promise<Array<EntryResult<R>>>;
  /** Entries per call (10 for SendMessageBatch, DeleteMessageBatch and PutEvents). */
  maxEntries?: number;
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
  private readonly maxEntries: number;
  private readonly maxBytes: number;

  constructor(private readonly o: BatcherOptions<E, R>) {
    this.maxEntries = o.maxEntries ?? 10;
    this.maxBytes = o.maxBytes ?? 256 * 1024;
  }

  /** Send `entry` in a batch for `key`; `retryForMs` overrides how long it is retried. */
  add(key: string, entry: E, retryForMs?: number): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const size = this.o.sizeOf?.(entry) ?? 0;
      this.enqueue(key, {
        entry,
        size,
        deadline: Date.now() + (retryForMs ?? this.o.retryForMs ?? 30_000),
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
      setImmediate(() => {
        this.scheduled.delete(key);
        const rest = this.queues.get(key);
        if (rest && rest.length > 0) this.send(key, rest.splice(0));
        if (rest && rest.length === 0) this.queues.delete(key);
      });
    }
  }

  private send(key: string, batch: Array<Pending<E, R>>): void {
    const run = (async () => {
      let results: Array<EntryResult<R>>;
      try {
        results = await this.o.flush(
          key,
          batch.map((p) => p.entry),
        );
      } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        const retryable = this.o.isRetryable?.(e) ?? false;
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
        this.o.onRetry?.(key, p.tries, r.error);
        const delay = Math.min(2000, 50 * 2 ** (p.tries - 1));
        setTimeout(() => this.enqueue(key, p), delay);
      }
    })();
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }
}

/**
 * The three batch calls of the SQS transport: SendMessageBatch (commands, replies, dead letters),
 * PutEvents (events) and DeleteMessageBatch (acks), each entry settling with its own outcome.
 */
export class SqsBatchers {
  private readonly sends: Batcher<SendMessageBatchRequestEntry>;
  private readonly events: Batcher<PutEventsRequestEntry>;
  private readonly deletes: Batcher<string>;

  constructor(
    private readonly sqs: SQSClient,
    private readonly eb: EventBridgeClient,
    log: Logger,
  ) {
    const common = {
      maxBytes: MAX_BATCH_BYTES,
      retryForMs: PUBLISH_TIMEOUT_MS,
      isRetryable: isTransient,
      onRetry: (key: string, tries: number, err: Error) =>
        log.debug({ key, tries, err: err.message }, 'batch entry failed; retrying'),
    };
    this.sends = new Batcher<SendMessageBatchRequestEntry>({
      ...common,
      sizeOf: (e) => Buffer.byteLength(e.MessageBody ?? '') + attributesSize(e.MessageAttributes),
      flush: (queueUrl, entries) => this.sendBatch(queueUrl, entries),
    });
    this.events = new Batcher<PutEventsRequestEntry>({
      ...common,
      sizeOf: (e) =>
        Buffer.byteLength(e.Detail ?? '') +
        Buffer.byteLength(e.DetailType ?? '') +
        Buffer.byteLength(e.Source ?? ''),
      flush: (_bus, entries) => this.putEvents(entries),
    });
    this.deletes = new Batcher<string>({
      ...common,
      flush: (queueUrl, handles) => this.deleteBatch(queueUrl, handles),
    });
  }

  /** Send one message to a queue; it shares a batch call with others to that queue. */
  send(
    queueUrl: string,
    body: string,
    attrs: Record<string, MessageAttributeValue>,
    retryForMs?: number,
  ): Promise<void> {
    return this.sends.add(queueUrl, { Id: '', MessageBody: body, MessageAttributes: attrs }, retryForMs);
  }

  /** Put one event on an event bus, batched with the others to that bus. */
  putEvent(eventBusName: string, entry: PutEventsRequestEntry, retryForMs?: number): Promise<void> {
    return this.events.add(eventBusName, entry, retryForMs);
  }

  /** Delete a received message (batched with the other acks of the same queue). */
  delete(queueUrl: string, receiptHandle: string): Promise<void> {
    return this.deletes.add(queueUrl, receiptHandle);
  }

  drain(): Promise<unknown> {
    return Promise.all([this.sends.drain(), this.events.drain(), this.deletes.drain()]);
  }

  private async sendBatch(
    queueUrl: string,
    entries: SendMessageBatchRequestEntry[],
  ): Promise<Array<EntryResult<void>>> {
    const r = await this.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: entries.map((e, i) => ({ ...e, Id: String(i) })),
      }),
    );
    const failed = new Map((r.Failed ?? []).map((f) => [f.Id, f]));
    return entries.map((_e, i) => {
      const f = failed.get(String(i));
      if (!f) return { ok: true, value: undefined };
      return {
        ok: false,
        error: new AppError('BUS_SEND_FAILED', 503, `SendMessage failed: ${f.Code}: ${f.Message ?? ''}`),
        retryable: !f.SenderFault,
      };
    });
  }

  private async putEvents(entries: PutEventsRequestEntry[]): Promise<Array<EntryResult<void>>> {
    const r = await this.eb.send(new PutEventsCommand({ Entries: entries }));
    return entries.map((_e, i) => {
      const res = r.Entries?.[i];
      if (res?.EventId && !res.ErrorCode) return { ok: true, value: undefined };
      const code = res?.ErrorCode ?? 'Unknown';
      return {
        ok: false,
        error: new AppError(
          'BUS_PUBLISH_FAILED',
          503,
          `PutEvents failed: ${code}: ${res?.ErrorMessage ?? ''}`,
        ),
        retryable: /Internal|Throttl|Unavailable|Unknown/i.test(code),
      };
    });
  }

  private async deleteBatch(queueUrl: string, handles: string[]): Promise<Array<EntryResult<void>>> {
    const r = await this.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: handles.map((h, i) => ({ Id: String(i), ReceiptHandle: h })),
      }),
    );
    const failed = new Map((r.Failed ?? []).map((f) => [f.Id, f]));
    return handles.map((_h, i) => {
      const f = failed.get(String(i));
      if (!f) return { ok: true, value: undefined };
      return {
        ok: false,
        error: new Error(`DeleteMessage failed: ${f.Code}: ${f.Message ?? ''}`),
        retryable: !f.SenderFault,
      };
    });
  }
}

function attributesSize(attrs: Record<string, MessageAttributeValue> | undefined): number {
  let n = 0;
  for (const [k, v] of Object.entries(attrs ?? {}))
    n += Buffer.byteLength(k) + Buffer.byteLength(v.DataType ?? '') + Buffer.byteLength(v.StringValue ?? '');
  return n;
}
