import { createHash, randomUUID } from 'node:crypto';
import {
  CreateEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  type Message,
  type MessageAttributeValue,
  type QueueAttributeName,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Envelope } from '@onair/contracts';
import { AppError } from '../errors';
import { type Logger, silentLogger } from '../logger';
import { PendingReplies } from './pending-replies';
import { Dispatcher, type Outcome } from './dispatch';
import { outgoingJson, replyToResult, resolveTarget } from './routing';
import { InstanceQueueLeases } from './instance-queues';
import { Batcher, type EntryResult } from './sqs-batch';
import { toWireJson, wireSafe } from './wire';
import {
  type Bus,
  type BusOptions,
  type ConsumeOptions,
  type Consumer,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_RETRY_DELAYS_MS,
  type MessageHandler,
  type RequestOptions,
  type SendOptions,
} from './types';

export interface SqsBusClients {
  sqs: SQSClient;
  eventBridge: EventBridgeClient;
}

export interface SqsBusOptions extends BusOptions {
  /** The EventBridge bus events go through. Default: the namespace (created if missing). */
  eventBusName?: string;
  /** With accountId, lets queue ARNs be built instead of asked for (one call less per queue). */
  region?: string;
  accountId?: string;
  /** Long-poll wait of every receive, in seconds (0–20). Default 1, so close() is prompt. */
  waitTimeSeconds?: number;
}

/** Message attributes of a request (on the command) and of its reply. */
export const REPLY_TO_ATTR = 'replyTo';
export const CORRELATION_ID_ATTR = 'correlationId';
/**
 * When a request's requester stops waiting (epoch ms). A request still queued after it is
 * dropped unhandled: nobody reads its reply, and after an outage a backlog of such requests
 * (clients resending meanwhile) would keep every fresh request waiting behind it.
 */
export const EXPIRES_AT_ATTR = 'expiresAt';
/** Message attributes a dead letter carries (the DLQ's readers use these names). */
export const DLQ_ATTRS = {
  reason: 'onair.reason',
  error: 'onair.error',
  attempts: 'onair.attempts',
  failedAt: 'onair.failed-at',
  /** When its first attempt was received (the first of its failures began). */
  firstFailedAt: 'onair.first-failed-at',
  queue: 'onair.queue',
} as const;

const TYPE_ATTR = 'onair.type';
/** How long a received message stays invisible; a heartbeat extends it while its handler runs. */
const VISIBILITY_TIMEOUT_S = 30;
const HEARTBEAT_MS = 10_000;
/** How long a send keeps being retried (SQS or EventBridge unreachable) before failing. */
const PUBLISH_TIMEOUT_MS = 30_000;
const DLQ_RETENTION_S = 14 * 24 * 3600;
const MAX_QUEUE_NAME = 80;
const MAX_RULE_NAME = 64;
const MAX_BATCH_BYTES = 256 * 1024;

/**
 * The names and settings of the SQS + EventBridge topology, in one place: the bus below uses them
 * at run time and the AWS deployment (deploy/aws) creates the same queues and rules from them.
 */
export const sqsNames = {
  /** `<ns>-<who>-<kind>`, legal for SQS and short enough that `-dlq` still fits. */
  queue: (namespace: string, who: string, kind: 'commands' | 'events') =>
    fitName(`${namespace}-${who}-${kind}`, MAX_QUEUE_NAME - 4),
  dlq: (queueName: string) => `${queueName}-dlq`,
  rule: (namespace: string, subscriber: string) => fitName(`${namespace}-${subscriber}`, MAX_RULE_NAME),
  ruleDescription: (subscriber: string, patterns: string[]) =>
    `onair: ${subscriber} <- ${patterns.join(', ')}`.slice(0, 512),
  replyQueue: (namespace: string, instanceId: string) =>
    fitName(`${namespace}-reply-${instanceId}`, MAX_QUEUE_NAME),
  /** The single target id of every subscriber rule. */
  ruleTargetId: 'sqs',
} as const;

export const sqsQueueSettings = {
  visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_S,
  dlqRetentionSeconds: DLQ_RETENTION_S,
  /** A consumer that crashes mid-handler still gets its message dead-lettered after this many receives. */
  maxReceiveCount: (maxAttempts: number) => maxAttempts + 5,
} as const;

