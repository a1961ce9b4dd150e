import type { Logger } from './logger';

export interface PeriodicJobOptions {
  /** One pass of the job. A pass that fails is logged and the job goes on: the next pass retries. */
  run: () => Promise<unknown>;
  /** The wait between the end of one pass and the start of the next. */
  everyMs: number;
  logger: Logger;
  /** Logged (at warn, with the error) when a pass fails. */
  failureMessage: string;
  /** Run a first pass at start() instead of one interval later. */
  runAtStart?: boolean;
}

export interface PeriodicJob {
  /** Runs the job every `everyMs` until stop(). */
  start(): void;
  /** No more passes; resolves once a pass in progress is done. */
  stop(): Promise<void>;
  /**
   * One pass now, started or not; while a pass runs, that pass (never two at once). Resolves
   * when it is done and never rejects (a failure is logged).
   */
  runNow(): Promise<void>;
}

/**
 * A reconcile loop and the like: passes never overlap (the next is scheduled when one ends),
 * errors are logged and never thrown, and stop() waits for a running pass so a shutdown does not
 * cut one off half way. The timer does not keep the process alive.
 */
export function periodicJob(o: PeriodicJobOptions): PeriodicJob {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let started = false;

  const runNow = (): Promise<void> => {
    running ??= Promise.resolve()
      .then(() => o.run())
      .then(
        () => undefined,
        (err: unknown) => o.logger.warn({ err }, o.failureMessage),
      )
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const schedule = () => {
    if (!started || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void runNow().then(schedule);
    }, o.everyMs);
    timer.unref();
  };

  return {
    start() {
      if (started) return;
      started = true;
      if (o.runAtStart) void runNow().then(schedule);
      else schedule();
    },
    async stop() {
      started = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
    runNow,
  };
}
