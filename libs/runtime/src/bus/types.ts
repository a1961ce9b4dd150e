import type { ContractRegistry, Envelope } from '@onair/contracts';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { QueueLeaseTable } from './sqs/queue-lease';

export interface MessageContext {
  /** 1 on the first delivery, then 2, 3, … up to maxAttempts. */
  attempt: number;
  /** A logger carrying the message id, type and correlation id. */
  log: Logger;
}

/**
 * Handles one message. For a command sent with `request`, the returned envelope is the reply;
 * a thrown AppError with status < 500 is answered at once (no retry); anything else is retried
 * with backoff, then dead-lettered with the error.
 */
export type MessageHandler = (msg: Envelope, ctx: MessageContext) => Promise<Envelope | undefined | void>;

export interface ConsumeOptions {
  /** How many messages may be in the handler at once (prefetch). Default 16. */
  concurrency?: number;
  /** A queue that lives only as long as this process (per-instance delivery queues). */
  ephemeral?: boolean;
  /**
   * One consumer of the queue gets its messages at a time, the others wait as standbys and the
   * next one takes over when it stops or dies (RabbitMQ single active consumer): for partition
   * queues, whose reader owns the partition's keys.
   */
  singleActive?: boolean;
  /**
   * The live path: what the queue carries is durable elsewhere already (chat messages are in the
   * table before they are published; a lost request is answered by its timeout and retried), so
   * it may live on a cheaper queue (RabbitMQ: a classic queue, not a replicated quorum queue).
   * Messages still survive a consumer's restart.
   */
  livePath?: boolean;
  /**
   * The consumer lost its channel (the connection dropped, or the channel failed): until it is
   * attached again it gets nothing, and a single active consumer may then find another instance
   * active. A partition's owner re-checks what it holds in memory for the partition's keys. Only
   * transports that can lose a consumer call it (RabbitMQ).
   */
  onDetached?: () => void;
}

export interface Consumer {
  /** Stop taking new messages and wait for the ones in the handler to finish. */
  stop(): Promise<void>;
}

export interface SendOptions {
  /** Target queue when the contract is `addressed` (e.g. `gateway.<instanceId>`), or an override. */
  to?: string;
  /**
   * How long a send may wait for the broker to take the message (a broker outage) before it
   * fails with 503 BUS_UNAVAILABLE; default 30 s. Callers that answer a client pass their own
   * request timeout, so the client is answered in bounded time. For a request, the reply wait.
   */
  timeoutMs?: number;
}

export type RequestOptions = SendOptions;

export interface Bus {
  readonly instanceId: string;
  /** Connect and declare what publishing needs. */
  start(): Promise<void>;
  /** A command to exactly one owner (competing consumers). Resolves when the broker has it. */
  send(cmd: Envelope, opts?: SendOptions): Promise<void>;
  /** An event to every subscriber. Resolves when the broker has it. */
  publish(evt: Envelope): Promise<void>;
  /** A command whose reply (an event envelope) comes back, or a TIMEOUT AppError. */
  request(cmd: Envelope, opts?: RequestOptions): Promise<Envelope>;
  /** Consume the commands addressed to `target` (a service name, or `gateway.<instanceId>`). */
  consumeCommands(target: string, handler: MessageHandler, opts?: ConsumeOptions): Promise<Consumer>;
  /**
   * Consume copies of events whose type matches a pattern. Patterns are exact types or a
   * prefix ending in `.#` (`onair.stream.#`). One queue per subscriber: instances of the same
   * subscriber compete, different subscribers each get a copy.
   */
  subscribe(
    subscriber: string,
    patterns: string[],
    handler: MessageHandler,
    opts?: ConsumeOptions,
  ): Promise<Consumer>;
  /** Whether the broker is reachable now (for /readyz). */
  isReady(): Promise<boolean>;
  /** Stop every consumer (finishing in-flight handlers), then disconnect. */
  close(): Promise<void>;
}

export interface BusOptions {
  /** Prefix of every exchange and queue; tests use a random one to stay apart. */
  namespace: string;
  /** The service this bus belongs to: the `source` it stamps and part of queue names. */
  service: string;
  instanceId?: string;
  registry: ContractRegistry;
  logger?: Logger;
  metrics?: Metrics;
  /** Attempts before a failing message goes to the DLQ. Default 5. */
  maxAttempts?: number;
  /** Delay before attempt n+1 is retryDelaysMs[n-1] (last value repeats). */
  retryDelaysMs?: number[];
  /** Default request timeout. */
  requestTimeoutMs?: number;
  /**
   * How long the per-instance queues (ephemeral consumers; on SQS also the reply queue) of an
   * instance that is gone last. RabbitMQ: their x-expires, counted from the last consumer leaving
   * (default 60 s). SQS: an expiry tag the instance renews every fifth of this, swept once passed
   * (default 10 min). See instance-queues.ts.
   */
  instanceQueueExpiryMs?: number;
  /** SQS: how often each instance sweeps expired per-instance queues (default 5 min +-50%; 0: never). */
  sweepIntervalMs?: number;
  /**
   * SQS: where single-active consumers keep their leases (sqs/queue-lease.ts); runService gives
   * the service's own table. Without it a single-active queue's instances compete. RabbitMQ has
   * single active consumers of its own and ignores this.
   */
  queueLeases?: QueueLeaseTable;
}

export const DEFAULT_RETRY_DELAYS_MS = [250, 1000, 5000, 15000];
/** Attempts before a failing message is dead-lettered, unless BusOptions.maxAttempts says otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 5;