/**
 * The bus on AWS: SQS for commands, EventBridge for events.
 *
 * Topology (every name prefixed with the namespace, characters outside [A-Za-z0-9_-] made `_`):
 *   <ns>-<target>-commands         SQS queue per command target; send() goes straight to it
 *   <ns>-<subscriber>-events       SQS queue per subscriber, the single target of the rule
 *   rule <ns>-<subscriber> on the EventBridge bus <ns>: detail-type matches the subscribed types
 *   <queue>-dlq                    failed maxAttempts times or failed the schema, with the error
 *                                  in message attributes; also the queue's RedrivePolicy target
 *                                  (maxReceiveCount = maxAttempts + 5) for a consumer that crashes
 *   <ns>-reply-<instanceId>        replies to this instance's requests; deleted on close()
 *
 * Retries need no extra queues: a failing message's visibility is set to the backoff delay, so it
 * comes back by itself with ApproximateReceiveCount (the attempt number) one higher. Queues,
 * rules and the event bus are created when first needed; every step is idempotent.
 */
export class SqsBus implements Bus {
  readonly instanceId: string;
  private readonly sqs: SQSClient;
  private readonly eb: EventBridgeClient;
  private readonly log: Logger;
  private readonly retryDelays: number[];
  private readonly maxAttempts: number;
  private readonly waitTimeSeconds: number;
  private readonly eventBusName: string;
  private readonly queues = new Map<string, Promise<QueueInfo>>();
  private readonly consumers = new Set<SqsConsumer>();
  private readonly pending = new PendingReplies();
  private readonly sendBatcher: Batcher<SendMessageBatchRequestEntry>;
  private readonly eventBatcher: Batcher<PutEventsRequestEntry>;
  private readonly deleteBatcher: Batcher<string>;
  /** Expiry tags on this instance's per-instance queues, and the sweep of others' expired ones. */
  private readonly instanceQueues: InstanceQueueLeases;
  private replyQueue?: Promise<QueueInfo>;
  private replyLoop?: Promise<void>;
  private replyAbort?: AbortController;
  private busReady?: Promise<void>;
  private closed = false;

  constructor(
    clients: SqsBusClients,
    private readonly o: SqsBusOptions,
  ) {
    this.sqs = clients.sqs;
    this.eb = clients.eventBridge;
    this.instanceId = o.instanceId ?? randomUUID().slice(0, 8);
    this.log = (o.logger ?? silentLogger).child({ component: 'bus', transport: 'sqs' });
    this.retryDelays = o.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.maxAttempts = o.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.waitTimeSeconds = Math.max(0, Math.min(20, o.waitTimeSeconds ?? 1));
    this.eventBusName = o.eventBusName ?? o.namespace;
    this.instanceQueues = new InstanceQueueLeases({
      sqs: this.sqs,
      eventBridge: this.eb,
      namespace: o.namespace,
      eventBusName: this.eventBusName,
      instanceId: this.instanceId,
      expiryMs: o.instanceQueueExpiryMs,
      sweepEveryMs: o.sweepIntervalMs,
      log: this.log,
    });

    const common = {
      maxBytes: MAX_BATCH_BYTES,
      retryForMs: PUBLISH_TIMEOUT_MS,
      isRetryable: isTransient,
      onRetry: (key: string, tries: number, err: Error) =>
        this.log.debug({ key, tries, err: err.message }, 'batch entry failed; retrying'),
    };
    this.sendBatcher = new Batcher<SendMessageBatchRequestEntry>({
      ...common,
      sizeOf: (e) => Buffer.byteLength(e.MessageBody ?? '') + attributesSize(e.MessageAttributes),
      flush: (queueUrl, entries) => this.sendBatch(queueUrl, entries),
    });
    this.eventBatcher = new Batcher<PutEventsRequestEntry>({
      ...common,
      sizeOf: (e) =>
        Buffer.byteLength(e.Detail ?? '') +
        Buffer.byteLength(e.DetailType ?? '') +
        Buffer.byteLength(e.Source ?? ''),
      flush: (_bus, entries) => this.putEvents(entries),
    });
    this.deleteBatcher = new Batcher<string>({
      ...common,
      flush: (queueUrl, handles) => this.deleteBatch(queueUrl, handles),
    });
  }

