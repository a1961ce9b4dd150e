import * as amqp from 'amqplib';
import type {
  Channel,
  ChannelModel,
  ConfirmChannel,
  ConsumeMessage,
  Options,
  RecoveringChannelModel,
} from 'amqplib';
import { Batcher, type EntryResult } from '../batcher';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { type BusSettings, MessageBus } from './core';
import { rabbitDeadLetterIndex, recordDeadLetterQueue } from './dead-letters/rabbit-index';
import {
  BATCH_HEADER,
  joinParts,
  MAX_BATCH_BYTES,
  MAX_PARTS,
  REPLIES_HEADER,
  splitParts,
} from './rabbit-batches';
import type {
  Delivery,
  OutgoingMessage,
  QueueOptions,
  QueueSource,
  ReplySink,
  Transport,
  TransportConsumer,
} from './transport';
import type { BusOptions } from './types';

const ATTEMPT_HEADER = 'x-onair-attempt';
const CONTENT_TYPE = 'application/cloudevents+json';
const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';

/** The bus on RabbitMQ: the bus core (core.ts) over the RabbitMQ transport below. */
export class RabbitBus extends MessageBus<RabbitTransport> {
  constructor(url: string, o: BusOptions) {
    super(o, 'rabbitmq', (s) => new RabbitTransport(url, s));
  }
}

/**
 * The RabbitMQ transport.
 *
 * Topology (every name prefixed with the namespace):
 *   commands (direct) --target--> <target>.commands (quorum)
 *   events (topic)    --pattern-> <subscriber>.events (quorum)
 *   <queue>.retry.<ms> (TTL = ms, dead-letters back to <queue>): retries wait here, so a
 *     failing message never blocks the queue and is not held by the consumer meanwhile
 *   <queue>.dlq: messages that failed maxAttempts times, or failed their schema, with the error
 *     in headers. The quorum delivery limit routes there too if a consumer keeps crashing.
 *
 * Live events and replies that leave in the same turn of the event loop for the same place travel
 * as one AMQP message (rabbit-batches.ts); the receiver settles each part on its own.
 *
 * Reconnects are amqplib's recovery: `setup` runs after every (re)connect and re-declares the
 * topology, re-opens channels and resumes every consumer. Publishes wait for the connection and
 * are re-sent when a channel dies before its confirm arrives (at-least-once; consumers dedupe).
 * Requests are the exception: they go unconfirmed on the channel that takes their replies, and
 * every one still unanswered when that channel dies is sent again on the next (sendRequest).
 */
export class RabbitTransport implements Transport {
  readonly name = 'rabbitmq';
  private conn?: RecoveringChannelModel;
  private model?: ChannelModel;
  private pubCh?: ConfirmChannel;
  /** Publishes requests and takes their replies (direct reply-to); not in confirm mode. */
  private replyCh?: Channel;
  /** Requests sent and not answered yet, oldest first: sent again if their channel dies. */
  private readonly unanswered = new Map<string, UnansweredRequest>();
  private readonly consumers = new Set<RabbitConsumer>();
  private replies?: ReplySink;
  private readonly log: Logger;
  private connectedWaiters: Array<() => void> = [];
  private closed = false;
  /** Live events on their way, by type (their routing key): one AMQP message per turn and type. */
  private readonly liveEvents = new Batcher<{ msg: OutgoingMessage; timeoutMs: number }>({
    maxEntries: MAX_PARTS,
    maxBytes: MAX_BATCH_BYTES,
    sizeOf: (e) => e.msg.body.length,
    flush: (type, entries) => allOrNothing(entries, () => this.publishLive(type, entries)),
  });
  /** Replies on their way, by reply address (a requester's channel): one AMQP message per turn. */
  private readonly replyBatches = new Batcher<{ correlationId: string; body: string }>({
    maxEntries: MAX_PARTS,
    maxBytes: MAX_BATCH_BYTES,
    sizeOf: (e) => e.body.length,
    flush: (replyTo, entries) => allOrNothing(entries, () => this.sendReplies(replyTo, entries)),
  });

  constructor(
    private readonly url: string,
    private readonly settings: BusSettings,
  ) {
    this.log = settings.log;
  }

  /** `<namespace>.<service>.<instanceId>`: this transport's connection, as the broker lists it. */
  get connectionName(): string {
    return this.named(this.settings.service, this.settings.instanceId);
  }

