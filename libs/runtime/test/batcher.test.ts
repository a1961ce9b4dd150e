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