  // --- naming ---------------------------------------------------------------------------------

  /** `<ns>-<who>-<kind>`, legal for SQS and short enough that `-dlq` still fits. */
  queueName(who: string, kind: 'commands' | 'events'): string {
    return sqsNames.queue(this.o.namespace, who, kind);
  }

  ruleName(subscriber: string): string {
    return sqsNames.rule(this.o.namespace, subscriber);
  }

  private replyQueueName(): string {
    return sqsNames.replyQueue(this.o.namespace, this.instanceId);
  }

  // --- lifecycle ------------------------------------------------------------------------------

  async start(): Promise<void> {
    await this.ensureEventBus();
    this.instanceQueues.start();
  }

  private ensureEventBus(): Promise<void> {
    if (this.eventBusName === 'default') return Promise.resolve();
    this.busReady ??= (async () => {
      try {
        await this.eb.send(new DescribeEventBusCommand({ Name: this.eventBusName }));
        return;
      } catch (e) {
        if (!/ResourceNotFound/.test(errorName(e))) throw e;
      }
      try {
        await this.eb.send(new CreateEventBusCommand({ Name: this.eventBusName }));
        this.log.info({ eventBus: this.eventBusName }, 'event bus created');
      } catch (e) {
        if (!/ResourceAlreadyExists/.test(errorName(e))) throw e;
      }
    })().catch((e) => {
      this.busReady = undefined;
      throw e;
    });
    return this.busReady;
  }

  // --- queues ---------------------------------------------------------------------------------

  /** A queue and its DLQ (with the redrive policy), created if missing. Cached per name. */
  private ensureQueue(name: string): Promise<QueueInfo> {
    let q = this.queues.get(name);
    if (!q) {
      q = (async () => {
        const dlqUrl = await this.createQueue(sqsNames.dlq(name), {
          MessageRetentionPeriod: String(DLQ_RETENTION_S),
        });
        const dlqArn = await this.queueArn(sqsNames.dlq(name), dlqUrl);
        const url = await this.createQueue(name, {
          VisibilityTimeout: String(VISIBILITY_TIMEOUT_S),
          RedrivePolicy: this.redrivePolicy(dlqArn),
        });
        return { name, url, dlqUrl, dlqArn };
      })();
      this.queues.set(name, q);
      q.catch(() => this.queues.delete(name));
    }
    return q;
  }

  private redrivePolicy(dlqArn: string): string {
    return JSON.stringify({
      deadLetterTargetArn: dlqArn,
      maxReceiveCount: sqsQueueSettings.maxReceiveCount(this.maxAttempts),
    });
  }

  /** CreateQueue, or the existing queue's URL when one with other attributes is already there. */
  private async createQueue(name: string, attributes: Record<string, string>): Promise<string> {
    try {
      const r = await this.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
      if (!r.QueueUrl) throw new Error(`CreateQueue ${name} returned no URL`);
      return r.QueueUrl;
    } catch (e) {
      if (!/QueueNameExists|QueueAlreadyExists/.test(errorName(e))) throw e;
      const r = await this.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
      if (!r.QueueUrl) throw new Error(`GetQueueUrl ${name} returned no URL`);
      return r.QueueUrl;
    }
  }

  private async queueArn(name: string, url: string): Promise<string> {
    if (this.o.region && this.o.accountId) return `arn:aws:sqs:${this.o.region}:${this.o.accountId}:${name}`;
    const r = await this.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    const arn = r.Attributes?.QueueArn;
    if (!arn) throw new Error(`no ARN for queue ${name}`);
    return arn;
  }

  /** Forget a cached queue whose URL turned out to be gone (deleted by someone), to re-create it. */
  private forgetQueue(name: string, err: unknown): boolean {
    if (!isMissingQueue(err)) return false;
    this.queues.delete(name);
    return true;
  }

  // --- producing ------------------------------------------------------------------------------

  async send(cmd: Envelope, opts: SendOptions = {}): Promise<void> {
    const target = resolveTarget(this.o.registry, cmd, opts.to);
    const body = outgoingJson(this.o.registry, cmd, 'command');
    const t0 = process.hrtime.bigint();
    await this.sendCommand(target, cmd, body, {}, opts.timeoutMs);
    this.observePublish(cmd, 'command', t0);
  }