  private named(...parts: string[]): string {
    return [this.settings.namespace, ...parts].join('.');
  }

  async start(replies: ReplySink): Promise<void> {
    this.replies = replies;
    this.conn = await amqp.connect(this.url, {
      // Bus messages are small and latency-bound: without TCP_NODELAY, Nagle's algorithm holds
      // them back for the peer's delayed ACK (~40 ms per hop, measured in bench/chat-fanout).
      noDelay: true,
      // How the broker's tools (rabbitmqctl list_connections client_properties, the management
      // UI) name this connection: the service and its instance.
      clientProperties: { connection_name: this.connectionName },
      recovery: {
        initialDelay: 100,
        maxDelay: 2000,
        maxRetries: Number.POSITIVE_INFINITY,
        initialMaxRetries: 30,
        setup: (model: ChannelModel) => this.setup(model),
      },
    });
    this.conn.on('disconnect', (err: Error) => {
      this.model = undefined;
      this.pubCh = undefined;
      this.replyCh = undefined;
      this.log.warn({ err: err.message }, 'broker connection lost; reconnecting');
    });
    this.conn.on('connect', () => this.log.info('broker connected'));
    this.conn.on('error', (err: Error) => this.log.warn({ err: err.message }, 'broker connection error'));
  }

  /** Runs after every (re)connect, before the connection is handed out. */
  private async setup(model: ChannelModel): Promise<void> {
    model.on('error', () => {}); // 'close' follows; recovery handles it
    const ch = await model.createConfirmChannel();
    await ch.assertExchange(this.named('commands'), 'direct', { durable: true });
    await ch.assertExchange(this.named('events'), 'topic', { durable: true });
    this.watchChannel(ch, 'pub');
    const replyCh = await model.createChannel();
    await replyCh.consume(DIRECT_REPLY_TO, (m) => m && this.onReply(m), { noAck: true });
    this.watchChannel(replyCh, 'reply');
    for (const c of this.consumers) await c.attach(model);
    this.model = model;
    this.pubCh = ch;
    this.replyCh = replyCh;
    this.resendUnanswered(replyCh);
    const waiters = this.connectedWaiters;
    this.connectedWaiters = [];
    for (const w of waiters) w();
  }

  /** A channel closed by a channel-level error (the connection still up) is re-opened. */
  private watchChannel(ch: Channel, which: 'pub' | 'reply'): void {
    ch.on('error', (err: Error) => this.log.warn({ err: err.message, which }, 'channel error'));
    ch.on('close', () => {
      if (which === 'pub' && this.pubCh === ch) this.pubCh = undefined;
      if (which === 'reply' && this.replyCh === ch) this.replyCh = undefined;
      const model = this.model;
      if (!model || this.closed) return;
      void (async () => {
        try {
          if (which === 'pub') {
            const fresh = await model.createConfirmChannel();
            this.watchChannel(fresh, which);
            this.pubCh = fresh;
          } else {
            const fresh = await model.createChannel();
            await fresh.consume(DIRECT_REPLY_TO, (m) => m && this.onReply(m), { noAck: true });
            this.watchChannel(fresh, which);
            this.replyCh = fresh;
            this.resendUnanswered(fresh);
          }
        } catch {
          // the connection is going down too; setup() will open new channels
        }
      })();
    });
  }

