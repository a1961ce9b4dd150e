import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ListQueuesCommand, type MessageAttributeValue, type SQSClient } from '@aws-sdk/client-sqs';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import { type BusSettings, MessageBus } from '../core';
import { InstanceQueueLeases } from '../instance-queues';
import type {
  Delivery,
  OutgoingMessage,
  QueueOptions,
  QueueSource,
  ReplySink,
  Transport,
  TransportConsumer,
} from '../transport';
import type { BusOptions } from '../types';
import { SqsBatchers } from './batchers';
import { SqsConsumer } from './consumer';
import { QueueLease } from './queue-lease';
import { CORRELATION_ID_ATTR, EXPIRES_AT_ATTR, REPLY_TO_ATTR, sqsNames, str, TYPE_ATTR } from './names';
import { type QueueInfo, SqsQueues } from './queues';
import { ReplyPoller } from './replies';

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

/** The bus on AWS: the bus core (core.ts) over the SQS + EventBridge transport below. */
export class SqsBus extends MessageBus<SqsTransport> {
  constructor(clients: SqsBusClients, o: SqsBusOptions) {
    super(o, 'sqs', (s) => new SqsTransport(clients, { ...o, ...s }));
  }

  /** `<ns>-<who>-<kind>`, legal for SQS and short enough that `-dlq` still fits. */
  queueName(who: string, kind: 'commands' | 'events'): string {
    return sqsNames.queue(this.settings.namespace, who, kind);
  }

  ruleName(subscriber: string): string {
    return sqsNames.rule(this.settings.namespace, subscriber);
  }
}

const closedError = () => new AppError('BUS_CLOSED', 503, 'The bus is closed');

/**
 * The SQS + EventBridge transport: SQS for commands, EventBridge for events.
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
 * rules and the event bus are created when first needed (queues.ts); sends, events and acks go
 * out in batch calls (batchers.ts); replies come through a per-instance queue (replies.ts).
 */
export class SqsTransport implements Transport {
  readonly name = 'sqs';
  private readonly sqs: SQSClient;
  private readonly log: Logger;
  private readonly waitTimeSeconds: number;
  private readonly eventBusName: string;
  private readonly queues: SqsQueues;
  private readonly batchers: SqsBatchers;
  private readonly replies: ReplyPoller;
  /** Expiry tags on this instance's per-instance queues, and the sweep of others' expired ones. */
  private readonly instanceQueues: InstanceQueueLeases;
  private closed = false;

  constructor(
    clients: SqsBusClients,
    private readonly options: SqsBusOptions & BusSettings,
  ) {
    this.sqs = clients.sqs;
    this.log = options.log;
    this.waitTimeSeconds = Math.max(0, Math.min(20, options.waitTimeSeconds ?? 1));
    this.eventBusName = options.eventBusName ?? options.namespace;
    this.instanceQueues = new InstanceQueueLeases({
      sqs: this.sqs,
      eventBridge: clients.eventBridge,
      namespace: options.namespace,
      eventBusName: this.eventBusName,
      instanceId: options.instanceId,
      expiryMs: options.instanceQueueExpiryMs,
      sweepEveryMs: options.sweepIntervalMs,
      log: this.log,
    });
    this.queues = new SqsQueues({
      sqs: this.sqs,
      eventBridge: clients.eventBridge,
      namespace: options.namespace,
      eventBusName: this.eventBusName,
      maxAttempts: options.maxAttempts,
      region: options.region,
      accountId: options.accountId,
      instanceQueues: this.instanceQueues,
      log: this.log,
    });
    this.batchers = new SqsBatchers(this.sqs, clients.eventBridge, this.log);
    this.replies = new ReplyPoller({
      sqs: this.sqs,
      queues: this.queues,
      batchers: this.batchers,
      instanceQueues: this.instanceQueues,
      namespace: options.namespace,
      instanceId: options.instanceId,
      waitTimeSeconds: this.waitTimeSeconds,
      log: this.log,
    });
  }

  async start(replies: ReplySink): Promise<void> {
    this.replies.start(replies);
    await this.queues.ensureEventBus();
    this.instanceQueues.start();
  }