  private async sendCommand(
    target: string,
    cmd: Envelope,
    body: string,
    attrs: Record<string, MessageAttributeValue> = {},
    timeoutMs?: number,
  ): Promise<void> {
    if (this.closed) throw new AppError('BUS_CLOSED', 503, 'The bus is closed');
    const name = this.queueName(target, 'commands');
    const entry = { Id: '', MessageBody: body, MessageAttributes: { [TYPE_ATTR]: str(cmd.type), ...attrs } };
    for (let tries = 1; ; tries++) {
      const q = await this.ensureQueue(name);
      try {
        await this.sendBatcher.add(q.url, entry, timeoutMs);
        return;
      } catch (e) {
        // Someone deleted the queue since we looked it up: create it again, once.
        if (!this.forgetQueue(name, e) || tries > 1) throw e;
      }
    }
  }

  async publish(evt: Envelope): Promise<void> {
    const body = outgoingJson(this.o.registry, evt, 'event');
    if (this.closed) throw new AppError('BUS_CLOSED', 503, 'The bus is closed');
    const t0 = process.hrtime.bigint();
    await this.ensureEventBus();
    await this.eventBatcher.add(this.eventBusName, {
      EventBusName: this.eventBusName,
      Source: evt.source,
      DetailType: evt.type,
      Detail: body,
    });
    this.observePublish(evt, 'event', t0);
  }

