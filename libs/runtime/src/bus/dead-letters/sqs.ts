import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  type MessageAttributeValue,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { AppError, isAppError } from '../../errors';
import { listNamespaceQueues, queueNameOf } from '../instance-queues';
import { errorName, isMissingQueue } from '../sqs/aws-errors';
import { DLQ_ATTRS, TYPE_ATTR } from '../sqs/names';
import {
  clampLimit,
  type DeadLetterList,
  type DeadLetterQueueSummary,
  type DeadLetters,
  type DeadLetterView,
  deadLetterId,
  isoTime,
  isSafeKey,
  noSuchQueue,
  parseDeadLetterId,
  parseMessage,
  type ReplayAllResult,
  stringField,
} from './types';
import { type DeadLetterQueueAccess, replayEvery, replayOne, type Step, showOne } from './walk';

/** Message attributes a dead letter carries (the SQS consumer writes them: sqs/consumer.ts). */
const ATTR = { type: TYPE_ATTR, ...DLQ_ATTRS } as const;
/** How long a walk keeps the messages it has received hidden (it shows them again at its end). */
const WALK_VISIBILITY_S = 120;

export interface SqsDeadLettersOptions {
  namespace: string;
  /** Long-poll wait of each receive while walking a DLQ (default 1 s; 0 on a local SQS). */
  waitTimeSeconds?: number;
}

/**
 * The dead letters of a namespace on SQS: `<queue>-dlq` next to each `<queue>`, with the error,
 * attempts and times in message attributes (sqs/consumer.ts), and messages moved there
 * by the queue's redrive policy (a consumer that kept crashing) without them.
 *
 * Which DLQs exist: ListQueues with the namespace prefix. Reading a DLQ receives its messages with
 * a visibility timeout and makes them visible again at the end (ChangeMessageVisibility 0): none is
 * consumed, and if the reader dies they come back by themselves after two minutes. While a walk
 * runs, another walk of the same DLQ does not see the messages it holds. A replay sends the body
 * (with its type attribute) to the source queue and deletes the dead letter once SQS has it.
 */
export class SqsDeadLetters implements DeadLetters {
  private readonly ns: string;
  private readonly wait: number;

  constructor(
    private readonly sqs: SQSClient,
    o: SqsDeadLettersOptions,
  ) {
    this.ns = o.namespace;
    this.wait = Math.max(0, Math.min(20, o.waitTimeSeconds ?? 1));
  }

  list(opts: { queue?: string; limit?: number } = {}): Promise<DeadLetterList> {
    const limit = clampLimit(opts.limit);
    return this.guard(async () => {
      const dlqs = opts.queue
        ? [await this.requireDlq(this.dlqOf(opts.queue))]
        : await this.deadLetterQueues();
      const queues: DeadLetterQueueSummary[] = [];
      const items: DeadLetterView[] = [];
      let truncated = false;
      for (const dlq of dlqs) {
        const count = await this.count(dlq.url);
        queues.push({ queue: sourceOf(dlq.name), deadLetterQueue: dlq.name, count });
        if (items.length >= limit) {
          truncated ||= count > 0;
          continue;
        }
        let seen = 0;
        await this.walk(dlq.url, count, async (m) => {
          seen++;
          if (items.length < limit) items.push(this.view(m, dlq.name));
          else truncated = true;
          return { keep: true, stop: items.length >= limit };
        });
        if (seen < count) truncated = true;
      }
      return { queues, items, truncated };
    });
  }

  show(id: string): Promise<DeadLetterView | undefined> {
    return this.guard(async () => {
      const ref = await this.ref(id);
      if (!ref) return undefined;
      const dlq = await this.access({ name: ref.deadLetterQueue, url: ref.url });
      return showOne(dlq, (m) => m.MessageId === ref.key);
    });
  }

  replay(id: string): Promise<DeadLetterView | undefined> {
    return this.guard(async () => {
      const ref = await this.ref(id);
      if (!ref) return undefined;
      const dlq = await this.access({ name: ref.deadLetterQueue, url: ref.url });
      return replayOne(dlq, (m) => m.MessageId === ref.key);
    });
  }

