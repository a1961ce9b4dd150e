// Delivery of matched events to SQS targets through the real AWS SDK, so what arrives in the queue
// went over the same wire as in production (and fauxqs sees an ordinary SendMessage).
//
// Like EventBridge, delivery is decoupled from PutEvents (the caller gets its EventIds at once)
// and retried with backoff. Unlike EventBridge, deliveries to one queue are serialized: order is
// not promised by AWS, but keeping it locally makes tests and the dev stack deterministic.

import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { parseSqsArn } from './rules';

export interface DeliveryJob {
  targetArn: string;
  body: string;
  eventId: string;
  ruleArn: string;
  targetId: string;
  /** Required by FIFO queues; taken from the target's SqsParameters. */
  messageGroupId?: string;
}

export interface DeliveryFailure {
  job: DeliveryJob;
  attempts: number;
  error: string;
}

export interface DeliveryLogger {
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export interface DeliveryOptions {
  /** SQS endpoint, e.g. fauxqs' `server.address`. */
  endpoint: string;
  /** Any credentials work against fauxqs; these only exist so the SDK can sign. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Attempts per message before it is logged as failed and dropped (EventBridge drops too, or DLQs). */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  logger?: DeliveryLogger;
}

export const consoleLogger: DeliveryLogger = {
  warn: (message, meta) => console.warn(`[eventbridge] ${message}`, meta ?? ''),
  error: (message, meta) => console.error(`[eventbridge] ${message}`, meta ?? ''),
};

export class SqsDelivery {
  private readonly clients = new Map<string, SQSClient>();
  private readonly queueUrls = new Map<string, string>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly pending = new Set<Promise<void>>();
  private readonly sleepers = new Set<() => void>();
  private readonly failures: DeliveryFailure[] = [];
  private closed = false;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly logger: DeliveryLogger;

  constructor(private readonly opts: DeliveryOptions) {
    this.maxAttempts = opts.maxAttempts ?? 8;
    this.baseDelayMs = opts.baseDelayMs ?? 50;
    this.maxDelayMs = opts.maxDelayMs ?? 2000;
    this.logger = opts.logger ?? consoleLogger;
  }

  /** Queue a delivery; it never throws, failures end up in the log and in `failed()`. */
  enqueue(job: DeliveryJob): void {
    if (this.closed) {
      this.logger.warn('delivery after close dropped', { eventId: job.eventId, target: job.targetArn });
      return;
    }
    const previous = this.chains.get(job.targetArn) ?? Promise.resolve();
    const next = previous.then(() => this.deliverWithRetry(job));
    this.chains.set(job.targetArn, next);
    this.pending.add(next);
    void next.finally(() => {
      this.pending.delete(next);
      if (this.chains.get(job.targetArn) === next) this.chains.delete(job.targetArn);
    });
  }

  /** Resolves once every delivery queued so far (and any queued meanwhile) succeeded or gave up. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Deliveries that exhausted their attempts, oldest first. */
  failed(): readonly DeliveryFailure[] {
    return this.failures;
  }

  /** Stops retrying (pending retries give up at once), waits for in-flight sends, frees sockets. */
  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.sleepers) wake();
    await this.flush();
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }

  private async deliverWithRetry(job: DeliveryJob): Promise<void> {
    let lastError = '';
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      try {
        await this.send(job);
        return;
      } catch (err) {
        lastError = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        // The queue may have been deleted and recreated (new URL), so look it up again next time.
        this.queueUrls.delete(job.targetArn);
        if (this.closed || attempt === this.maxAttempts) {
          this.recordFailure(job, attempt, lastError);
          return;
        }
        const delay = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
        // Full jitter avoids retry storms when a whole batch failed together.
        const wait = Math.round(delay / 2 + Math.random() * (delay / 2));
        this.logger.warn('SQS delivery failed, retrying', {
          eventId: job.eventId,
          target: job.targetArn,
          attempt,
          retryInMs: wait,
          error: lastError,
        });
        await this.sleep(wait);
      }
    }
  }

  private recordFailure(job: DeliveryJob, attempts: number, error: string): void {
    this.failures.push({ job, attempts, error });
    this.logger.error('SQS delivery failed permanently, event dropped', {
      eventId: job.eventId,
      rule: job.ruleArn,
      target: job.targetArn,
      attempts,
      error,
    });
  }

  private async send(job: DeliveryJob): Promise<void> {
    const arn = parseSqsArn(job.targetArn);
    if (!arn) throw new Error(`not an SQS queue ARN: ${job.targetArn}`);
    const client = this.client(arn.region);
    let url = this.queueUrls.get(job.targetArn);
    if (!url) {
      const out = await client.send(
        new GetQueueUrlCommand({ QueueName: arn.queueName, QueueOwnerAWSAccountId: arn.accountId }),
      );
      if (!out.QueueUrl) throw new Error(`GetQueueUrl returned no URL for ${job.targetArn}`);
      url = out.QueueUrl;
      this.queueUrls.set(job.targetArn, url);
    }
    const fifo = arn.queueName.endsWith('.fifo');
    await client.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: job.body,
        MessageGroupId: fifo ? job.messageGroupId : undefined,
        // The event id makes a retried send idempotent on FIFO queues, as EventBridge does.
        MessageDeduplicationId: fifo ? `${job.eventId}-${job.targetId}` : undefined,
      }),
    );
  }

  private client(region: string): SQSClient {
    let client = this.clients.get(region);
    if (!client) {
      client = new SQSClient({
        region,
        endpoint: this.opts.endpoint,
        credentials: this.opts.credentials ?? { accessKeyId: 'test', secretAccessKey: 'test' },
        // Retries are ours (with logging and flush() awareness), not the SDK's.
        maxAttempts: 1,
      });
      this.clients.set(region, client);
    }
    return client;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }
}
