import { follow, StreamStateChanged } from '@onair/contracts';
import { EVENT_RANK, eventKey } from './handlers';
import { compensate, type SagaDeps } from './saga';
import type { Status, StreamRecord } from './store';

export interface ReconcilerOptions {
  /** A stream still provisioning after this long is failed and compensated. */
  provisioningTimeoutMs: number;
  intervalMs: number;
}

/**
 * Repairs drift between our records and IVS, at start-up and on a timer:
 * - a stream stuck in `provisioning` (a crash mid-saga, a compensation that kept failing) is
 *   compensated and fails with the reason;
 * - a `ready`/`live` stream whose channel was deleted behind our back fails;
 * - a missed Stream Start / Stream End is caught up from GetStream.
 * Repairs are conditional writes like every other, so a real event racing a repair is safe.
 */
export class Reconciler {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly d: SagaDeps,
    private readonly o: ReconcilerOptions,
  ) {}

  start(): void {
    void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), this.o.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass (never two at once); resolves when it is done. Errors are logged, never thrown. */
  runOnce(): Promise<void> {
    this.running ??= this.pass()
      .catch((err) => this.d.logger.error({ err }, 'reconciliation pass failed'))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async pass(): Promise<void> {
    const now = this.d.now();
    const stuckBefore = new Date(now.getTime() - this.o.provisioningTimeoutMs).toISOString();
    for (const r of await this.d.store.byStatus('provisioning', stuckBefore)) {
      if (r.deleting) continue;
      const reason =
        r.failureReason ??
        `Provisioning did not finish within ${Math.round(this.o.provisioningTimeoutMs / 1000)} s`;
      await this.guard(r, () => compensate(this.d, r, reason, this.cause(r, 'stuck')));
    }
    const all = `${now.toISOString()}~`;
    for (const status of ['ready', 'live'] as const) {
      for (const r of await this.d.store.byStatus(status, all)) {
        if (!r.deleting && r.channelArn) await this.guard(r, () => this.check(r, status));
      }
    }
  }

  private async guard(r: StreamRecord, f: () => Promise<unknown>): Promise<void> {
    try {
      await f();
    } catch (err) {
      this.d.logger.warn({ err, streamId: r.streamId }, 'could not reconcile a stream');
    }
  }

  private cause(r: StreamRecord, what: string) {
    const id = `reconcile:${r.streamId}:${what}:${r.updatedAt}`;
    return { id, correlationid: id };
  }

  private async check(r: StreamRecord, status: 'ready' | 'live'): Promise<void> {
    const arn = r.channelArn as string;
    let next: { status: Status; reason?: string } | undefined;
    if (!(await this.d.ivs.getChannel(arn))) {
      next = { status: 'failed', reason: 'The IVS channel was deleted outside onair' };
    } else {
      const live = await this.d.ivs.getStream(arn);
      if (status === 'ready' && live?.state === 'LIVE') next = { status: 'live' };
      if (status === 'live' && !live)
        next = { status: 'ended', reason: 'The broadcast ended (missed Stream End)' };
    }
    if (!next) return;
    const now = this.d.now();
    const key = eventKey(now, EVENT_RANK.reconcile);
    const after = await this.d.store.patch(
      r.streamId,
      {
        set: {
          status: next.status,
          previousStatus: status,
          lastEventKey: key,
          ...(next.status === 'failed'
            ? { failureReason: next.reason, streamKey: null, streamKeyArn: null }
            : {}),
        },
        ifStatus: [status],
        ifNotDeleting: true,
        ifEventNewerThan: key,
      },
      now.toISOString(),
    );
    if (!after) return;
    this.d.logger.warn(
      { streamId: r.streamId, from: status, to: next.status, reason: next.reason },
      'repaired drift',
    );
    await this.d.bus.publish(
      follow(this.cause(r, next.status), {
        type: StreamStateChanged.type,
        source: 'stream-svc',
        subject: r.streamId,
        data: {
          streamId: r.streamId,
          chatRoomId: r.chatRoomId,
          status: next.status,
          previousStatus: status,
          ...(next.reason ? { reason: next.reason } : {}),
          at: now.toISOString(),
        },
      }),
    );
  }
}
