import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  type Message,
  type QueueAttributeName,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Logger } from '../../logger';
import type { Delivery, TransportConsumer } from '../transport';
import { wireSafe } from '../wire';
import { backoff, isMissingQueue, sleep } from './aws-errors';
import type { SqsBatchers } from './batchers';
import {
  CORRELATION_ID_ATTR,
  DLQ_ATTRS,
  EXPIRES_AT_ATTR,
  HEARTBEAT_MS,
  REPLY_TO_ATTR,
  str,
  TYPE_ATTR,
  VISIBILITY_TIMEOUT_S,
} from './names';
import type { QueueLease } from './queue-lease';
import type { QueueInfo } from './queues';

export interface SqsConsumerOptions {
  sqs: SQSClient;
  batchers: SqsBatchers;
  queue: QueueInfo;
  /** Declares the queue again (it was deleted under the consumer). */
  redeclare: () => Promise<QueueInfo>;
  /** Subscriber queues hold EventBridge envelopes: the message is their `detail`. */
  events: boolean;
  deliver: (d: Delivery) => Promise<void>;
  concurrency: number;
  waitTimeSeconds: number;
  log: Logger;
  /** After the consumer stopped: delete what a per-instance queue leaves behind. */
  onStopped: (queue: QueueInfo) => Promise<void>;
  /** A single-active queue: read only while this lease is held (started and closed here). */
  lease?: QueueLease;
}

/**
 * One queue's long-polling loop; keeps up to `concurrency` messages in the handler. A retry is
 * the message's visibility set to the backoff delay: it comes back by itself, with
 * ApproximateReceiveCount (the attempt number) one higher.
 */
export class SqsConsumer implements TransportConsumer {
  private inFlight = 0;
  private slotWaiters: Array<() => void> = [];
  private loop?: Promise<void>;
  private stopped = false;
  private readonly stopping = new AbortController();
  private queue: QueueInfo;

  constructor(private readonly options: SqsConsumerOptions) {
    this.queue = options.queue;
  }

