import { type ContractRegistry, type Envelope, SystemError, envelopeOf } from '@onair/contracts';
import { isAppError, isRetryable, publicMessage } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { SeenIds } from './seen-ids';
import type { MessageHandler } from './types';

/** What a transport must do with a delivery once the handler has run. */
export type Outcome =
  | { kind: 'ack'; reply?: Envelope; duplicate?: boolean }
  | { kind: 'retry'; delayMs: number; error: string }
  | { kind: 'dead-letter'; reason: 'invalid' | 'failed'; error: string; reply?: Envelope };

export interface DispatcherOptions {
  queue: string;
  service: string;
  registry: ContractRegistry;
  handler: MessageHandler;
  logger: Logger;
  metrics?: Metrics;
  maxAttempts: number;
  retryDelaysMs: number[];
}

/**
 * The transport-independent half of consuming: parse, validate against the contract, skip
 * duplicates, run the handler, and decide ack / retry / dead-letter / reply. A bad message
 * never throws out of here, so it can never crash a consumer.
 */
export class Dispatcher {
  private readonly seen = new SeenIds();
  /** Ids whose handler is running now: a concurrent copy waits for it instead of running twice. */
  private readonly running = new Map<string, Promise<Outcome>>();

  constructor(private readonly options: DispatcherOptions) {}

  async handle(body: Buffer | string, attempt: number): Promise<Outcome> {
    let msg: unknown;
    try {
      msg = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
    } catch (e) {
      return this.invalid(`not JSON: ${(e as Error).message}`, undefined);
    }
    const check = this.options.registry.validate(msg);
    if (!check.ok) return this.invalid(check.reason ?? 'invalid message', msg);
    const env = msg as Envelope;

    if (this.seen.has(env.id)) {
      this.count(env.type, 'duplicate');
      return { kind: 'ack', reply: this.seen.reply(env.id), duplicate: true };
    }
    const first = this.running.get(env.id);
    if (first) {
      // The same id is being handled right now (a redelivery racing the original). Whatever
      // becomes of the original (ack, retry, dead-letter), this copy is done.
      const o = await first;
      this.count(env.type, 'duplicate');
      return { kind: 'ack', reply: 'reply' in o ? o.reply : undefined, duplicate: true };
    }
    const run = this.run(env, attempt);
    this.running.set(env.id, run);
    try {
      return await run;
    } finally {
      this.running.delete(env.id);
    }
  }

  private async run(env: Envelope, attempt: number): Promise<Outcome> {
    // A child logger per message costs more than the rest of dispatch: make it on first use.
    let child: Logger | undefined;
    const ctxLog = (): Logger => {
      child ??= this.options.logger.child({
        msgId: env.id,
        type: env.type,
        correlationid: env.correlationid,
        attempt,
      });
      return child;
    };
    const started = process.hrtime.bigint();
    try {
      const ctx = {
        attempt,
        get log() {
          return ctxLog();
        },
      };
      const reply = (await this.options.handler(env, ctx)) ?? undefined;
      this.options.metrics?.busHandleDuration.observe(
        { queue: this.options.queue, type: env.type },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
      this.seen.add(env.id, reply);
      this.count(env.type, 'ack');
      return { kind: 'ack', reply };
    } catch (e) {
      this.options.metrics?.handlerFailures.inc({ queue: this.options.queue, type: env.type });
      const error = e instanceof Error ? e.message : String(e);
      if (!isRetryable(e)) {
        // The caller's mistake (404, 409, 400…): no point trying again. Answer and move on.
        ctxLog().info({ err: e }, 'command refused');
        const reply = this.errorReply(env, e);
        this.seen.add(env.id, reply);
        this.count(env.type, 'refused');
        return { kind: 'ack', reply };
      }
      if (attempt >= this.options.maxAttempts) {
        ctxLog().error({ err: e }, 'handler failed on the last attempt; dead-lettering');
        this.options.metrics?.deadLettered.inc({ queue: this.options.queue, reason: 'failed' });
        this.count(env.type, 'dead-letter');
        return { kind: 'dead-letter', reason: 'failed', error, reply: this.errorReply(env, e) };
      }
      const delays = this.options.retryDelaysMs;
      const delayMs = delays[Math.min(attempt - 1, delays.length - 1)];
      ctxLog().warn({ err: e, delayMs }, 'handler failed; will retry');
      this.count(env.type, 'retry');
      return { kind: 'retry', delayMs, error };
    }
  }

  /**
   * A message that is not JSON or breaks its contract: dead-lettered at once, never handled. It
   * also carries an error reply (400 BUS_INVALID_MESSAGE with the reason), which the transport
   * sends when the message came with a reply address: a request gets its answer now instead of
   * waiting for its timeout.
   */
  private invalid(reason: string, msg: unknown): Outcome {
    this.options.logger.warn({ queue: this.options.queue, reason }, 'invalid message; dead-lettering');
    this.options.metrics?.deadLettered.inc({ queue: this.options.queue, reason: 'invalid' });
    this.count('invalid', 'dead-letter');
    return { kind: 'dead-letter', reason: 'invalid', error: reason, reply: this.invalidReply(reason, msg) };
  }

  private invalidReply(reason: string, msg: unknown): Envelope {
    // Whatever the message is, its id and correlation id are used only if they are usable.
    const m = msg && typeof msg === 'object' ? (msg as Record<string, unknown>) : {};
    const text = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : undefined);
    return envelopeOf(SystemError, {
      source: this.options.service,
      correlationid: text(m.correlationid),
      causationid: text(m.id),
      data: {
        code: 'BUS_INVALID_MESSAGE',
        status: 400,
        message: `The message does not match its contract: ${reason}`.slice(0, 2000),
      },
    });
  }

  private count(type: string, outcome: string): void {
    this.options.metrics?.busConsumed.inc({ queue: this.options.queue, type, outcome });
  }

  private errorReply(cause: Envelope, e: unknown): Envelope {
    const app = isAppError(e) ? e : undefined;
    return envelopeOf(SystemError, {
      source: this.options.service,
      correlationid: cause.correlationid,
      causationid: cause.id,
      data: {
        code: app?.code ?? 'INTERNAL',
        status: app?.status ?? 500,
        // The one policy (publicMessage) for what the caller reads; internals stay in our logs,
        // and so do the details of every 5xx.
        message: publicMessage(e) ?? 'The service could not complete this command',
        ...(app && app.status < 500 && app.details !== undefined ? { details: app.details } : {}),
      },
    });
  }
}

/** Turn a reply envelope back into a value or a thrown AppError, on the requesting side. */
export { SeenIds };