  private observePublish(env: Envelope, kind: string, t0: bigint): void {
    this.o.metrics?.busPublished.inc({ type: env.type, kind });
    this.o.metrics?.busPublishDuration.observe({ kind }, Number(process.hrtime.bigint() - t0) / 1e9);
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

  /** Delete a received message (batched with the other acks of the same queue). */
  deleteMessage(queueUrl: string, receiptHandle: string): Promise<void> {
    return this.deleteBatcher.add(queueUrl, receiptHandle);
  }

  /** Send one message (a reply, a dead letter); it shares a batch call with others to that queue. */
  async sendNow(queueUrl: string, body: string, attrs: Record<string, MessageAttributeValue>): Promise<void> {
    await this.sendBatcher.add(queueUrl, { Id: '', MessageBody: body, MessageAttributes: attrs });
  }

  // --- request / reply ------------------------------------------------------------------------

  async request(cmd: Envelope, opts: RequestOptions = {}): Promise<Envelope> {
    const target = resolveTarget(this.o.registry, cmd, opts.to);
    const body = outgoingJson(this.o.registry, cmd, 'command');
    const timeoutMs = opts.timeoutMs ?? this.o.requestTimeoutMs ?? 10_000;
    const correlationId = randomUUID();
    const reply = this.pending.wait(correlationId, cmd.type, timeoutMs);
    try {
      const rq = await this.ensureReplyQueue();
      this.pollReplies();
      await this.sendCommand(target, cmd, body, {
        [REPLY_TO_ATTR]: str(rq.url),
        [CORRELATION_ID_ATTR]: str(correlationId),
        [EXPIRES_AT_ATTR]: str(String(Date.now() + timeoutMs)),
      });
      this.o.metrics?.busPublished.inc({ type: cmd.type, kind: 'request' });
    } catch (e) {
      this.pending.fail(correlationId, e as Error);
    }
    return replyToResult(await reply);
  }

  private ensureReplyQueue(): Promise<QueueInfo> {
    if (this.closed) return Promise.reject(new AppError('BUS_CLOSED', 503, 'The bus is closed'));
    this.replyQueue ??= (async () => {
      const name = this.replyQueueName();
      // Replies nobody waits for any more (a timed-out request) expire on their own.
      const url = await this.createQueue(name, { MessageRetentionPeriod: '300' });
      await this.instanceQueues.hold(url); // swept if this instance dies without deleting it
      return { name, url, dlqUrl: '', dlqArn: '' };
    })().catch((e) => {
      this.replyQueue = undefined;
      throw e;
    });
    return this.replyQueue;
  }

  /** Long-poll the reply queue while requests are waiting; stops by itself when none are. */
  private pollReplies(): void {
    if (this.replyLoop || this.closed) return;
    this.replyAbort = new AbortController();
    const signal = this.replyAbort.signal;
    this.replyLoop = (async () => {
      let failures = 0;
      while (!this.closed && this.pending.size > 0) {
        try {
          const rq = await this.ensureReplyQueue();
          const r = await this.sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: rq.url,
              MaxNumberOfMessages: 10,
              WaitTimeSeconds: this.waitTimeSeconds,
              MessageAttributeNames: [CORRELATION_ID_ATTR],
            }),
            { abortSignal: signal },
          );
          failures = 0;
          for (const m of r.Messages ?? []) {
            this.onReply(m);
            if (m.ReceiptHandle) void this.deleteMessage(rq.url, m.ReceiptHandle).catch(() => {});
          }
        } catch (e) {
          if (this.closed) break;
          failures++;
          // Deleted under us: the next round declares it again (requests in flight may time out).
          if (isMissingQueue(e)) this.replyQueue = undefined;
          this.log.warn({ err: (e as Error).message }, 'polling the reply queue failed; retrying');
          await sleep(backoff(failures));
        }
      }
    })().finally(() => {
      this.replyLoop = undefined;
      // A request may have come in just as the loop decided to stop.
      if (!this.closed && this.pending.size > 0) this.pollReplies();
    });
  }

  private onReply(m: Message): void {
    const id = m.MessageAttributes?.[CORRELATION_ID_ATTR]?.StringValue;
    this.pending.settle(id, m.Body ?? ''); // a late reply to a request that timed out is dropped
  }

  // --- consuming ------------------------------------------------------------------------------

  async consumeCommands(
    target: string,
    handler: MessageHandler,
    opts: ConsumeOptions = {},
  ): Promise<Consumer> {
    const name = this.queueName(target, 'commands');
    return this.addConsumer(
      name,
      false,
      handler,
      opts,
      async () => {
        const q = await this.ensureQueue(name);
        // The consumer's settings win over those of a sender that created the queue first.
        await this.sqs.send(
          new SetQueueAttributesCommand({
            QueueUrl: q.url,
            Attributes: { RedrivePolicy: this.redrivePolicy(q.dlqArn) },
          }),
        );
        if (opts.ephemeral) await this.holdInstanceQueue(q);
        return q;
      },
      async (q) => {
        if (opts.ephemeral) await this.deleteQueue(q);
      },
    );
  }

  async subscribe(
    subscriber: string,
    patterns: string[],
    handler: MessageHandler,
    opts: ConsumeOptions = {},
  ): Promise<Consumer> {
    const name = this.queueName(subscriber, 'events');
    const ruleName = this.ruleName(subscriber);
    const setup = async (): Promise<QueueInfo> => {
      await this.ensureEventBus();
      const q = await this.ensureQueue(name);
      const rule = await this.eb.send(
        new PutRuleCommand({
          Name: ruleName,
          EventBusName: this.eventBusName,
          EventPattern: JSON.stringify(eventPattern(patterns)),
          State: 'ENABLED',
          Description: sqsNames.ruleDescription(subscriber, patterns),
        }),
      );
      const queueArn = await this.queueArn(name, q.url);
      // EventBridge may write to the queue only on behalf of this rule.
      await this.sqs.send(
        new SetQueueAttributesCommand({
          QueueUrl: q.url,
          Attributes: {
            Policy: JSON.stringify(eventQueuePolicy(queueArn, rule.RuleArn)),
            RedrivePolicy: this.redrivePolicy(q.dlqArn),
          },
        }),
      );
      const t = await this.eb.send(
        new PutTargetsCommand({
          Rule: ruleName,
          EventBusName: this.eventBusName,
          Targets: [{ Id: sqsNames.ruleTargetId, Arn: queueArn }],
        }),
      );
      if (t.FailedEntryCount) {
        const f = t.FailedEntries?.[0];
        throw new AppError(
          'BUS_SETUP_FAILED',
          500,
          `PutTargets on ${ruleName}: ${f?.ErrorCode}: ${f?.ErrorMessage}`,
        );
      }
      if (opts.ephemeral) await this.holdInstanceQueue(q, ruleName);
      return q;
    };
    return this.addConsumer(name, true, handler, opts, setup, async (q) => {
      if (!opts.ephemeral) return;
      await this.eb
        .send(
          new RemoveTargetsCommand({
            Rule: ruleName,
            EventBusName: this.eventBusName,
            Ids: [sqsNames.ruleTargetId],
          }),
        )
        .catch(() => {});
      await this.eb
        .send(new DeleteRuleCommand({ Name: ruleName, EventBusName: this.eventBusName }))
        .catch(() => {});
      await this.deleteQueue(q);
    });
  }

  /** A per-instance queue and its DLQ get an expiry this instance renews (instance-queues.ts). */
  private async holdInstanceQueue(q: QueueInfo, rule?: string): Promise<void> {
    await this.instanceQueues.hold(q.url, { rule });
    await this.instanceQueues.hold(q.dlqUrl);
  }

  /** Only per-instance queues are deleted; their DLQ is left to expire (and be swept) after them. */
  private async deleteQueue(q: QueueInfo): Promise<void> {
    this.instanceQueues.release(q.url);
    this.instanceQueues.release(q.dlqUrl);
    this.queues.delete(q.name);
    await this.sqs.send(new DeleteQueueCommand({ QueueUrl: q.url })).catch(() => {});
  }

  /** `setup` declares the queue (and rule); it runs again if the queue vanishes under the consumer. */
  private async addConsumer(
    name: string,
    events: boolean,
    handler: MessageHandler,
    opts: ConsumeOptions,
    setup: () => Promise<QueueInfo>,
    onStopped: (q: QueueInfo) => Promise<void>,
  ): Promise<Consumer> {
    if (this.closed) throw new AppError('BUS_CLOSED', 503, 'The bus is closed');
    const q = await setup();
    const log = this.log.child({ queue: name });
    const dispatcher = new Dispatcher({
      queue: name,
      service: this.o.service,
      registry: this.o.registry,
      handler,
      logger: log,
      metrics: this.o.metrics,
      maxAttempts: this.maxAttempts,
      retryDelaysMs: this.retryDelays,
    });
    const consumer = new SqsConsumer({
      bus: this,
      sqs: this.sqs,
      queue: q,
      setup: () => {
        this.queues.delete(name); // the cached URL is what failed
        return setup();
      },
      events,
      dispatcher,
      concurrency: Math.max(1, opts.concurrency ?? 16),
      waitTimeSeconds: this.waitTimeSeconds,
      log,
      onStopped: async (c, last) => {
        this.consumers.delete(c);
        await onStopped(last);
      },
    });
    this.consumers.add(consumer);
    consumer.start();
    return consumer;
  }

  async isReady(): Promise<boolean> {
    try {
      await this.sqs.send(new ListQueuesCommand({ QueueNamePrefix: this.o.namespace, MaxResults: 1 }), {
        abortSignal: AbortSignal.timeout(2000),
      });
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.consumers].map((c) => c.stop()));
    this.closed = true;
    await this.instanceQueues.stop();
    this.pending.failAll(new AppError('BUS_CLOSED', 503, 'The bus closed before a reply came'));
    this.replyAbort?.abort();
    await this.replyLoop?.catch(() => {});
    await Promise.all([this.sendBatcher.drain(), this.eventBatcher.drain(), this.deleteBatcher.drain()]);
    const rq = await this.replyQueue?.catch(() => undefined);
    if (rq) await this.sqs.send(new DeleteQueueCommand({ QueueUrl: rq.url })).catch(() => {});
  }
}