  sendCommand(target: string, msg: OutgoingMessage, timeoutMs: number): Promise<void> {
    return this.putCommand(target, msg, {}, timeoutMs);
  }

  async publishEvent(msg: OutgoingMessage, timeoutMs: number): Promise<void> {
    if (this.closed) throw closedError();
    await this.queues.ensureEventBus();
    await this.batchers.putEvent(
      this.eventBusName,
      { EventBusName: this.eventBusName, Source: msg.source, DetailType: msg.type, Detail: msg.body },
      timeoutMs,
    );
  }

  /**
   * The request carries its expiry (the consumer drops it unhandled once passed); its send is
   * retried as long as any send, however short the request: the reply wait answers the caller.
   */
  async sendRequest(
    target: string,
    msg: OutgoingMessage,
    correlationId: string,
    timeoutMs: number,
  ): Promise<void> {
    const replyTo = await this.replies.address();
    await this.putCommand(target, msg, {
      [REPLY_TO_ATTR]: str(replyTo),
      [CORRELATION_ID_ATTR]: str(correlationId),
      [EXPIRES_AT_ATTR]: str(String(Date.now() + timeoutMs)),
    });
  }

  private async putCommand(
    target: string,
    msg: OutgoingMessage,
    attrs: Record<string, MessageAttributeValue>,
    timeoutMs?: number,
  ): Promise<void> {
    if (this.closed) throw closedError();
    const name = sqsNames.queue(this.options.namespace, target, 'commands');
    for (let tries = 1; ; tries++) {
      const q = await this.queues.ensureQueue(name);
      try {
        await this.batchers.send(q.url, msg.body, { [TYPE_ATTR]: str(msg.type), ...attrs }, timeoutMs);
        return;
      } catch (e) {
        // Someone deleted the queue since we looked it up: create it again, once.
        if (!this.queues.forgetQueue(name, e) || tries > 1) throw e;
      }
    }
  }

  queueName(source: QueueSource): string {
    return source.kind === 'commands'
      ? sqsNames.queue(this.options.namespace, source.target, 'commands')
      : sqsNames.queue(this.options.namespace, source.subscriber, 'events');
  }

  async consume(
    source: QueueSource,
    opts: QueueOptions,
    deliver: (d: Delivery) => Promise<void>,
  ): Promise<TransportConsumer> {
    if (this.closed) throw closedError();
    const name = this.queueName(source);
    // SQS has competing consumers only: a single-active queue is read by the holder of its lease.
    const leases = this.options.queueLeases;
    if (opts.singleActive && !leases)
      this.log.warn(
        { queue: name },
        'a single-active queue without a lease table (queueLeases): instances compete',
      );
    const declare = (): Promise<QueueInfo> =>
      source.kind === 'commands'
        ? this.queues.declareCommandQueue(name, opts.ephemeral)
        : this.queues.declareEventQueue(name, source.subscriber, source.patterns, opts.ephemeral);
    const queue = await declare();
    const consumer = new SqsConsumer({
      sqs: this.sqs,
      batchers: this.batchers,
      queue,
      redeclare: () => {
        this.queues.forgetQueue(name); // the cached URL is what failed
        return declare();
      },
      events: source.kind === 'events',
      deliver,
      concurrency: opts.concurrency,
      waitTimeSeconds: this.waitTimeSeconds,
      log: this.log.child({ queue: name }),
      lease:
        opts.singleActive && leases
          ? new QueueLease({
              table: leases,
              queue: name,
              owner: this.options.instanceId,
              log: this.log,
              onLost: opts.onDetached,
            })
          : undefined,
      onStopped: async (q) => {
        if (!opts.ephemeral) return;
        if (source.kind === 'events') await this.queues.deleteEventQueue(q, source.subscriber);
        else await this.queues.deleteQueue(q);
      },
    });
    consumer.start();
    return consumer;
  }

  async isReady(): Promise<boolean> {
    try {
      await this.sqs.send(new ListQueuesCommand({ QueueNamePrefix: this.options.namespace, MaxResults: 1 }), {
        abortSignal: AbortSignal.timeout(2000),
      });
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.instanceQueues.stop();
    await this.replies.stop();
    await this.batchers.drain();
    await this.replies.deleteQueue();
  }
}