  private channel(which: 'pub', deadline: number): Promise<ConfirmChannel>;
  private channel(which: 'reply', deadline: number): Promise<Channel>;
  private async channel(which: 'pub' | 'reply', deadline: number): Promise<Channel> {
    for (;;) {
      const ch = which === 'pub' ? this.pubCh : this.replyCh;
      if (ch) return ch;
      if (this.closed) throw new AppError('BUS_CLOSED', 503, 'The bus is closed');
      const left = deadline - Date.now();
      if (left <= 0) throw new AppError('BUS_UNAVAILABLE', 503, 'The message broker is unreachable');
      // Wait for the next (re)connect, or re-check soon in case only a channel was re-opened.
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 50));
        this.connectedWaiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Publish with a broker confirm, re-sending on a new channel if the old one dies first. */
  private async confirmPublish(
    exchange: string,
    routingKey: string,
    body: Buffer,
    props: amqp.Options.Publish,
    timeoutMs: number,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ch = await this.channel('pub', deadline);
      try {
        await new Promise<void>((resolve, reject) => {
          ch.publish(
            exchange,
            routingKey,
            body,
            { persistent: true, contentType: CONTENT_TYPE, ...props },
            (err) => (err ? reject(err) : resolve()),
          );
        });
        return;
      } catch (err) {
        if (Date.now() >= deadline || this.closed) throw err;
        this.log.debug({ err: (err as Error).message }, 'publish not confirmed; re-sending');
      }
    }
  }

  sendCommand(target: string, msg: OutgoingMessage, timeoutMs: number): Promise<void> {
    return this.confirmPublish(
      this.named('commands'),
      target,
      Buffer.from(msg.body),
      { messageId: msg.id, type: msg.type, persistent: msg.persistent },
      timeoutMs,
    );
  }

  publishEvent(msg: OutgoingMessage, timeoutMs: number): Promise<void> {
    if (!msg.persistent) return this.liveEvents.add(msg.type, { msg, timeoutMs });
    return this.confirmPublish(
      this.named('events'),
      msg.type,
      Buffer.from(msg.body),
      { messageId: msg.id, type: msg.type, persistent: msg.persistent },
      timeoutMs,
    );
  }

  /** The live events of one type published in one turn: one confirmed AMQP message. */
  private publishLive(
    type: string,
    entries: Array<{ msg: OutgoingMessage; timeoutMs: number }>,
  ): Promise<void> {
    const { body, headers } = framed(entries.map((e) => e.msg.body));
    return this.confirmPublish(
      this.named('events'),
      type,
      body,
      { messageId: entries[0]?.msg.id, type, persistent: false, headers },
      Math.min(...entries.map((e) => e.timeoutMs)),
    );
  }

  /**
   * The replies to one requester's channel settled in one turn: one AMQP message. Like a single
   * reply it is not confirmed (a lost reply is the requester's timeout, and its retry is deduped).
   */
  private async sendReplies(
    replyTo: string,
    entries: Array<{ correlationId: string; body: string }>,
  ): Promise<void> {
    const ch = this.pubCh;
    if (!ch) throw new AppError('BUS_UNAVAILABLE', 503, 'RabbitMQ is not reachable; the reply was not sent');
    const { body, headers } = framed(entries.map((e) => e.body));
    ch.publish('', replyTo, body, {
      contentType: CONTENT_TYPE,
      ...(headers
        ? { headers: { ...headers, [REPLIES_HEADER]: entries.map((e) => e.correlationId) } }
        : { correlationId: entries[0]?.correlationId }),
    });
  }

  /**
   * Direct reply-to: the request must be published on the channel that consumes replies. It is
   * published within the request's own time, so an outage is answered 503 before the caller's
   * timeout, and it expires in the queue when its requester stops waiting (the broker drops it).
   *
   * Not confirmed: a confirm doubled what the broker spends on a request (50 -> 100 µs of
   * RabbitMQ CPU a message at 1,000 a second, one broker write and wake-up more each), and it
   * could not save a request anyway, since the reply goes to the channel that published it. So
   * the request is remembered until its reply comes or its time is up, and if the channel dies
   * meanwhile (a dropped connection, a broker restart) it is sent again on the next one, with
   * what is left of its time: as a confirmed publish was, and now also when it had been routed
   * (its reply was lost with the channel). A request handled twice is answered alike: commands
   * are deduplicated by envelope id and chat sends by RequestId.
   */
  async sendRequest(
    target: string,
    msg: OutgoingMessage,
    correlationId: string,
    timeoutMs: number,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const ch = await this.channel('reply', deadline);
    this.forgetExpired();
    const request: UnansweredRequest = { target, msg, deadline, ch };
    this.unanswered.set(correlationId, request);
    try {
      this.publishRequest(correlationId, request);
    } catch (e) {
      // Refused at once (a channel closing under it): the caller hears of it, nothing is re-sent.
      this.unanswered.delete(correlationId);
      throw e;
    }
  }

  private publishRequest(correlationId: string, r: UnansweredRequest): void {
    r.ch.publish(this.named('commands'), r.target, Buffer.from(r.msg.body), {
      contentType: CONTENT_TYPE,
      messageId: r.msg.id,
      type: r.msg.type,
      persistent: false,
      replyTo: DIRECT_REPLY_TO,
      correlationId,
      expiration: String(Math.max(1, r.deadline - Date.now())),
    });
  }

  /** The reply channel was replaced: what was sent on an earlier one and is still unanswered goes again. */
  private resendUnanswered(ch: Channel): void {
    this.forgetExpired();
    const now = Date.now();
    for (const [correlationId, r] of this.unanswered) {
      if (r.ch === ch) continue;
      if (r.deadline <= now) {
        this.unanswered.delete(correlationId);
        continue;
      }
      r.ch = ch;
      this.publishRequest(correlationId, r);
    }
  }

  /** Requests whose requester stopped waiting, from the oldest on (their replies would be dropped). */
  private forgetExpired(): void {
    const now = Date.now();
    for (const [correlationId, r] of this.unanswered) {
      if (r.deadline > now) return;
      this.unanswered.delete(correlationId);
    }
  }

  /** A reply, or a batch of them, to this bus's requests (a late reply to a request that timed out is dropped). */
  private onReply(m: ConsumeMessage): void {
    const headers = m.properties.headers ?? {};
    let parts: Buffer[] | undefined;
    try {
      parts = splitParts(m.content, headers[BATCH_HEADER]);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'a batch of replies could not be cut apart; dropped');
      return;
    }
    if (!parts) {
      const correlationId = m.properties.correlationId as string | undefined;
      if (correlationId) this.unanswered.delete(correlationId);
      this.replies?.settle(correlationId, m.content.toString('utf8'));
      return;
    }
    const ids: unknown = headers[REPLIES_HEADER];
    if (!Array.isArray(ids) || ids.length !== parts.length) {
      this.log.warn('a batch of replies came without one correlation id a reply; dropped');
      return;
    }
    for (const [i, part] of parts.entries()) {
      this.unanswered.delete(String(ids[i]));
      this.replies?.settle(String(ids[i]), part.toString('utf8'));
    }
  }

  queueName(source: QueueSource, opts: { livePath?: boolean } = {}): string {
    return source.kind === 'commands'
      ? this.named(source.target, 'commands')
      : // A live-path subscription is a classic queue of its own name: a queue cannot change type.
        this.named(source.subscriber, opts.livePath ? 'live' : 'events');
  }

  async consume(
    source: QueueSource,
    opts: QueueOptions,
    deliver: (d: Delivery) => Promise<void>,
  ): Promise<TransportConsumer> {
    const queue = this.queueName(source, opts);
    const bindings =
      source.kind === 'commands'
        ? [{ exchange: this.named('commands'), key: source.target }]
        : source.patterns.map((key) => ({ exchange: this.named('events'), key }));
    const consumer = new RabbitConsumer({
      queue,
      bindings,
      deliver,
      concurrency: opts.concurrency,
      ephemeral: opts.ephemeral,
      singleActive: opts.singleActive,
      livePath: opts.livePath,
      onDetached: opts.onDetached,
      ephemeralExpiryMs: this.settings.instanceQueueExpiryMs ?? 60_000,
      deadLetterIndex: rabbitDeadLetterIndex(this.settings.namespace),
      retryDelays: [...new Set(this.settings.retryDelaysMs)],
      deliveryLimit: this.settings.maxAttempts + 5,
      log: this.log.child({ queue }),
      reply: (replyTo, correlationId, body) => this.replyBatches.add(replyTo, { correlationId, body }),
      onStopped: (c) => this.consumers.delete(c),
      connection: () => this.model,
      // The quorum queue this subscription had before it moved to the live path.
      retired:
        opts.livePath && source.kind === 'events' && !opts.ephemeral
          ? this.queueName(source, { livePath: false })
          : undefined,
    });
    this.consumers.add(consumer);
    if (this.model) await consumer.attach(this.model);
    // else: setup() attaches it when the connection comes (back)
    return consumer;
  }

  async isReady(): Promise<boolean> {
    return Boolean(this.model && this.pubCh);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unanswered.clear();
    await this.conn?.close().catch(() => {});
  }
}