interface QueueInfo {
  name: string;
  url: string;
  dlqUrl: string;
  dlqArn: string;
}

interface ConsumerConfig {
  bus: SqsBus;
  sqs: SQSClient;
  queue: QueueInfo;
  /** Declares the queue again (it was deleted under the consumer). */
  setup: () => Promise<QueueInfo>;
  /** Subscriber queues hold EventBridge envelopes: the message is their `detail`. */
  events: boolean;
  dispatcher: Dispatcher;
  concurrency: number;
  waitTimeSeconds: number;
  log: Logger;
  onStopped: (c: SqsConsumer, queue: QueueInfo) => Promise<void>;
}

/** One queue's long-polling loop; keeps up to `concurrency` messages in the handler. */
class SqsConsumer implements Consumer {
  private inFlight = 0;
  private slotWaiters: Array<() => void> = [];
  private idleWaiters: Array<() => void> = [];
  private loop?: Promise<void>;
  private stopped = false;
  /** Envelope ids in the handler now: a copy of one (a duplicate send) waits for it to finish. */
  private readonly active = new Map<string, Promise<unknown>>();
  private queue: QueueInfo;

  constructor(private readonly c: ConsumerConfig) {
    this.queue = c.queue;
  }

  start(): void {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    const { sqs, log } = this.c;
    let failures = 0;
    while (!this.stopped) {
      const queue = this.queue;
      const free = this.c.concurrency - this.inFlight;
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
            WaitTimeSeconds: this.c.waitTimeSeconds,
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
            this.queue = await this.c.setup();
            log.warn('the queue was gone; declared it again');
          } catch (err) {
            log.warn({ err: (err as Error).message }, 'could not declare the queue again; retrying');
          }
        }
        continue;
      }
      if (this.stopped) {
        // Stopped during the long poll: hand these straight back to the other consumers.
        await this.release(messages);
        break;
      }
      for (const m of messages) {
        this.inFlight++;
        void this.onMessage(m, queue);
      }
    }
  }

  private async release(messages: Message[]): Promise<void> {
    if (messages.length === 0) return;
    await this.c.sqs
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
    const { sqs, log } = this.c;
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
    try {
      const expiresAt = Number(m.MessageAttributes?.[EXPIRES_AT_ATTR]?.StringValue);
      if (Number.isFinite(expiresAt) && Date.now() > expiresAt) {
        log.debug(
          { type: m.MessageAttributes?.[TYPE_ATTR]?.StringValue },
          'request expired unanswered; dropped',
        );
        if (m.ReceiptHandle) await this.c.bus.deleteMessage(queue.url, m.ReceiptHandle);
        return;
      }
      const attempt = Math.max(1, Number(m.Attributes?.ApproximateReceiveCount ?? 1) || 1);
      const body = this.c.events ? unwrapEventBridge(m.Body ?? '') : (m.Body ?? '');
      const outcome = await this.dispatchOnce(body, attempt);
      clearInterval(heartbeat);
      await this.settle(m, queue, attempt, outcome);
    } catch (err) {
      // Only SQS trouble lands here (the dispatcher never throws). The message was not deleted:
      // it comes back when its visibility timeout ends.
      log.warn({ err: (err as Error).message }, 'could not settle a message; it will be redelivered');
    } finally {
      clearInterval(heartbeat);
      this.inFlight--;
      for (const w of this.slotWaiters.splice(0)) w();
      if (this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /**
   * The dispatcher skips ids it has seen once their handler finished; two copies received
   * together would both run. Copies of an id in the handler wait for it, then count as seen.
   */
  private async dispatchOnce(body: string, attempt: number): Promise<Outcome> {
    const id = envelopeId(body);
    if (id === undefined) return this.c.dispatcher.handle(body, attempt);
    const before = this.active.get(id);
    const run = (async () => {
      if (before) await before.catch(() => {});
      return this.c.dispatcher.handle(body, attempt);
    })();
    this.active.set(id, run);
    try {
      return await run;
    } finally {
      if (this.active.get(id) === run) this.active.delete(id);
    }
  }

  /** Carry out the outcome. Copies are sent before the original is deleted: nothing is lost. */
  private async settle(m: Message, queue: QueueInfo, attempt: number, o: Outcome): Promise<void> {
    const { bus, sqs, log } = this.c;
    const attrs = m.MessageAttributes ?? {};
    const replyTo = attrs[REPLY_TO_ATTR]?.StringValue;
    if ('reply' in o && o.reply && replyTo) {
      try {
        await bus.sendNow(replyTo, toWireJson(o.reply), {
          [CORRELATION_ID_ATTR]: str(attrs[CORRELATION_ID_ATTR]?.StringValue ?? ''),
        });
      } catch (e) {
        // The requester is gone (its reply queue with it): nobody to answer, carry on.
        if (!isMissingQueue(e)) throw e;
        log.debug({ replyTo }, 'reply queue is gone; reply dropped');
      }
    }
    if (o.kind === 'retry') {
      await sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queue.url,
          ReceiptHandle: m.ReceiptHandle,
          VisibilityTimeout: Math.min(43_200, Math.max(1, Math.ceil(o.delayMs / 1000))),
        }),
      );
      return;
    }
    if (o.kind === 'dead-letter') {
      const keep = Object.fromEntries(
        Object.entries(attrs).filter(
          ([k]) => k === REPLY_TO_ATTR || k === CORRELATION_ID_ATTR || k === TYPE_ATTR,
        ),
      );
      await bus.sendNow(queue.dlqUrl, m.Body ?? '', {
        ...keep,
        [DLQ_ATTRS.reason]: str(o.reason),
        // Free text that may quote the message (emoji and all): made legal for SQS attributes.
        [DLQ_ATTRS.error]: str(wireSafe(o.error.slice(0, 4000)) || 'unknown error'),
        [DLQ_ATTRS.attempts]: { DataType: 'Number', StringValue: String(attempt) },
        [DLQ_ATTRS.failedAt]: str(new Date().toISOString()),
        [DLQ_ATTRS.firstFailedAt]: str(
          new Date(Number(m.Attributes?.ApproximateFirstReceiveTimestamp) || Date.now()).toISOString(),
        ),
        [DLQ_ATTRS.queue]: str(queue.name),
      });
    }
    if (m.ReceiptHandle) await bus.deleteMessage(queue.url, m.ReceiptHandle);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const w of this.slotWaiters.splice(0)) w();
    await this.loop;
    if (this.inFlight > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
    await this.c.onStopped(this, this.queue);
  }
}

