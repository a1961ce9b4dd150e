/**
 * What a broker must do for the bus core (core.ts): move message bodies, and nothing else. The
 * core decides what to send and what becomes of a delivery (contract checks, routing targets,
 * retries, dead-lettering, replies, timeouts, concurrency bookkeeping); a transport holds only its
 * broker's mechanics (RabbitMQ: exchanges, queues, confirms, reconnects; SQS: queues, rules,
 * visibility, batching; memory: arrays and timers).
 */

/** A message on its way out: its wire-safe JSON text and what a broker may want to label it with. */
export interface OutgoingMessage {
  id: string;
  type: string;
  source: string;
  /** The envelope as wire-safe JSON (routing.ts outgoingJson). */
  body: string;
  /**
   * Whether the broker must keep it on disk. False for a live event (contracts: `live`), whose
   * data is durable elsewhere; requests are never persisted by the RabbitMQ transport (their
   * requester stops waiting long before a broker restart is over).
   */
  persistent: boolean;
}

/** Where the replies to this bus's requests go: the core's PendingReplies. */
export interface ReplySink {
  /** How many requests wait for a reply now (a transport may poll only while some do). */
  readonly size: number;
  /** A reply body arrived for `correlationId` (an unknown or late one is dropped). */
  settle(correlationId: string | undefined, body: string): void;
}

/** The queue a consumer reads. */
export type QueueSource =
  /** The commands sent to `target` (a service name, or `gateway.<instanceId>`). */
  | { kind: 'commands'; target: string }
  /** Copies of the events whose type matches one of `patterns` (exact, or `prefix.#`). */
  | { kind: 'events'; subscriber: string; patterns: string[] };

export interface QueueOptions {
  /** How many deliveries may be in the handler at once (prefetch, receive size). */
  concurrency: number;
  /** A queue that lives only as long as this instance. */
  ephemeral: boolean;
  /** Only one consumer at a time gets deliveries; the others stand by (see ConsumeOptions). */
  singleActive: boolean;
  /** A cheaper queue will do (see ConsumeOptions.livePath). */
  livePath: boolean;
  /** The consumer lost its channel (see ConsumeOptions.onDetached). */
  onDetached?: () => void;
}

/**
 * One received message. The core settles it exactly once, with one of ack / retry / deadLetter;
 * until then the broker keeps it (an unsettled delivery comes back when its consumer dies).
 */
export interface Delivery {
  /** The CloudEvent envelope as JSON (unwrapped from any broker envelope). */
  body: Buffer | string;
  /** 1 on the first delivery, then 2, 3, … */
  attempt: number;
  /** When the requester of a request stops waiting (epoch ms), where the broker does not drop it by itself. */
  expiresAt?: number;
  /** Answer the requester; present only when the message is a request. */
  reply?: (body: string) => Promise<void>;
  /** Done with it: remove it from the queue. */
  ack(): Promise<void>;
  /** Deliver it again after `delayMs`, as attempt + 1. */
  retry(delayMs: number, error: string): Promise<void>;
  /** Move it to the queue's dead-letter queue with why. */
  deadLetter(reason: 'invalid' | 'failed', error: string): Promise<void>;
}

/** A transport's consumer of one queue; the core stops it in two steps around its in-flight handlers. */
export interface TransportConsumer {
  /** Take no new deliveries; resolves once none will come. */
  cancel(): Promise<void>;
  /** After the last in-flight delivery is settled: free the channel, delete per-instance queues. */
  release(): Promise<void>;
}

export interface Transport {
  /** For logs: `rabbitmq`, `sqs`, `memory`. */
  readonly name: string;
  /** Connect and declare what publishing needs; replies to this bus's requests go to `replies`. */
  start(replies: ReplySink): Promise<void>;
  /**
   * Put a command on the queue of `target`; resolves when the broker has it. While the broker is
   * unreachable it keeps trying for `timeoutMs`, then fails with 503 BUS_UNAVAILABLE.
   */
  sendCommand(target: string, msg: OutgoingMessage, timeoutMs: number): Promise<void>;
  /** Put an event on the bus for every subscriber whose patterns match its type. */
  publishEvent(msg: OutgoingMessage, timeoutMs: number): Promise<void>;
  /**
   * Send a request: a command with this bus's reply address and `correlationId`. A request still
   * queued after `timeoutMs` (its requester stopped waiting) must not be handled: the broker
   * drops it, or the delivery carries `expiresAt` and the core drops it.
   */
  sendRequest(target: string, msg: OutgoingMessage, correlationId: string, timeoutMs: number): Promise<void>;
  /** The broker's name of the queue `source` is read from (for logs and metrics). */
  queueName(source: QueueSource, opts?: { livePath?: boolean }): string;
  /** Declare the queue (and its bindings) and hand every delivery to `deliver`. */
  consume(
    source: QueueSource,
    opts: QueueOptions,
    deliver: (d: Delivery) => Promise<void>,
  ): Promise<TransportConsumer>;
  /** Whether the broker is reachable now. */
  isReady(): Promise<boolean>;
  /** Disconnect (the core has stopped every consumer first); sending fails with BUS_CLOSED after. */
  close(): Promise<void>;
}