/** A request on its way, until its reply comes or its requester stops waiting. */
interface UnansweredRequest {
  target: string;
  msg: OutgoingMessage;
  deadline: number;
  /** The channel it was last published on. */
  ch: Channel;
}

interface Binding {
  exchange: string;
  key: string;
}

interface ConsumerConfig {
  queue: string;
  bindings: Binding[];
  deliver: (d: Delivery) => Promise<void>;
  concurrency: number;
  ephemeral: boolean;
  /** x-single-active-consumer: one consumer at a time, the others stand by. */
  singleActive: boolean;
  /** A classic queue (durable, not replicated): the live path, whose data is durable elsewhere. */
  livePath: boolean;
  /** The channel closed while the consumer was not stopping (see ConsumeOptions.onDetached). */
  onDetached?: () => void;
  /** x-expires of a per-instance queue: the broker deletes it this long after its consumer left. */
  ephemeralExpiryMs: number;
  /** Where the DLQ's name is recorded for the DLQ tool (dead-letters/rabbit-index.ts). */
  deadLetterIndex: string;
  retryDelays: number[];
  deliveryLimit: number;
  log: Logger;
  /** Answer a request (batched with the other replies to the same requester in this turn). */
  reply: (replyTo: string, correlationId: string, body: string) => Promise<void>;
  onStopped: (c: RabbitConsumer) => void;
  /** The connection while it is up (undefined while reconnecting: setup() attaches then). */
  connection: () => ChannelModel | undefined;
  /** An older queue of the same subscription, unbound (and deleted when empty) at the first attach. */
  retired?: string;
}