// --- helpers ------------------------------------------------------------------------------------

/** Legal SQS / rule name of at most `max` characters; a long one keeps a hash of the whole. */
export function fitName(name: string, max: number): string {
  const clean = name.replace(/[^A-Za-z0-9_-]/g, '_');
  if (clean.length <= max) return clean;
  const hash = createHash('sha1').update(name).digest('hex').slice(0, 8);
  return `${clean.slice(0, max - 9)}-${hash}`;
}

/** EventBridge pattern on `detail-type` for bus patterns: exact types, or `prefix.#`. */
export function eventPattern(patterns: string[]): Record<string, unknown> {
  if (patterns.length === 0)
    throw new AppError('BUS_NO_PATTERNS', 500, 'subscribe needs at least one pattern');
  if (patterns.includes('#')) return { 'detail-type': [{ exists: true }] };
  const matchers = patterns.map((p) => (p.endsWith('.#') ? { prefix: p.slice(0, -1) } : p));
  return { 'detail-type': matchers };
}

/** The policy of a subscriber queue: EventBridge may send to it on behalf of its rule only. */
export function eventQueuePolicy(queueArn: string, ruleArn: string | undefined): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'eventbridge-rule',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        ...(ruleArn ? { Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } } } : {}),
      },
    ],
  };
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

