import { Batcher, type EntryResult } from '../src/batcher';

const ok = <E>(entries: E[]): Array<EntryResult<void>> => entries.map(() => ({ ok: true, value: undefined }));

describe('Batcher', () => {
  it('sends what was added in one turn as one call, split at maxEntries', async () => {
    const calls: number[][] = [];
    const b = new Batcher<number>({
      maxEntries: 4,
      flush: async (_k, entries) => {
        calls.push(entries);
        return ok(entries);
      },
    });
    await Promise.all(Array.from({ length: 10 }, (_, i) => b.add('k', i)));
    expect(calls).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });

  it('settles each entry with its own result, and retries only retryable failures', async () => {
    let round = 0;
    const b = new Batcher<string, string>({
      flush: async (_k, entries) => {
        round++;
        return entries.map((e) =>
          e === 'flaky' && round === 1
            ? { ok: false, error: new Error('throttled'), retryable: true }
            : e === 'bad'
              ? { ok: false, error: new Error('refused'), retryable: false }
              : { ok: true, value: `${e}@${round}` },
        );
      },
    });
    const [good, flaky, bad] = await Promise.allSettled([
      b.add('k', 'good'),
      b.add('k', 'flaky'),
      b.add('k', 'bad'),
    ]);
    expect(good).toEqual({ status: 'fulfilled', value: 'good@1' });
    expect(flaky).toEqual({ status: 'fulfilled', value: 'flaky@2' });
    expect(bad).toMatchObject({ status: 'rejected', reason: { message: 'refused' } });
  });

  it('with delayMs, collects the entries of several turns into one call (a group commit window)', async () => {
    const calls: number[][] = [];
    const b = new Batcher<number>({
      delayMs: 30,
      flush: async (_k, entries) => {
        calls.push(entries);
        return ok(entries);
      },
    });
    const first = b.add('k', 1);
    await new Promise((r) => setImmediate(r));
    const second = b.add('k', 2);
    await Promise.all([first, second]);
    expect(calls).toEqual([[1, 2]]);
  });

  it('with paceMs, sends a lone entry at once and collects a stream into one call per paceMs', async () => {
    const calls: Array<{ entries: number[]; at: number }> = [];
    const b = new Batcher<number>({
      paceMs: 40,
      flush: async (_k, entries) => {
        calls.push({ entries, at: Date.now() });
        return ok(entries);
      },
    });
    const turn = () => new Promise((r) => setImmediate(r));
    // After a quiet spell: the first entry leaves on the next turn, not after a window.
    const first = b.add('k', 1);
    await turn();
    await turn();
    expect(calls.map((c) => c.entries)).toEqual([[1]]);
    // Entries of the next turns (the stream) wait for the pace and leave together.
    const more = [b.add('k', 2)];
    await turn();
    more.push(b.add('k', 3));
    await Promise.all([first, ...more]);
    expect(calls.map((c) => c.entries)).toEqual([[1], [2, 3]]);
    const [one, two] = calls;
    expect(two && one && two.at - one.at).toBeGreaterThanOrEqual(39);
    // Once paceMs has passed with nothing sent, the next lone entry goes at once again.
    while (Date.now() - (two?.at ?? 0) < 45) await new Promise((r) => setTimeout(r, 5));
    const lone = b.add('k', 4);
    await turn();
    await turn();
    expect(calls.map((c) => c.entries)).toEqual([[1], [2, 3], [4]]);
    await lone;
  });

  it('keeps keys apart', async () => {
    const calls: string[] = [];
    const b = new Batcher<number>({
      flush: async (k, entries) => {
        calls.push(`${k}:${entries.join(',')}`);
        return ok(entries);
      },
    });
    await Promise.all([b.add('a', 1), b.add('b', 2), b.add('a', 3)]);
    expect(calls.sort()).toEqual(['a:1,3', 'b:2']);
  });
});
