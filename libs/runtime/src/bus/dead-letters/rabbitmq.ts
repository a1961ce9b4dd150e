import { createHash } from 'node:crypto';
import * as amqp from 'amqplib';
import type { ChannelModel, ConfirmChannel, GetMessage, MessageProperties, Options } from 'amqplib';
import { AppError } from '../../errors';
import { rabbitDeadLetterIndex } from './rabbit-index';
import {
  clampLimit,
  type DeadLetterList,
  type DeadLetterQueueSummary,
  type DeadLetters,
  type DeadLetterView,
  deadLetterId,
  isoTime,
  isSafeKey,
  noSuchQueue,
  parseDeadLetterId,
  parseMessage,
  type ReplayAllResult,
  stringField,
} from './types';
import { type DeadLetterQueueAccess, replayEvery, replayOne, type Step, showOne } from './walk';

/** How long an operation waits for another one (another admin, another gateway) to finish. */
const LOCK_WAIT_MS = 15_000;

export interface RabbitDeadLettersOptions {
  namespace: string;
  lockWaitMs?: number;
}

/**
 * The dead letters of a namespace on RabbitMQ: `<queue>.dlq` next to each `<queue>`, with the
 * error, attempts and times in `x-onair-*` headers (see ../rabbitmq.ts, RabbitConsumer.onMessage).
 *
 * Every operation opens its own connection and first takes a namespace-wide lock: an exclusive
 * queue `<namespace>.dead-letters.lock`, which only one connection can hold and which the broker
 * drops with the connection, even a crashed one. So walks never overlap (one walk cannot hide
 * messages from another).
 *
 * Reading a DLQ walks it: each message is taken with basic.get (unacked), then copied back to the
 * DLQ (confirmed) and only then acked; a replayed one is published to its source queue instead
 * (confirmed) and then acked. Not nack/requeue: on RabbitMQ 4.0 to 4.2 every requeue counts
 * against a quorum queue's delivery limit (20 by default), so a DLQ listed twenty times would
 * drop its messages. A full walk moves each message from the head to the tail in order, so the
 * order is kept; if the process dies mid-walk, the unacked message is requeued by the broker and
 * at worst one copy is doubled, never lost.
 */
export class RabbitDeadLetters implements DeadLetters {
  private readonly ns: string;

  constructor(
    private readonly url: string,
    private readonly options: RabbitDeadLettersOptions,
  ) {
    this.ns = options.namespace;
  }

  async list(opts: { queue?: string; limit?: number } = {}): Promise<DeadLetterList> {
    const limit = clampLimit(opts.limit);
    return this.session(async (s) => {
      const dlqs = opts.queue ? [await s.requireDlq(this.dlqOf(opts.queue))] : await s.deadLetterQueues();
      const queues: DeadLetterQueueSummary[] = [];
      const items: DeadLetterView[] = [];
      let total = 0;
      for (const dlq of dlqs) {
        let count = 0;
        await s.walk(dlq, async (m) => {
          count++;
          if (items.length < limit) items.push(view(m, dlq, this.ns));
          return { keep: true };
        });
        total += count;
        queues.push({ queue: sourceOf(dlq), deadLetterQueue: dlq, count });
      }
      return { queues, items, truncated: total > items.length };
    });
  }

  async show(id: string): Promise<DeadLetterView | undefined> {
    const ref = this.ref(id);
    if (!ref) return undefined;
    return this.session(async (s) => {
      if (!(await s.exists(ref.deadLetterQueue))) return undefined;
      return showOne(this.access(s, ref.deadLetterQueue), (m) => keyOf(m) === ref.key);
    });
  }

  async replay(id: string): Promise<DeadLetterView | undefined> {
    const ref = this.ref(id);
    if (!ref) return undefined;
    return this.session(async (s) => {
      if (!(await s.exists(ref.deadLetterQueue))) return undefined;
      return replayOne(this.access(s, ref.deadLetterQueue), (m) => keyOf(m) === ref.key);
    });
  }

  async replayAll(queue?: string): Promise<ReplayAllResult> {
    return this.session(async (s) => {
      const dlqs = queue ? [await s.requireDlq(this.dlqOf(queue))] : await s.deadLetterQueues();
      const result: ReplayAllResult = { replayed: 0, skipped: [] };
      for (const dlq of dlqs) await replayEvery(this.access(s, dlq), result);
      return result;
    });
  }