function envelopeId(body: string): string | undefined {
  try {
    const v = JSON.parse(body) as { id?: unknown } | null;
    return typeof v?.id === 'string' ? v.id : undefined;
  } catch {
    return undefined;
  }
}

function str(v: string): MessageAttributeValue {
  return { DataType: 'String', StringValue: v };
}

function attributesSize(attrs: Record<string, MessageAttributeValue> | undefined): number {
  let n = 0;
  for (const [k, v] of Object.entries(attrs ?? {}))
    n += Buffer.byteLength(k) + Buffer.byteLength(v.DataType ?? '') + Buffer.byteLength(v.StringValue ?? '');
  return n;
}

function isMissingQueue(e: unknown): boolean {
  return /NonExistentQueue|QueueDoesNotExist/.test(errorName(e));
}

function errorName(e: unknown): string {
  const x = e as { name?: string; Code?: string; code?: string } | undefined;
  return `${x?.name ?? ''} ${x?.Code ?? ''} ${x?.code ?? ''}`;
}

/** Throttling, server faults and lost connections are worth another try; client faults are not. */
function isTransient(e: unknown): boolean {
  const x = e as {
    $retryable?: unknown;
    $fault?: string;
    $metadata?: { httpStatusCode?: number };
    name?: string;
  };
  if (x?.$retryable) return true;
  if (/Throttl|RequestLimitExceeded|TooManyRequests|ServiceUnavailable/i.test(x?.name ?? '')) return true;
  if (x?.$fault === 'server') return true;
  // No HTTP status at all: the request never got an answer (connection refused, reset, timeout).
  return x?.$metadata?.httpStatusCode === undefined && x?.$fault !== 'client';
}

function backoff(failures: number): number {
  return Math.min(5000, 100 * 2 ** Math.min(failures - 1, 6));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