/** One queue's consumer; re-attached to a fresh channel after every reconnect. */
class RabbitConsumer implements TransportConsumer {
  private ch?: ConfirmChannel;
  private tag?: string;
  private stopped = false;
  private dlqRecorded = false;
  private renewTimer?: NodeJS.Timeout;

  constructor(private readonly config: ConsumerConfig) {}

  async attach(model: ChannelModel): Promise<void> {
    if (this.stopped) return;
    const ch = await model.createConfirmChannel();
    ch.on('error', (err: Error) => this.config.log.warn({ err: err.message }, 'consumer channel error'));
    ch.on('close', () => {
      // Only the channel consuming now counts (a half-set-up one failed its attach instead).
      if (this.stopped || this.ch !== ch) return;
      this.config.onDetached?.();
      this.reattachLater(ch);
    });
    try {
      await this.consumeOn(ch, model);
    } catch (err) {
      ch.close().catch(() => {}); // not left open
      throw err;
    }
  }

  /** Declare the queue and its retry and dead-letter queues on `ch`, bind it, and consume. */
  private async consumeOn(ch: ConfirmChannel, model: ChannelModel): Promise<void> {
    const { queue, ephemeral } = this.config;
    // Per-instance queues vanish a while after their consumer is gone; service queues are quorum.
    const expiry = ephemeral ? { 'x-expires': this.config.ephemeralExpiryMs } : {};
    const dlq: Options.AssertQueue = {
      durable: true,
      arguments: ephemeral ? { 'x-expires': 24 * 3600_000 } : { 'x-queue-type': 'quorum' },
    };
    await ch.assertQueue(`${queue}.dlq`, dlq);
    if (!this.dlqRecorded) {
      await recordDeadLetterQueue(ch, this.config.deadLetterIndex, `${queue}.dlq`);
      this.dlqRecorded = true;
    }
    const deadLetters = { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': `${queue}.dlq` };
    const singleActive = this.config.singleActive ? { 'x-single-active-consumer': true } : {};
    await ch.assertQueue(queue, {
      durable: !ephemeral,
      arguments: ephemeral
        ? { ...expiry, ...singleActive }
        : this.config.livePath
          ? // Classic queues have no delivery limit: the attempt header still counts every
            // failure the handler reports; only a message that kills its consumer comes back again.
            { 'x-queue-type': 'classic', ...deadLetters, ...singleActive }
          : {
              'x-queue-type': 'quorum',
              'x-delivery-limit': this.config.deliveryLimit,
              ...deadLetters,
              ...singleActive,
            },
    });
    const retries = this.config.retryDelays.map((ms): [string, Options.AssertQueue] => [
      `${queue}.retry.${ms}`,
      {
        durable: !ephemeral,
        arguments: {
          ...expiry,
          'x-message-ttl': ms,
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': queue,
        },
      },
    ]);
    for (const [name, o] of retries) await ch.assertQueue(name, o);
    if (ephemeral) this.keepDeclared(ch, [[`${queue}.dlq`, dlq], ...retries]);
    for (const b of this.config.bindings) await ch.bindQueue(queue, b.exchange, b.key);
    if (this.config.retired) {
      await retireQueue(model, this.config.retired, this.config.bindings, this.config.log);
      this.config.retired = undefined;
    }
    await ch.prefetch(this.config.concurrency);
    const { consumerTag } = await ch.consume(queue, (m) => {
      if (m) void this.onMessage(ch, m);
      else this.onCancelled(ch);
    });
    this.ch = ch;
    this.tag = consumerTag;
  }

  /**
   * The broker cancelled this consumer (its queue was deleted under it): the channel is closed,
   * and its replacement declares the queue again and goes on consuming.
   */
  private onCancelled(ch: ConfirmChannel): void {
    if (this.stopped) return;
    this.config.log.warn('the broker cancelled this consumer (was its queue deleted?); attaching again');
    ch.close().catch(() => {});
  }

  /**
   * A consumer channel that closed while the connection stayed up (a channel-level error, a
   * cancel) is replaced by a fresh one, with backoff while that fails. When the connection went
   * down too, the reconnect's setup() attaches every consumer instead: this gives way to it.
   */
  private reattachLater(closed: ConfirmChannel, delayMs = 100): void {
    const timer = setTimeout(() => {
      const model = this.config.connection();
      // Stopped, reconnecting (setup attaches), or attached again meanwhile.
      if (this.stopped || !model || this.ch !== closed) return;
      this.attach(model).then(
        () => this.config.log.info('consumer attached again on a fresh channel'),
        (err: Error) => {
          this.config.log.warn({ err: err.message }, 'could not attach the consumer again; retrying');
          this.reattachLater(closed, Math.min(delayMs * 2, 5000));
        },
      );
    }, delayMs);
    timer.unref();
  }

  /** A message: one envelope, or a batch of them (rabbit-batches.ts), each part settled on its own. */
  private onMessage(ch: ConfirmChannel, m: ConsumeMessage): Promise<void> {
    let parts: Buffer[] | undefined;
    try {
      parts = splitParts(m.content, m.properties.headers?.[BATCH_HEADER]);
    } catch (err) {
      return this.delivery(ch, m, m.content, () => ch.ack(m)).deadLetter('invalid', (err as Error).message);
    }
    if (!parts) return this.config.deliver(this.delivery(ch, m, m.content, () => ch.ack(m)));
    // The AMQP message is acked once every part is settled (its copy confirmed first, for a
    // retry or a dead letter); a consumer that dies before then gets the whole batch again,
    // and the parts already handled are dropped as copies.
    let left = parts.length;
    const settled = () => {
      if (--left === 0) ch.ack(m);
    };
    return Promise.all(parts.map((part) => this.config.deliver(this.delivery(ch, m, part, settled)))).then(
      () => {},
    );
  }

  /** `body` of message `m` as a delivery; `done` once it is settled (for a part: the batch counts down). */
  private delivery(ch: ConfirmChannel, m: ConsumeMessage, body: Buffer, done: () => void): Delivery {
    const props = m.properties;
    const attempt = Number(props.headers?.[ATTEMPT_HEADER] ?? 1);
    const firstFailedAt = () => props.headers?.['x-onair-first-failed-at'] ?? new Date().toISOString();
    // A part's copy is a message of its own: it keeps every header but the batch's lengths.
    const { [BATCH_HEADER]: _lengths, ...headers } = props.headers ?? {};
    const copy = body === m.content ? props.headers : headers;
    // Copies (retry, dead letter) are confirmed before the original is acked: nothing is lost.
    return {
      body,
      attempt,
      reply: props.replyTo
        ? (text) => this.config.reply(props.replyTo, String(props.correlationId ?? ''), text)
        : undefined,
      ack: async () => done(),
      retry: async (delayMs, error) => {
        await publishConfirmed(ch, `${this.config.queue}.retry.${delayMs}`, body, {
          ...props,
          headers: {
            ...copy,
            [ATTEMPT_HEADER]: attempt + 1,
            'x-onair-last-error': error.slice(0, 1000),
            'x-onair-first-failed-at': firstFailedAt(),
          },
        });
        done();
      },
      deadLetter: async (reason, error) => {
        await publishConfirmed(ch, `${this.config.queue}.dlq`, body, {
          ...props,
          headers: {
            ...copy,
            'x-onair-reason': reason,
            'x-onair-error': error.slice(0, 4000),
            'x-onair-attempts': attempt,
            'x-onair-failed-at': new Date().toISOString(),
            'x-onair-first-failed-at': firstFailedAt(),
            'x-onair-queue': this.config.queue,
          },
        });
        done();
      },
    };
  }

  /**
   * x-expires counts a queue as unused while it has no consumer, however many messages are
   * published to it: a live instance's retry queues and DLQ (nobody consumes them) would expire
   * under it, and retries or dead letters sent there afterwards would be dropped as unroutable.
   * Declaring them again renews their lease; the queue itself has its consumer.
   */
  private keepDeclared(ch: ConfirmChannel, queues: Array<[string, Options.AssertQueue]>): void {
    clearInterval(this.renewTimer);
    const every = Math.max(100, Math.floor(this.config.ephemeralExpiryMs / 3));
    this.renewTimer = setInterval(() => {
      for (const [name, o] of queues)
        Promise.resolve()
          .then(() => ch.assertQueue(name, o))
          .catch(() => {}); // a closed channel: the next attach declares them
    }, every);
    this.renewTimer.unref();
  }

  async cancel(): Promise<void> {
    this.stopped = true;
    clearInterval(this.renewTimer);
    if (this.ch && this.tag) await this.ch.cancel(this.tag).catch(() => {});
  }

  async release(): Promise<void> {
    await this.ch?.close().catch(() => {});
    this.config.onStopped(this);
  }
}

/**
 * Stop feeding a queue a subscription no longer reads (it moved to a queue of another type): its
 * bindings go first, so nothing new lands there; it is deleted if empty, else left for an
 * operator with what it holds (each step on a channel of its own: a refusal closes the channel).
 */
async function retireQueue(
  model: ChannelModel,
  name: string,
  bindings: Binding[],
  log: Logger,
): Promise<void> {
  const step = async (what: (ch: amqp.Channel) => Promise<unknown>): Promise<boolean> => {
    const ch = await model.createChannel();
    ch.on('error', () => {});
    try {
      await what(ch);
      return true;
    } catch {
      return false;
    } finally {
      await ch.close().catch(() => {});
    }
  };
  if (!(await step((ch) => ch.checkQueue(name)))) return; // never existed, or already gone
  for (const b of bindings) await step((ch) => ch.unbindQueue(name, b.exchange, b.key));
  // Unbound, it gets nothing new; quorum queues refuse delete-if-empty (and the refusal closes
  // the connection), so the count is read, and an empty queue deleted.
  let waiting = -1;
  await step(async (ch) => {
    waiting = (await ch.checkQueue(name)).messageCount;
  });
  if (waiting === 0 && (await step((ch) => ch.deleteQueue(name)))) {
    log.info({ retired: name }, 'deleted the queue this subscription used before');
    return;
  }
  log.warn(
    { retired: name, waiting },
    'the queue this subscription used before still holds messages; it is no longer bound or read: delete it once drained',
  );
}

function publishConfirmed(
  ch: ConfirmChannel,
  queue: string,
  body: Buffer,
  props: amqp.Options.Publish,
): Promise<void> {
  return new Promise((resolve, reject) => {
    ch.sendToQueue(queue, body, { ...props, persistent: true }, (err) => (err ? reject(err) : resolve()));
  });
}

/** One envelope as is; several as one body with the lengths that cut it apart (rabbit-batches.ts). */
function framed(parts: string[]): { body: Buffer; headers?: Record<string, number[]> } {
  if (parts.length === 1) return { body: Buffer.from(parts[0] ?? '') };
  const { body, lengths } = joinParts(parts);
  return { body, headers: { [BATCH_HEADER]: lengths } };
}

/** A batch call that succeeds or fails as a whole: every entry gets its outcome. */
async function allOrNothing<E>(entries: E[], call: () => Promise<void>): Promise<Array<EntryResult<void>>> {
  await call(); // a throw rejects every entry with it (the Batcher does that)
  return entries.map(() => ({ ok: true, value: undefined }));
}