  replayAll(queue?: string): Promise<ReplayAllResult> {
    return this.guard(async () => {
      const dlqs = queue ? [await this.requireDlq(this.dlqOf(queue))] : await this.deadLetterQueues();
      const result: ReplayAllResult = { replayed: 0, skipped: [] };
      for (const dlq of dlqs) await replayEvery(await this.access(dlq), result);
      return result;
    });
  }

  /** One DLQ for the shared show / replay operations (walk.ts); a replay goes to its source queue's URL. */
  private async access(dlq: { name: string; url: string }): Promise<DeadLetterQueueAccess<Message, string>> {
    const count = await this.count(dlq.url);
    return {
      walk: (visit) => this.walk(dlq.url, count, visit),
      view: (m) => this.view(m, dlq.name),
      target: (queue) => this.sourceUrl(queue),
      resend: (target, m) => this.resend(target, dlq.url, m),
    };
  }

  purge(queue: string): Promise<{ queue: string; purged: number }> {
    return this.guard(async () => {
      const dlq = await this.requireDlq(this.dlqOf(queue));
      const purged = await this.count(dlq.url);
      try {
        await this.sqs.send(new PurgeQueueCommand({ QueueUrl: dlq.url }));
      } catch (e) {
        if (/PurgeQueueInProgress/.test(errorName(e)))
          throw new AppError(
            'DLQ_PURGE_IN_PROGRESS',
            409,
            'SQS purges a queue at most once every 60 seconds; try again in a minute',
          );
        throw e;
      }
      return { queue: sourceOf(dlq.name), purged };
    });
  }

  async close(): Promise<void> {
    // The SQS client belongs to whoever made it.
  }

  // --- helpers --------------------------------------------------------------------------------

