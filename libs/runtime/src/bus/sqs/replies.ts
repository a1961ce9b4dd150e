import { DeleteQueueCommand, type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import type { InstanceQueueLeases } from '../instance-queues';
import type { ReplySink } from '../transport';
import { backoff, isMissingQueue, sleep } from './aws-errors';
import type { SqsBatchers } from './batchers';
import { CORRELATION_ID_ATTR, sqsNames } from './names';
import type { SqsQueues } from './queues';

export interface ReplyPollerOptions {
  sqs: SQSClient;
  queues: SqsQueues;
  batchers: SqsBatchers;
  instanceQueues: InstanceQueueLeases;
  namespace: string;
  instanceId: string;
  waitTimeSeconds: number;
  log: Logger;
}

/**
 * This instance's reply queue (`<ns>-reply-<instanceId>`), created with the first request, and
 * the long poll that hands its replies to the waiting requests. The poll runs only while
 * requests wait; close() deletes the queue.
 */
export class ReplyPoller {
  private queueUrl?: Promise<string>;
  private loop?: Promise<void>;
  private abort?: AbortController;
  private replies?: ReplySink;
  private closed = false;

  constructor(private readonly options: ReplyPollerOptions) {}

  start(replies: ReplySink): void {
    this.replies = replies;
  }

  /** The address a request carries; also starts polling for its reply. */
  async address(): Promise<string> {
    const url = await this.ensureQueue();
    this.poll();
    return url;
  }

  private ensureQueue(): Promise<string> {
    if (this.closed) return Promise.reject(new AppError('BUS_CLOSED', 503, 'The bus is closed'));
    this.queueUrl ??= (async () => {
      const name = sqsNames.replyQueue(this.options.namespace, this.options.instanceId);
      // Replies nobody waits for any more (a timed-out request) expire on their own.
      const url = await this.options.queues.createQueue(name, { MessageRetentionPeriod: '300' });
      await this.options.instanceQueues.hold(url); // swept if this instance dies without deleting it
      return url;
    })().catch((e) => {
      this.queueUrl = undefined;
      throw e;
    });
    return this.queueUrl;
  }

  /** Long-poll the reply queue while requests are waiting; stops by itself when none are. */
  private poll(): void {
    if (this.loop || this.closed) return;
    this.abort = new AbortController();
    const signal = this.abort.signal;
    const waiting = () => (this.replies?.size ?? 0) > 0;
    this.loop = (async () => {
      let failures = 0;
      while (!this.closed && waiting()) {
        try {
          const url = await this.ensureQueue();
          const r = await this.options.sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: url,
              MaxNumberOfMessages: 10,
              WaitTimeSeconds: this.options.waitTimeSeconds,
              MessageAttributeNames: [CORRELATION_ID_ATTR],
            }),
            { abortSignal: signal },
          );
          failures = 0;
          for (const m of r.Messages ?? []) {
            this.onReply(m);
            if (m.ReceiptHandle) void this.options.batchers.delete(url, m.ReceiptHandle).catch(() => {});
          }
        } catch (e) {
          if (this.closed) break;
          failures++;
          // Deleted under us: the next round declares it again (requests in flight may time out).
          if (isMissingQueue(e)) this.queueUrl = undefined;
          this.options.log.warn({ err: (e as Error).message }, 'polling the reply queue failed; retrying');
          await sleep(backoff(failures));
        }
      }
    })().finally(() => {
      this.loop = undefined;
      // A request may have come in just as the loop decided to stop.
      if (!this.closed && waiting()) this.poll();
    });
  }

  private onReply(m: Message): void {
    const id = m.MessageAttributes?.[CORRELATION_ID_ATTR]?.StringValue;
    this.replies?.settle(id, m.Body ?? ''); // a late reply to a request that timed out is dropped
  }

  /** Stop polling; `deleteQueue` after the batchers drained (a reply's delete may still be on its way). */
  async stop(): Promise<void> {
    this.closed = true;
    this.abort?.abort();
    await this.loop?.catch(() => {});
  }

  async deleteQueue(): Promise<void> {
    const url = await this.queueUrl?.catch(() => undefined);
    if (url) await this.options.sqs.send(new DeleteQueueCommand({ QueueUrl: url })).catch(() => {});
  }
}
