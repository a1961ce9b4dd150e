import { randomUUID } from 'node:crypto';
import { AppError } from '../errors';
import { type BusSettings, MessageBus } from './core';
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

/** A message the broker gave up on, with what the bus said about it. */
export interface MemoryDeadLetter {
  /** A key unique in its queue (what the dead-letter API's ids end with). */
  key: string;
  /** The queue it came from (`<ns>.<target>.commands`, `<ns>.<subscriber>.events`). */
  queue: string;
  body: string;
  reason: 'invalid' | 'failed';
  error: string;
  attempts: number;
  firstFailedAt: string;
  failedAt: string;
}

interface QueuedMessage {
  body: string;
  attempt: number;
  replyTo?: string;
  correlationId?: string;
  expiresAt?: number;
  /** When its first attempt failed (kept across retries, for its dead letter). */
  firstFailedAt?: string;
}

interface MemoryConsumer {
  concurrency: number;
  inFlight: number;
  deliver: (d: Delivery) => Promise<void>;
}

/** One queue: messages waiting, competing consumers served in turn, and its dead letters. */
class MemoryQueue {
  readonly messages: QueuedMessage[] = [];
  readonly consumers: MemoryConsumer[] = [];
  readonly deadLetters: MemoryDeadLetter[] = [];
  /** Event queues: the type patterns bound to it (every subscribe adds its own, as RabbitMQ bindings do). */
  readonly patterns = new Set<string>();
  /** Only the first consumer gets messages; the others stand by in order (RabbitMQ single active consumer). */
  singleActive = false;
  private turn = 0;
  private scheduled = false;

  constructor(
    readonly name: string,
    readonly namespace: string,
    readonly ephemeral: boolean,
  ) {}

  push(m: QueuedMessage): void {
    this.messages.push(m);
    this.schedule();
  }

  /** Hand out messages on a later turn of the event loop, as a broker would: a sender never runs a handler. */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.messages.length > 0) {
      const c = this.nextFreeConsumer();
      if (!c) return;
      const m = this.messages.shift();
      if (m) this.hand(c, m);
    }
  }

  private nextFreeConsumer(): MemoryConsumer | undefined {
    if (this.singleActive) {
      const active = this.consumers[0];
      return active && active.inFlight < active.concurrency ? active : undefined;
    }
    for (let i = 0; i < this.consumers.length; i++) {
      const c = this.consumers[(this.turn + i) % this.consumers.length];
      if (c.inFlight < c.concurrency) {
        this.turn = (this.turn + i + 1) % this.consumers.length;
        return c;
      }
    }
    return undefined;
  }

  private hand(c: MemoryConsumer, m: QueuedMessage): void {
    c.inFlight++;
    let settled = false;
    const settle = () => {
      if (settled) throw new Error('a delivery was settled twice');
      settled = true;
    };
    const delivery: Delivery = {
      body: m.body,
      attempt: m.attempt,
      expiresAt: m.expiresAt,
      reply: m.replyTo ? async (body) => this.onReply(m, body) : undefined,
      ack: async () => settle(),
      retry: async (delayMs) => {
        settle();
        const again = {
          ...m,
          attempt: m.attempt + 1,
          firstFailedAt: m.firstFailedAt ?? new Date().toISOString(),
        };
        setTimeout(() => this.push(again), delayMs).unref();
      },
      deadLetter: async (reason, error) => {
        settle();
        this.deadLetters.push({
          key: randomUUID(),
          queue: this.name,
          body: m.body,
          reason,
          error,
          attempts: m.attempt,
          firstFailedAt: m.firstFailedAt ?? new Date().toISOString(),
          failedAt: new Date().toISOString(),
        });
      },
    };
    void c
      .deliver(delivery)
      .catch(() => {})
      .finally(() => {
        c.inFlight--;
        // Not settled (the consumer could not): it goes back to the queue, as on a closed channel.
        if (!settled) this.messages.unshift(m);
        this.schedule();
      });
  }

  /** Set by the broker: where a reply goes. */
  onReply: (m: QueuedMessage, body: string) => void = () => {};
}

/**
 * A broker in memory, shared by the buses of one test process (each with its own namespace):
 * command queues with competing consumers (or a single active one), event queues bound to type patterns (one per
 * subscriber, each getting a copy), retries after their delay, dead letters, request / reply.
 * Like RabbitMQ, a command to a queue nobody has declared yet is dropped. Nothing survives the
 * process; nothing is ever slow or down.
 */
export class MemoryBroker {
  private readonly queues = new Map<string, MemoryQueue>();
  private readonly replyAddresses = new Map<string, ReplySink>();

  /** A queue, created if missing. */
  declare(name: string, namespace: string, ephemeral: boolean): MemoryQueue {
    let q = this.queues.get(name);
    if (!q) {
      q = new MemoryQueue(name, namespace, ephemeral);
      q.onReply = (m, body) => this.reply(m.replyTo, m.correlationId, body);
      this.queues.set(name, q);
    }
    return q;
  }

  /** Drop every queue of a namespace (a test's cleanup). */
  forget(namespace: string): void {
    for (const q of this.queuesOf(namespace)) this.queues.delete(q.name);
  }

  deleteQueue(name: string): void {
    this.queues.delete(name);
  }

  queue(name: string): MemoryQueue | undefined {
    return this.queues.get(name);
  }

