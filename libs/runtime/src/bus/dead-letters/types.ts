import { AppError } from '../../errors';

/**
 * One dead letter: a message the bus gave up on (it failed its handler maxAttempts times, failed
 * its contract, or hit the broker's own delivery limit), as the DLQ tool and the admin API show it.
 */
export interface DeadLetterView {
  /** `<dead-letter queue>~<message key>`: what show / replay take. Stable across listings. */
  id: string;
  /** The queue it came from, which a replay delivers it to again. */
  queue: string;
  /** The dead-letter queue it sits in. */
  deadLetterQueue: string;
  /** The message type (`onair.stream.create.v1`), or null when the message is not even JSON. */
  type: string | null;
  /** `failed` (the handler kept failing), `invalid` (not JSON or against its contract), or
   * `delivery-limit` (the broker moved it: a consumer kept crashing or could not settle it). */
  reason: string;
  /** The last error, as the handler threw it. */
  error: string;
  /** How many times it was handled, or null when the broker moved it without counting. */
  attempts: number | null;
  /** When the first attempt failed (SQS: when the first attempt started), ISO 8601, or null. */
  firstFailedAt: string | null;
  /** When it was dead-lettered, ISO 8601, or null. */
  lastFailedAt: string | null;
  /** The message: the CloudEvent envelope when it parses as JSON, else its raw text. */
  message: unknown;
}

export interface DeadLetterQueueSummary {
  /** The source queue (what `--queue` and `?queue=` take). */
  queue: string;
  deadLetterQueue: string;
  /** Messages in it now (SQS: approximate). */
  count: number;
}

export interface DeadLetterList {
  queues: DeadLetterQueueSummary[];
  items: DeadLetterView[];
  /** More dead letters exist than `limit` allowed. */
  truncated: boolean;
}

export interface ReplayAllResult {
  replayed: number;
  /** Dead letters left where they are, with why (their source queue is gone, …). */
  skipped: Array<{ id: string; queue: string; reason: string }>;
}

/**
 * The dead letters of one bus namespace, on either transport. Reading never loses or consumes a
 * message; a replay removes a dead letter only after its source queue has confirmed the copy.
 */
export interface DeadLetters {
  /** Every dead-letter queue of the namespace with its count, and up to `limit` dead letters (default 100). */
  list(opts?: { queue?: string; limit?: number }): Promise<DeadLetterList>;
  show(id: string): Promise<DeadLetterView | undefined>;
  /** Deliver it to its source queue again (attempts start over); undefined when there is no such id. */
  replay(id: string): Promise<DeadLetterView | undefined>;
  /** Replay every dead letter of one source queue, or of every queue. */
  replayAll(queue?: string): Promise<ReplayAllResult>;
  /** Delete every dead letter of one source queue. */
  purge(queue: string): Promise<{ queue: string; purged: number }>;
  close(): Promise<void>;
}

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;

/** A safe id part: queue names and message keys are made of these characters only. */
const PART = /^[A-Za-z0-9_.:-]{1,200}$/;
/** What the API accepts as a dead letter id (its path parameter pattern). */
export const DEAD_LETTER_ID_PATTERN = '^[A-Za-z0-9_.:-]{1,200}~[A-Za-z0-9_.:-]{1,200}$';

export function deadLetterId(deadLetterQueue: string, key: string): string {
  return `${deadLetterQueue}~${key}`;
}

/** The dead-letter queue and message key of an id, or undefined when it is not one. */
export function parseDeadLetterId(id: string): { deadLetterQueue: string; key: string } | undefined {
  const i = id.lastIndexOf('~');
  if (i < 0) return undefined;
  const deadLetterQueue = id.slice(0, i);
  const key = id.slice(i + 1);
  return PART.test(deadLetterQueue) && PART.test(key) ? { deadLetterQueue, key } : undefined;
}

export function isSafeKey(key: string): boolean {
  return PART.test(key);
}

export function clampLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_LIST_LIMIT;
  return Math.max(1, Math.min(MAX_LIST_LIMIT, Math.floor(limit)));
}

export const noSuchQueue = (queue: string) =>
  new AppError(
    'NOT_FOUND',
    404,
    `No dead-letter queue for '${queue}' in this namespace (list shows the queues that have one)`,
  );

export const sourceGone = (queue: string) =>
  new AppError(
    'DLQ_SOURCE_GONE',
    409,
    `The queue '${queue}' this dead letter came from no longer exists (a per-instance queue of a stopped instance?); it stays in the DLQ: purge it if it is of no use`,
  );

/** The message as JSON when it parses, else its text. */
export function parseMessage(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A string member of a parsed message, if it has one. */
export function stringField(message: unknown, key: string): string | undefined {
  if (!message || typeof message !== 'object' || Array.isArray(message)) return undefined;
  const v = (message as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : undefined;
}

/** An ISO time from what a header or attribute holds (ISO text, epoch ms or AMQP seconds). */
export function isoTime(v: unknown, unit: 'ms' | 's' = 'ms'): string | null {
  if (typeof v === 'string' && v !== '') {
    if (/^\d+$/.test(v)) return isoTime(Number(v), unit);
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : new Date(t).toISOString();
  }
  if (typeof v === 'number' && Number.isFinite(v) && v > 0)
    return new Date(unit === 's' ? v * 1000 : v).toISOString();
  return null;
}
