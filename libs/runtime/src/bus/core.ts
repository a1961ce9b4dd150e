import { randomUUID } from 'node:crypto';
import type { ContractRegistry, Envelope } from '@onair/contracts';
import { AppError } from '../errors';
import { type Logger, silentLogger } from '../logger';
import type { Metrics } from '../metrics';
import { Dispatcher, type Outcome } from './dispatch';
import { PendingReplies } from './pending-replies';
import { outgoingJson, replyToResult, resolveTarget } from './routing';
import type { Delivery, OutgoingMessage, QueueSource, Transport, TransportConsumer } from './transport';
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
import { toWireJson } from './wire';

/** How long a send or publish waits for an unreachable broker before failing (503), unless the caller says. */
export const DEFAULT_SEND_TIMEOUT_MS = 30_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
export const DEFAULT_CONCURRENCY = 16;

/** BusOptions with every default filled in: what a transport is built from. */
export interface BusSettings extends BusOptions {
  instanceId: string;
  /** The bus's logger (component `bus`, with the transport's name). */
  log: Logger;
  maxAttempts: number;
  retryDelaysMs: number[];
}

export function busSettings(o: BusOptions, transport: string): BusSettings {
  return {
    ...o,
    instanceId: o.instanceId ?? randomUUID().slice(0, 8),
    log: (o.logger ?? silentLogger).child({ component: 'bus', transport }),
    maxAttempts: o.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryDelaysMs: o.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
  };
}

const closedError = () => new AppError('BUS_CLOSED', 503, 'The bus is closed');

/**
 * The bus, whatever the broker: the semantics every transport shares. Sending checks a message
 * against its contract and resolves its target; a request waits for its reply by correlation id
 * (504 TIMEOUT when none comes); a consumer checks each delivery against its contract, skips
 * duplicates, runs the handler, answers a request, and retries with backoff or dead-letters what
 * fails (dispatch.ts); stopping a consumer lets its in-flight handlers finish. The transport
 * (transport.ts) only moves bodies: RabbitMQ (rabbitmq.ts), SQS + EventBridge (sqs/), or memory
 * for tests (memory.ts).
 */
export class MessageBus<T extends Transport = Transport> implements Bus {
  readonly instanceId: string;
  protected readonly transport: T;
  protected readonly settings: BusSettings;
  private readonly registry: ContractRegistry;
  private readonly metrics?: Metrics;
  private readonly log: Logger;
  private readonly pending = new PendingReplies();
  private readonly consumers = new Set<CoreConsumer>();
  private closed = false;

  /** `makeTransport` gets the options with their defaults filled in (the instance id above all). */
  constructor(o: BusOptions, transportName: string, makeTransport: (s: BusSettings) => T) {
    this.settings = busSettings(o, transportName);
    this.instanceId = this.settings.instanceId;
    this.registry = o.registry;
    this.metrics = o.metrics;
    this.log = this.settings.log;
    this.transport = makeTransport(this.settings);
  }

  start(): Promise<void> {
    return this.transport.start(this.pending);
  }

  async send(cmd: Envelope, opts: SendOptions = {}): Promise<void> {
    const target = resolveTarget(this.registry, cmd, opts.to);
    const msg = this.outgoing(cmd, 'command');
    if (this.closed) throw closedError();
    const t0 = process.hrtime.bigint();
    await this.transport.sendCommand(target, msg, opts.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS);
    this.observePublish(cmd.type, 'command', t0);
  }

  async publish(evt: Envelope): Promise<void> {
    const msg = this.outgoing(evt, 'event');
    if (this.closed) throw closedError();
    const t0 = process.hrtime.bigint();
    await this.transport.publishEvent(msg, DEFAULT_SEND_TIMEOUT_MS);
    this.observePublish(evt.type, 'event', t0);
  }

  async request(cmd: Envelope, opts: RequestOptions = {}): Promise<Envelope> {
    const target = resolveTarget(this.registry, cmd, opts.to);
    const msg = this.outgoing(cmd, 'command');
    if (this.closed) throw closedError();
    const timeoutMs = opts.timeoutMs ?? this.settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const correlationId = randomUUID();
    // Waiting starts before sending: a fast reply never finds nobody waiting for it.
    const reply = this.pending.wait(correlationId, cmd.type, timeoutMs);
    try {
      await this.transport.sendRequest(target, msg, correlationId, timeoutMs);
      this.metrics?.busPublished.inc({ type: cmd.type, kind: 'request' });
    } catch (e) {
      this.pending.fail(correlationId, e instanceof Error ? e : new Error(String(e)));
    }
    return replyToResult(await reply);
  }