  /** One DLQ for the shared show / replay operations (walk.ts); a replay goes to its source queue by name. */
  private access(s: Session, dlq: string): DeadLetterQueueAccess<GetMessage, string> {
    return {
      walk: (visit) => s.walk(dlq, visit),
      view: (m) => view(m, dlq, this.ns),
      target: async (queue) => ((await s.isSource(queue)) ? queue : undefined),
      resend: (queue, m) => s.publish(queue, m.content, replayOptions(m.properties)),
    };
  }

  async purge(queue: string): Promise<{ queue: string; purged: number }> {
    return this.session(async (s) => {
      const dlq = await s.requireDlq(this.dlqOf(queue));
      const { messageCount } = await s.ch.purgeQueue(dlq);
      return { queue: sourceOf(dlq), purged: messageCount };
    });
  }

  async close(): Promise<void> {
    // Nothing held between operations.
  }

  /** `<ns>.<x>.dlq` for a source queue given with or without the namespace (or as its DLQ). */
  private dlqOf(queue: string): string {
    const full = queue.startsWith(`${this.ns}.`) ? queue : `${this.ns}.${queue}`;
    return full.endsWith('.dlq') ? full : `${full}.dlq`;
  }

  /** The parts of an id, when it names a DLQ of this namespace. */
  private ref(id: string) {
    const r = parseDeadLetterId(id);
    return r && this.isDlq(r.deadLetterQueue) ? r : undefined;
  }

  private isDlq(name: string): boolean {
    return name.startsWith(`${this.ns}.`) && name.endsWith('.dlq');
  }

  private async session<T>(fn: (s: Session) => Promise<T>): Promise<T> {
    let conn: ChannelModel;
    try {
      conn = await amqp.connect(this.url);
    } catch (e) {
      throw new AppError('BUS_UNAVAILABLE', 503, 'The message broker is unreachable', { cause: e });
    }
    conn.on('error', () => {}); // the operation's own calls fail and say why
    try {
      await lock(conn, `${this.ns}.dead-letters.lock`, this.options.lockWaitMs ?? LOCK_WAIT_MS);
      const ch = await conn.createConfirmChannel();
      ch.on('error', () => {});
      try {
        return await fn(new Session(conn, ch, this.ns, (n) => this.isDlq(n)));
      } finally {
        // Acks have no answer: closing the channel (an RPC after them) makes sure the broker has
        // them before the connection goes. Without it the last acks may never leave the client,
        // and a message acked after its copy was confirmed would be there twice.
        await ch.close().catch(() => {});
      }
    } finally {
      await conn.close().catch(() => {});
    }
  }
}

/** One connection's view of the broker, holding the lock. */
class Session {
  constructor(
    private readonly conn: ChannelModel,
    readonly ch: ConfirmChannel,
    private readonly ns: string,
    private readonly isDlq: (name: string) => boolean,
  ) {}

  /** Whether a queue exists (a passive declare; on a channel of its own, since a miss closes it). */
  async exists(queue: string): Promise<boolean> {
    const c = await this.conn.createChannel();
    c.on('error', () => {});
    try {
      await c.checkQueue(queue);
      await c.close().catch(() => {});
      return true;
    } catch (e) {
      if ((e as { code?: number }).code === 404) return false;
      throw e;
    }
  }

  /** A replay target must be a queue of this namespace that exists (not a DLQ). */
  async isSource(queue: string): Promise<boolean> {
    return queue.startsWith(`${this.ns}.`) && !this.isDlq(queue) && (await this.exists(queue));
  }

  async requireDlq(dlq: string): Promise<string> {
    if (!this.isDlq(dlq) || !(await this.exists(dlq))) throw noSuchQueue(sourceOf(dlq));
    return dlq;
  }

  /** The DLQs of the namespace that exist, from the index (which this walk also compacts). */
  async deadLetterQueues(): Promise<string[]> {
    const seen = new Set<string>();
    const index = rabbitDeadLetterIndex(this.ns);
    if (!(await this.exists(index))) return []; // no consumer has run in this namespace yet
    await this.walk(index, async (m) => {
      const name = m.content.toString('utf8');
      if (seen.has(name) || !this.isDlq(name) || !(await this.exists(name))) return { keep: false };
      seen.add(name);
      return { keep: true };
    });
    return [...seen].sort();
  }

  /**
   * Visit the messages in a queue now, once each: keep (copied back to the queue, then acked) or
   * not (acked: the visitor has confirmed its copy elsewhere). A visitor that throws keeps its
   * message and ends the walk.
   */
  async walk(queue: string, visit: (m: GetMessage) => Promise<Step>): Promise<void> {
    const { messageCount } = await this.ch.checkQueue(queue);
    for (let i = 0; i < messageCount; i++) {
      const m = await this.ch.get(queue, { noAck: false });
      if (!m) break;
      let step: Step;
      try {
        step = await visit(m);
      } catch (e) {
        await this.copyBack(queue, m);
        throw e;
      }
      if (step.keep) await this.copyBack(queue, m);
      else this.ch.ack(m);
      if (step.stop) break;
    }
  }

