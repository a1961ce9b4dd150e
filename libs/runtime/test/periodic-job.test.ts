import { Writable } from 'node:stream';
import pino from 'pino';
import { periodicJob } from '../src/periodic-job';

/** A logger whose lines the test reads. */
function capturingLogger() {
  const lines: Array<{ level: number; msg: string; err?: { message: string } }> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

/** A pass the test finishes when it wants to. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { open, opened };
}

describe('periodicJob', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs every interval after start, the first one interval later', async () => {
    let passes = 0;
    const job = periodicJob({
      run: async () => {
        passes++;
      },
      everyMs: 1000,
      logger: capturingLogger().logger,
      failureMessage: 'failed',
    });
    job.start();
    await jest.advanceTimersByTimeAsync(999);
    expect(passes).toBe(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(passes).toBe(1);
    await jest.advanceTimersByTimeAsync(2000);
    expect(passes).toBe(3);
    await job.stop();
  });

  it('with runAtStart runs a first pass at once', async () => {
    let passes = 0;
    const job = periodicJob({
      run: async () => {
        passes++;
      },
      everyMs: 1000,
      runAtStart: true,
      logger: capturingLogger().logger,
      failureMessage: 'failed',
    });
    job.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(passes).toBe(1);
    await jest.advanceTimersByTimeAsync(1000);
    expect(passes).toBe(2);
    await job.stop();
  });

  it('logs a failed pass instead of throwing, and runs again next time', async () => {
    const { logger, lines } = capturingLogger();
    let passes = 0;
    const job = periodicJob({
      run: async () => {
        passes++;
        if (passes === 1) throw new Error('provider down');
      },
      everyMs: 100,
      logger,
      failureMessage: 'reconciliation failed; will try again',
    });
    job.start();
    await jest.advanceTimersByTimeAsync(100);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        msg: 'reconciliation failed; will try again',
        err: expect.objectContaining({ message: 'provider down' }),
      }),
    ]);
    await jest.advanceTimersByTimeAsync(100);
    expect(passes).toBe(2);
    expect(lines).toHaveLength(1);
    // runNow() never rejects either, and a synchronous throw is a failed pass like any other.
    const throwing = periodicJob({
      run: () => {
        throw new Error('sync');
      },
      everyMs: 100,
      logger,
      failureMessage: 'sync failure',
    });
    await expect(throwing.runNow()).resolves.toBeUndefined();
    expect(lines.at(-1)).toMatchObject({ msg: 'sync failure' });
    await job.stop();
  });

  it('never runs two passes at once: runNow during a pass is that pass, and the timer waits for it', async () => {
    let running = 0;
    let most = 0;
    let passes = 0;
    let current = gate();
    const job = periodicJob({
      run: async () => {
        passes++;
        running++;
        most = Math.max(most, running);
        await current.opened;
        running--;
      },
      everyMs: 100,
      logger: capturingLogger().logger,
      failureMessage: 'failed',
    });
    job.start();
    const first = job.runNow();
    expect(job.runNow()).toBe(first);
    await jest.advanceTimersByTimeAsync(1000); // the interval passes while the pass still runs
    expect(passes).toBe(1);
    const pass = current;
    current = gate();
    pass.open();
    await first;
    await jest.advanceTimersByTimeAsync(100);
    expect(passes).toBe(2);
    current.open();
    expect(most).toBe(1);
    await job.stop();
  });

  it('stop waits for the pass in progress, and no pass starts after it', async () => {
    const pass = gate();
    let passes = 0;
    let finished = false;
    const job = periodicJob({
      run: async () => {
        passes++;
        await pass.opened;
        finished = true;
      },
      everyMs: 100,
      logger: capturingLogger().logger,
      failureMessage: 'failed',
    });
    job.start();
    await jest.advanceTimersByTimeAsync(100);
    expect(passes).toBe(1);
    let stopped = false;
    const stopping = job.stop().then(() => {
      stopped = true;
    });
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    pass.open();
    await stopping;
    expect(finished).toBe(true);
    await jest.advanceTimersByTimeAsync(1000);
    expect(passes).toBe(1);
  });

  it('runNow works without start (tests and start-up passes), and schedules nothing', async () => {
    let passes = 0;
    const job = periodicJob({
      run: async () => {
        passes++;
      },
      everyMs: 100,
      logger: capturingLogger().logger,
      failureMessage: 'failed',
    });
    await job.runNow();
    await jest.advanceTimersByTimeAsync(1000);
    expect(passes).toBe(1);
  });
});