  consumeCommands(target: string, handler: MessageHandler, opts: ConsumeOptions = {}): Promise<Consumer> {
    return this.consume({ kind: 'commands', target }, handler, opts);
  }

  subscribe(
    subscriber: string,
    patterns: string[],
    handler: MessageHandler,
    opts: ConsumeOptions = {},
  ): Promise<Consumer> {
    return this.consume({ kind: 'events', subscriber, patterns }, handler, opts);
  }

  isReady(): Promise<boolean> {
    return this.closed ? Promise.resolve(false) : this.transport.isReady();
  }

  /** Consumers first (their in-flight handlers may still send), then the waiting requests, then the broker. */
  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.consumers].map((c) => c.stop()));
    this.closed = true;
    this.pending.failAll(new AppError('BUS_CLOSED', 503, 'The bus closed before a reply came'));
    await this.transport.close();
  }

  private outgoing(env: Envelope, kind: 'command' | 'event'): OutgoingMessage {
    return {
      id: env.id,
      type: env.type,
      source: env.source,
      body: outgoingJson(this.registry, env, kind),
      persistent: !this.registry.get(env.type)?.live,
    };
  }

  private observePublish(type: string, kind: string, t0: bigint): void {
    this.metrics?.busPublished.inc({ type, kind });
    this.metrics?.busPublishDuration.observe({ kind }, Number(process.hrtime.bigint() - t0) / 1e9);
  }

  private async consume(
    source: QueueSource,
    handler: MessageHandler,
    opts: ConsumeOptions,
  ): Promise<Consumer> {
    if (this.closed) throw closedError();
    const queue = this.transport.queueName(source, { livePath: opts.livePath });
    const log = this.log.child({ queue });
    const consumer = new CoreConsumer(
      new Dispatcher({
        queue,
        service: this.settings.service,
        registry: this.registry,
        handler,
        logger: log,
        metrics: this.metrics,
        maxAttempts: this.settings.maxAttempts,
        retryDelaysMs: this.settings.retryDelaysMs,
      }),
      log,
      () => this.consumers.delete(consumer),
    );
    this.consumers.add(consumer);
    try {
      await consumer.attach((deliver) =>
        this.transport.consume(
          source,
          {
            concurrency: Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY),
            ephemeral: opts.ephemeral ?? false,
            singleActive: opts.singleActive ?? false,
            livePath: opts.livePath ?? false,
            onDetached: opts.onDetached,
          },
          deliver,
        ),
      );
    } catch (e) {
      this.consumers.delete(consumer);
      throw e;
    }
    return consumer;
  }
}

/** One queue's consumer: runs each delivery through the dispatcher and settles it as it says. */
class CoreConsumer implements Consumer {
  private transport?: TransportConsumer;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private stopping?: Promise<void>;

  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly log: Logger,
    private readonly onStopped: () => void,
  ) {}

  async attach(open: (deliver: (d: Delivery) => Promise<void>) => Promise<TransportConsumer>): Promise<void> {
    this.transport = await open((d) => this.deliver(d));
  }

  private async deliver(d: Delivery): Promise<void> {
    this.inFlight++;
    try {
      if (d.expiresAt !== undefined && Date.now() > d.expiresAt) {
        // Its requester stopped waiting: nobody reads the reply, and after an outage a backlog
        // of such requests (clients resending meanwhile) would keep every fresh one behind it.
        this.log.debug('request expired unanswered; dropped');
        await d.ack();
        return;
      }
      const outcome = await this.dispatcher.handle(d.body, d.attempt);
      await this.settle(d, outcome);
    } catch (err) {
      // Only broker trouble lands here (the dispatcher never throws). The message is not settled:
      // the broker delivers it again (RabbitMQ when the channel closes, SQS when its visibility ends).
      this.log.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'could not settle a message; it will be redelivered',
      );
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  /** Carry out the outcome: the reply first, then the copy (retry, dead letter), then the ack. */
  private async settle(d: Delivery, o: Outcome): Promise<void> {
    if ('reply' in o && o.reply && d.reply) await d.reply(toWireJson(o.reply));
    if (o.kind === 'retry') await d.retry(o.delayMs, o.error);
    else if (o.kind === 'dead-letter') await d.deadLetter(o.reason, o.error);
    else await d.ack();
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.transport?.cancel();
      if (this.inFlight > 0) await new Promise<void>((r) => this.idleWaiters.push(r));
      await this.transport?.release();
      this.onStopped();
    })();
    return this.stopping;
  }
}