  private async copyBack(queue: string, m: GetMessage): Promise<void> {
    const headers = { ...(m.properties.headers ?? {}) };
    delete headers['x-delivery-count']; // the broker's count of this copy's deliveries, not ours
    await this.publish(queue, m.content, { ...baseOptions(m.properties), headers });
    this.ch.ack(m);
  }

  publish(queue: string, body: Buffer, options: Options.Publish): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ch.sendToQueue(queue, body, { ...options, persistent: true }, (err) =>
        err ? reject(err) : resolve(),
      );
    });
  }
}

/** Take the namespace's lock, waiting for another holder to finish (or say it is busy). */
async function lock(conn: ChannelModel, name: string, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const c = await conn.createChannel();
    c.on('error', () => {});
    try {
      await c.assertQueue(name, { exclusive: true, durable: false, autoDelete: true });
      return; // held until the connection closes
    } catch (e) {
      if ((e as { code?: number }).code !== 405) throw e; // 405 RESOURCE_LOCKED: someone else has it
    }
    if (Date.now() >= deadline)
      throw new AppError(
        'DLQ_BUSY',
        409,
        'Another dead-letter operation is running on this namespace; try again when it has finished',
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

const sourceOf = (dlq: string): string => dlq.replace(/\.dlq$/, '');

/** What identifies a message across walks: its message id, or a hash of its bytes. */
function keyOf(m: GetMessage): string {
  const id = m.properties.messageId;
  if (typeof id === 'string' && isSafeKey(id)) return id;
  return `sha256-${createHash('sha256').update(m.content).digest('hex').slice(0, 32)}`;
}

function view(m: GetMessage, dlq: string, ns: string): DeadLetterView {
  const h: Record<string, unknown> = m.properties.headers ?? {};
  const text = m.content.toString('utf8');
  const message = parseMessage(text);
  const deaths = Array.isArray(h['x-death']) ? (h['x-death'] as unknown[]) : [];
  const lastDeath = (deaths[0] ?? {}) as { queue?: unknown; reason?: unknown; time?: unknown };
  const ours = typeof h['x-onair-reason'] === 'string';
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const attempts = typeof h['x-onair-attempts'] === 'number' ? h['x-onair-attempts'] : null;
  const lastFailedAt = ours ? isoTime(h['x-onair-failed-at']) : isoTime(lastDeath.time, 's');
  const source = str(h['x-onair-queue']) ?? str(lastDeath.queue);
  return {
    id: deadLetterId(dlq, keyOf(m)),
    queue: source?.startsWith(`${ns}.`) ? source : sourceOf(dlq),
    deadLetterQueue: dlq,
    type: str(m.properties.type) ?? stringField(message, 'type') ?? null,
    reason: ours ? String(h['x-onair-reason']) : 'delivery-limit',
    error:
      str(h['x-onair-error']) ??
      `The broker dead-lettered it (${str(lastDeath.reason) ?? 'no reason given'}): a consumer kept crashing or lost its connection while handling it`,
    attempts,
    firstFailedAt: isoTime(h['x-onair-first-failed-at']) ?? (attempts === 1 ? lastFailedAt : null),
    lastFailedAt,
    message,
  };
}

/** The properties a copy keeps. Not userId (the broker checks it against the connection's user)
 * nor expiration (a copy must not expire in the DLQ). */
function baseOptions(p: MessageProperties): Options.Publish {
  return {
    contentType: p.contentType,
    contentEncoding: p.contentEncoding,
    correlationId: p.correlationId,
    replyTo: p.replyTo,
    messageId: p.messageId,
    timestamp: p.timestamp,
    type: p.type,
    appId: p.appId,
  };
}

/**
 * A replay is delivered as the bus first delivered it: same body, id and type, no attempt count
 * (so attempts start at 1), none of the failure headers, and no reply address (whoever waited
 * for a reply gave up long ago).
 */
function replayOptions(p: MessageProperties): Options.Publish {
  const headers: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p.headers ?? {})) {
    if (/^x-(onair-|death$|first-death-|last-death-|delivery-count$)/.test(k)) continue;
    headers[k] = v;
  }
  headers['x-onair-replayed-at'] = new Date().toISOString();
  return { ...baseOptions(p), correlationId: undefined, replyTo: undefined, headers };
}