  /** SQS trouble is a 503. */
  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (isAppError(e)) throw e;
      // The API answers this sentence; what SQS said (hosts, codes) stays in the cause, for logs.
      throw new AppError('BUS_UNAVAILABLE', 503, 'SQS did not answer, or refused the call', { cause: e });
    }
  }

  /** `<ns>-<x>-dlq` for a source queue given with or without the namespace (or as its DLQ). */
  private dlqOf(queue: string): string {
    const full = queue.startsWith(`${this.ns}-`) ? queue : `${this.ns}-${queue}`;
    return full.endsWith('-dlq') ? full : `${full}-dlq`;
  }

  private isDlq(name: string): boolean {
    return name.startsWith(`${this.ns}-`) && name.endsWith('-dlq');
  }

  private async deadLetterQueues(): Promise<Array<{ name: string; url: string }>> {
    const urls = await listNamespaceQueues(this.sqs, this.ns);
    return urls
      .map((url) => ({ name: queueNameOf(url), url }))
      .filter((q) => this.isDlq(q.name))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  private async requireDlq(name: string): Promise<{ name: string; url: string }> {
    const url = this.isDlq(name) ? await this.urlOf(name) : undefined;
    if (!url) throw noSuchQueue(sourceOf(name));
    return { name, url };
  }

  private async ref(id: string) {
    const r = parseDeadLetterId(id);
    if (!r || !this.isDlq(r.deadLetterQueue)) return undefined;
    const url = await this.urlOf(r.deadLetterQueue);
    return url ? { ...r, url } : undefined;
  }

  private async urlOf(name: string): Promise<string | undefined> {
    try {
      return (await this.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
    } catch (e) {
      if (isMissingQueue(e)) return undefined;
      throw e;
    }
  }

  /** A replay target: a queue of this namespace (not a DLQ) that exists. */
  private async sourceUrl(queue: string): Promise<string | undefined> {
    if (!queue.startsWith(`${this.ns}-`) || this.isDlq(queue)) return undefined;
    return this.urlOf(queue);
  }

  private async count(url: string): Promise<number> {
    const r = await this.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    return Number(r.Attributes?.ApproximateNumberOfMessages ?? 0) || 0;
  }

  /**
   * Visit the (about `count`) visible messages of a DLQ once each, then make every kept one
   * visible again. A visitor that throws keeps its message and ends the walk.
   */
  private async walk(url: string, count: number, visit: (m: Message) => Promise<Step>): Promise<void> {
    const held: Message[] = [];
    let failure: unknown;
    try {
      let seen = 0;
      let stop = false;
      while (!stop && seen < count) {
        const r = await this.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: 10,
            VisibilityTimeout: WALK_VISIBILITY_S,
            WaitTimeSeconds: this.wait,
            MessageAttributeNames: ['All'],
          }),
        );
        const batch = r.Messages ?? [];
        if (batch.length === 0) break;
        for (const m of batch) {
          seen++;
          if (stop) {
            held.push(m);
            continue;
          }
          try {
            const step = await visit(m);
            if (step.keep) held.push(m);
            stop = step.stop === true;
          } catch (e) {
            held.push(m);
            failure = e;
            stop = true;
          }
        }
      }
    } finally {
      await this.release(url, held);
    }
    if (failure) throw failure;
  }

  private async release(url: string, messages: Message[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 10) {
      const batch = messages.slice(i, i + 10);
      await this.sqs
        .send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: url,
            Entries: batch.map((m, j) => ({
              Id: String(j),
              ReceiptHandle: m.ReceiptHandle,
              VisibilityTimeout: 0,
            })),
          }),
        )
        .catch(() => {}); // they come back by themselves when the walk's visibility timeout ends
    }
  }

  /**
   * Deliver a dead letter again as the bus first delivered it: the same body (an event keeps its
   * EventBridge envelope, which the consumer unwraps) and type, and none of the failure attributes
   * or reply address; SQS counts receives from 1 again. Deleted from the DLQ only once sent.
   */
  private async resend(target: string, dlqUrl: string, m: Message): Promise<void> {
    const type = m.MessageAttributes?.[ATTR.type]?.StringValue;
    const attrs: Record<string, MessageAttributeValue> = type
      ? { [ATTR.type]: { DataType: 'String', StringValue: type } }
      : {};
    await this.sqs.send(
      new SendMessageCommand({ QueueUrl: target, MessageBody: m.Body ?? '', MessageAttributes: attrs }),
    );
    await this.sqs.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: m.ReceiptHandle }));
  }

  private view(m: Message, dlq: string): DeadLetterView {
    const a = m.MessageAttributes ?? {};
    const s = (k: string) => {
      const v = a[k]?.StringValue;
      return v === undefined || v === '' ? undefined : v;
    };
    const message = unwrapEventBridge(parseMessage(m.Body ?? ''));
    const ours = s(ATTR.reason) !== undefined;
    const attempts = Number(s(ATTR.attempts));
    const lastFailedAt = isoTime(s(ATTR.failedAt));
    const source = s(ATTR.queue);
    const key = m.MessageId && isSafeKey(m.MessageId) ? m.MessageId : 'unknown';
    return {
      id: deadLetterId(dlq, key),
      queue: source?.startsWith(`${this.ns}-`) ? source : sourceOf(dlq),
      deadLetterQueue: dlq,
      type: s(ATTR.type) ?? stringField(message, 'type') ?? null,
      reason: s(ATTR.reason) ?? 'delivery-limit',
      error: ours
        ? (s(ATTR.error) ?? 'unknown error')
        : "SQS moved it after the redrive policy's maxReceiveCount receives: a consumer kept crashing or could not settle it",
      attempts: Number.isInteger(attempts) && attempts > 0 ? attempts : null,
      firstFailedAt: isoTime(s(ATTR.firstFailedAt)) ?? (attempts === 1 ? lastFailedAt : null),
      lastFailedAt,
      message,
    };
  }
}

const sourceOf = (dlq: string): string => dlq.replace(/-dlq$/, '');

/** An event queue's messages are EventBridge envelopes: show the CloudEvent inside. */
function unwrapEventBridge(v: unknown): unknown {
  if (v && typeof v === 'object' && !Array.isArray(v) && 'detail-type' in v && 'detail' in v)
    return (v as { detail: unknown }).detail;
  return v;
}