  start(): void {
    this.options.lease?.start();
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    const { sqs, log, lease } = this.options;
    let failures = 0;
    while (!this.stopped) {
      if (lease && !lease.held) {
        await lease.whenHeld(this.stopping.signal); // another instance reads the queue meanwhile
        continue;
      }
      const queue = this.queue;
      const free = this.options.concurrency - this.inFlight;
      if (free <= 0) {
        await new Promise<void>((r) => this.slotWaiters.push(r));
        continue;
      }
      let messages: Message[];
      try {
        const r = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queue.url,
            MaxNumberOfMessages: Math.min(10, free),
            WaitTimeSeconds: this.options.waitTimeSeconds,
            MessageSystemAttributeNames: ['ApproximateReceiveCount', 'ApproximateFirstReceiveTimestamp'],
            // Older emulators only know the deprecated name.
            AttributeNames: [
              'ApproximateReceiveCount' as QueueAttributeName,
              'ApproximateFirstReceiveTimestamp' as QueueAttributeName,
            ],
            MessageAttributeNames: ['All'],
          }),
        );
        messages = r.Messages ?? [];
        failures = 0;
      } catch (e) {
        failures++;
        log.warn({ err: (e as Error).message, failures }, 'receiving failed; retrying');
        await sleep(backoff(failures));
        if (isMissingQueue(e) && !this.stopped) {
          try {
            this.queue = await this.options.redeclare();
            log.warn('the queue was gone; declared it again');
          } catch (err) {
            log.warn({ err: (err as Error).message }, 'could not declare the queue again; retrying');
          }
        }
        continue;
      }
      if (this.stopped || (lease && !lease.held)) {
        // Stopped, or the lease lost, during the long poll: hand these straight back.
        await this.handBack(messages);
        continue;
      }
      for (const m of messages) {
        this.inFlight++;
        void this.onMessage(m, queue);
      }
    }
  }

  private async handBack(messages: Message[]): Promise<void> {
    if (messages.length === 0) return;
    await this.options.sqs
      .send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.queue.url,
          Entries: messages.map((m, i) => ({
            Id: String(i),
            ReceiptHandle: m.ReceiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      )
      .catch(() => {});
  }

  private async onMessage(m: Message, queue: QueueInfo): Promise<void> {
    const { sqs, batchers, log } = this.options;
    // While the handler runs the message must stay invisible, however long it takes.
    const heartbeat = setInterval(() => {
      void sqs
        .send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: queue.url,
            ReceiptHandle: m.ReceiptHandle,
            VisibilityTimeout: VISIBILITY_TIMEOUT_S,
          }),
        )
        .catch(() => {});
    }, HEARTBEAT_MS);
    heartbeat.unref();
    const attrs = m.MessageAttributes ?? {};
    const attempt = Math.max(1, Number(m.Attributes?.ApproximateReceiveCount ?? 1) || 1);
    const expiresAt = Number(attrs[EXPIRES_AT_ATTR]?.StringValue);
    const replyTo = attrs[REPLY_TO_ATTR]?.StringValue;
    const ack = async () => {
      if (m.ReceiptHandle) await batchers.delete(queue.url, m.ReceiptHandle);
    };
    try {
      await this.options.deliver({
        body: this.options.events ? unwrapEventBridge(m.Body ?? '') : (m.Body ?? ''),
        attempt,
        expiresAt: Number.isFinite(expiresAt) ? expiresAt : undefined,
        reply: replyTo
          ? async (body) => {
              try {
                await batchers.send(replyTo, body, {
                  [CORRELATION_ID_ATTR]: str(attrs[CORRELATION_ID_ATTR]?.StringValue ?? ''),
                });
              } catch (e) {
                // The requester is gone (its reply queue with it): nobody to answer, carry on.
                if (!isMissingQueue(e)) throw e;
                log.debug({ replyTo }, 'reply queue is gone; reply dropped');
              }
            }
          : undefined,
        ack,
        retry: async (delayMs) => {
          clearInterval(heartbeat); // it would make the message visible again after 30 s, not delayMs
          await sqs.send(
            new ChangeMessageVisibilityCommand({
              QueueUrl: queue.url,
              ReceiptHandle: m.ReceiptHandle,
              VisibilityTimeout: Math.min(43_200, Math.max(1, Math.ceil(delayMs / 1000))),
            }),
          );
        },
        // The copy is sent before the original is deleted: nothing is lost.
        deadLetter: async (reason, error) => {
          const keep = Object.fromEntries(
            Object.entries(attrs).filter(
              ([k]) => k === REPLY_TO_ATTR || k === CORRELATION_ID_ATTR || k === TYPE_ATTR,
            ),
          );
          await batchers.send(queue.dlqUrl, m.Body ?? '', {
            ...keep,
            [DLQ_ATTRS.reason]: str(reason),
            // Free text that may quote the message (emoji and all): made legal for SQS attributes.
            [DLQ_ATTRS.error]: str(wireSafe(error.slice(0, 4000)) || 'unknown error'),
            [DLQ_ATTRS.attempts]: { DataType: 'Number', StringValue: String(attempt) },
            [DLQ_ATTRS.failedAt]: str(new Date().toISOString()),
            [DLQ_ATTRS.firstFailedAt]: str(
              new Date(Number(m.Attributes?.ApproximateFirstReceiveTimestamp) || Date.now()).toISOString(),
            ),
            [DLQ_ATTRS.queue]: str(queue.name),
          });
          await ack();
        },
      });
    } finally {
      clearInterval(heartbeat);
      this.inFlight--;
      for (const w of this.slotWaiters.splice(0)) w();
    }
  }

  async cancel(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    for (const w of this.slotWaiters.splice(0)) w();
    await this.loop;
  }

  /** After the handlers finished: the lease given up (a standby reads on at once), the queue's leftovers. */
  async release(): Promise<void> {
    await this.options.lease?.close();
    await this.options.onStopped(this.queue);
  }
}

/** The CloudEvent inside an EventBridge envelope; anything else is passed on as it came. */
function unwrapEventBridge(body: string): string {
  try {
    const v = JSON.parse(body) as Record<string, unknown> | null;
    if (v && typeof v === 'object' && 'detail-type' in v && 'detail' in v) return JSON.stringify(v.detail);
  } catch {
    // not JSON: the dispatcher says so
  }
  return body;
}
