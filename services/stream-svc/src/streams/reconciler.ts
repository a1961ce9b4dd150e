import { followWith, StreamStateChanged } from '@onair/contracts';
import { type PeriodicJob, periodicJob } from '@onair/runtime';
import { EVENT_RANK, eventKey } from './handlers';
import { compensate, type SagaDeps } from './saga';
import type { Status, StreamRecord } from './store';

/** How long an ended stream is still compared with IVS (a missed Stream Start after it). */
const RECENTLY_ENDED_MS = 60 * 60_000;

export interface ReconcilerOptions {
  /**
   * A stream that made no progress in provisioning for this long is failed and compensated; but
   * only once this process has been up this long too (see pass()).
   */
  provisioningTimeoutMs: number;
  intervalMs: number;
}

/**
 * Repairs drift between our records and IVS, at start-up and on a timer:
 * - a stream stuck in `provisioning` (a saga that hangs, a create whose command is lost, a
 *   compensation that kept failing) is compensated and fails with the reason;
 * - a `ready`/`live` stream whose channel was deleted behind our back fails;
 * - a missed Stream Start / Stream End is caught up from ListStreams.
 * Repairs are conditional writes like every other, so a real event racing a repair is safe.
 */
export class Reconciler {
  private readonly job: PeriodicJob;
  private readonly upSince: number;

  constructor(
    private readonly deps: SagaDeps,
    private readonly options: ReconcilerOptions,
  ) {
    this.upSince = deps.now().getTime();
    this.job = periodicJob({
      run: () => this.pass(),
      everyMs: options.intervalMs,
      runAtStart: true,
      logger: deps.logger,
      failureMessage: 'reconciliation pass failed; will try again',
    });
  }

  /** A pass now, then one every intervalMs. */
  start(): void {
    this.job.start();
  }

  async stop(): Promise<void> {
    await this.job.stop();
  }

  /** One pass (never two at once); resolves when it is done. Errors are logged, never thrown. */
  runOnce(): Promise<void> {
    return this.job.runNow();
  }

  private async pass(): Promise<void> {
    const now = this.deps.now();
    const stuckBefore = new Date(now.getTime() - this.options.provisioningTimeoutMs).toISOString();
    // A create whose process died is redelivered to the next one that consumes commands, and
    // resumes there (every step refreshes updatedAt). So a saga that can still finish (no failure
    // recorded) is stuck only when this process too has been up the whole timeout without it
    // moving: after a restart, however long the outage, its command gets that long to resume.
    const upLongEnough = now.getTime() - this.upSince >= this.options.provisioningTimeoutMs;
    for (const r of await this.deps.store.byStatus('provisioning', stuckBefore)) {
      if (r.deleting) continue;
      if (!r.failureReason && !upLongEnough) continue;
      const reason =
        r.failureReason ??
        `Provisioning did not finish within ${Math.round(this.options.provisioningTimeoutMs / 1000)} s`;
      await this.guard(r, () => compensate(this.deps, r, reason, this.cause(r, 'stuck')));
    }
    const all = `${now.toISOString()}~`;
    // Recently ended streams too: a Stream Start we missed (or an end we inferred from a lagging
    // ListStreams) is corrected on the next pass.
    const recent = new Date(now.getTime() - RECENTLY_ENDED_MS).toISOString();
    const candidates = [
      ...(await this.deps.store.byStatus('ready', all)),
      ...(await this.deps.store.byStatus('live', all)),
      ...(await this.deps.store.byStatus('ended', all, { since: recent })),
    ].filter((r) => !r.deleting && r.channelArn);
    if (candidates.length === 0) return;
    // Two list calls for every stream at once (IVS allows 5 TPS per operation).
    const missing = await this.deps.ivs.missingChannels(candidates.map((r) => r.channelArn as string));
    const live = await this.deps.ivs.liveChannels();
    for (const r of candidates) await this.guard(r, () => this.check(r, missing, live));
  }

  private async guard(r: StreamRecord, f: () => Promise<unknown>): Promise<void> {
    try {
      await f();
    } catch (err) {
      this.deps.logger.warn({ err, streamId: r.streamId }, 'could not reconcile a stream');
    }
  }

  private cause(r: StreamRecord, what: string) {
    const id = `reconcile:${r.streamId}:${what}:${r.updatedAt}`;
    return { id, correlationid: id };
  }

  private async check(r: StreamRecord, missing: Set<string>, liveNow: Map<string, unknown>): Promise<void> {
    const arn = r.channelArn as string;
    const status = r.status as 'ready' | 'live' | 'ended';
    let next: { status: Status; reason?: string } | undefined;
    if (missing.has(arn)) next = { status: 'failed', reason: 'The IVS channel was deleted outside onair' };
    else if (status !== 'live' && liveNow.has(arn)) next = { status: 'live' };
    else if (status === 'live' && !liveNow.has(arn))
      next = { status: 'ended', reason: 'The broadcast ended (missed Stream End)' };
    if (!next) return;
    const now = this.deps.now();
    const key = eventKey(now, EVENT_RANK.reconcile);
    const after = await this.deps.store.patch(
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
    this.deps.logger.warn(
      { streamId: r.streamId, from: status, to: next.status, reason: next.reason },
      'repaired drift',
    );
    await this.deps.bus.publish(
      followWith(StreamStateChanged, this.cause(r, next.status), {
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