  /** Every queue of a namespace (the dead-letter API lists them). */
  queuesOf(namespace: string): MemoryQueue[] {
    return [...this.queues.values()].filter((q) => q.namespace === namespace);
  }

  /** Put a message on a queue if it exists (else it is dropped, as RabbitMQ drops an unroutable one). */
  enqueue(
    name: string,
    m: { body: string; replyTo?: string; correlationId?: string; expiresAt?: number },
  ): void {
    this.queues.get(name)?.push({ ...m, attempt: 1 });
  }

  /** A copy of an event for every event queue of the namespace bound to a matching pattern. */
  publish(namespace: string, type: string, body: string): void {
    for (const q of this.queues.values())
      if (q.namespace === namespace && [...q.patterns].some((p) => matches(p, type)))
        q.push({ body, attempt: 1 });
  }

  addReplyAddress(address: string, sink: ReplySink): void {
    this.replyAddresses.set(address, sink);
  }

  removeReplyAddress(address: string): void {
    this.replyAddresses.delete(address);
  }

  private reply(address: string | undefined, correlationId: string | undefined, body: string): void {
    if (!address) return;
    setImmediate(() => this.replyAddresses.get(address)?.settle(correlationId, body));
  }
}

/** A bus pattern: an exact type, `#` (everything), or a prefix ending in `.#` (as a RabbitMQ topic binding). */
function matches(pattern: string, type: string): boolean {
  if (pattern === '#' || pattern === type) return true;
  if (!pattern.endsWith('.#')) return false;
  const prefix = pattern.slice(0, -2);
  return type === prefix || type.startsWith(`${prefix}.`);
}

/** The process's shared broker, for buses made without one of their own. */
export const memoryBroker = new MemoryBroker();

/** Queue names as on RabbitMQ: `<ns>.<target>.commands`, `<ns>.<subscriber>.events`. */
export function memoryQueueName(namespace: string, source: QueueSource): string {
  return source.kind === 'commands'
    ? `${namespace}.${source.target}.commands`
    : `${namespace}.${source.subscriber}.events`;
}

/** One bus's side of the memory broker. */
export class MemoryTransport implements Transport {
  readonly name = 'memory';
  private readonly replyAddress: string;
  private started = false;
  private closed = false;

  constructor(
    private readonly broker: MemoryBroker,
    private readonly settings: BusSettings,
  ) {
    this.replyAddress = `${settings.namespace}.reply.${settings.instanceId}.${randomUUID().slice(0, 8)}`;
  }

  async start(replies: ReplySink): Promise<void> {
    this.broker.addReplyAddress(this.replyAddress, replies);
    this.started = true;
  }

  async sendCommand(target: string, msg: OutgoingMessage): Promise<void> {
    this.checkOpen();
    this.broker.enqueue(this.commandQueue(target), { body: msg.body });
  }

  async publishEvent(msg: OutgoingMessage): Promise<void> {
    this.checkOpen();
    this.broker.publish(this.settings.namespace, msg.type, msg.body);
  }

  async sendRequest(
    target: string,
    msg: OutgoingMessage,
    correlationId: string,
    timeoutMs: number,
  ): Promise<void> {
    this.checkOpen();
    this.broker.enqueue(this.commandQueue(target), {
      body: msg.body,
      replyTo: this.replyAddress,
      correlationId,
      expiresAt: Date.now() + timeoutMs,
    });
  }

  queueName(source: QueueSource): string {
    return memoryQueueName(this.settings.namespace, source);
  }

  async consume(
    source: QueueSource,
    opts: QueueOptions,
    deliver: (d: Delivery) => Promise<void>,
  ): Promise<TransportConsumer> {
    this.checkOpen();
    const q = this.broker.declare(this.queueName(source), this.settings.namespace, opts.ephemeral);
    if (source.kind === 'events') for (const p of source.patterns) q.patterns.add(p);
    if (q.consumers.length === 0) q.singleActive = opts.singleActive;
    const consumer: MemoryConsumer = { concurrency: opts.concurrency, inFlight: 0, deliver };
    q.consumers.push(consumer);
    q.schedule();
    const broker = this.broker;
    return {
      async cancel() {
        const i = q.consumers.indexOf(consumer);
        if (i >= 0) q.consumers.splice(i, 1);
      },
      async release() {
        // A per-instance queue goes with its last consumer (RabbitMQ: x-expires).
        if (opts.ephemeral && q.consumers.length === 0) broker.deleteQueue(q.name);
      },
    };
  }

  async isReady(): Promise<boolean> {
    return this.started && !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.broker.removeReplyAddress(this.replyAddress);
  }

  private commandQueue(target: string): string {
    return this.queueName({ kind: 'commands', target });
  }

  private checkOpen(): void {
    if (this.closed) throw new AppError('BUS_CLOSED', 503, 'The bus is closed');
  }
}

export interface MemoryBusOptions extends BusOptions {
  /** The broker this bus talks to; default the process's shared one (memoryBroker). */
  broker?: MemoryBroker;
}

/** The bus in memory, for tests that need a bus but not a broker: the same core as RabbitBus and SqsBus. */
export class MemoryBus extends MessageBus<MemoryTransport> {
  constructor(o: MemoryBusOptions) {
    super(o, 'memory', (s) => new MemoryTransport(o.broker ?? memoryBroker, s));
  }
}
