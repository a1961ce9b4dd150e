import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from './logger';

export interface EventQueueOptions {
  client: SQSClient;
  queueUrl: string;
  /** Long-poll wait (SQS allows 0-20 s). */
  waitSeconds: number;
  logger: Logger;
  /** 'done' (applied, ignored, stale, unreadable) deletes the message; a throw leaves it to SQS. */
  handle: (body: string) => Promise<unknown>;
}

/**
 * Reads IVS EventBridge events from the SQS queue that the EventBridge rule targets (real
 * @aws-sdk/client-sqs, long polling). A message is deleted once handled; when the handler throws
 * (store or bus trouble) it is left alone, and SQS hands it out again after its visibility
 * timeout. Nothing a message contains can stop the loop.
 */
export class SqsEventQueue {
  private running = false;
  private loop?: Promise<void>;
  private abort?: AbortController;

  constructor(private readonly options: EventQueueOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort?.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.abort = new AbortController();
      try {
        const out = await this.options.client.send(
          new ReceiveMessageCommand({
            QueueUrl: this.options.queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: this.options.waitSeconds,
          }),
          { abortSignal: this.abort.signal },
        );
        for (const m of out.Messages ?? []) {
          try {
            await this.options.handle(m.Body ?? '');
          } catch (err) {
            this.options.logger.warn(
              { err, messageId: m.MessageId },
              'IVS event not handled; SQS will redeliver it',
            );
            continue;
          }
          await this.options.client
            .send(
              new DeleteMessageCommand({ QueueUrl: this.options.queueUrl, ReceiptHandle: m.ReceiptHandle }),
            )
            .catch((err) => this.options.logger.warn({ err }, 'could not delete a handled IVS event'));
        }
      } catch (err) {
        if (!this.running) return;
        this.options.logger.warn({ err }, 'receiving IVS events failed; retrying shortly');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }
}
