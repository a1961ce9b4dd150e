import type { Redis } from 'ioredis';

/**
 * How many new seed 003 groups one user may make per minute by joining them (each first join of
 * a new name stores a chat room): the same number as REST creates (RATE_LIMIT_CREATES_PER_MINUTE),
 * counted apart. On Redis when the gateway has one, so the limit holds across every instance;
 * in memory otherwise. If Redis is unreachable the join goes through, as REST requests do.
 */
export interface CreateBudget {
  /** Take one: undefined when allowed, else the seconds until the user may make another. */
  take(userId: string): Promise<number | undefined>;
  readonly perMinute: number;
}

const WINDOW_MS = 60_000;

/** A fixed one-minute window per user; `now` for tests. */
export function createBudget(o: {
  perMinute: number;
  redis?: Redis;
  namespace?: string;
  now?: () => number;
}): CreateBudget | undefined {
  if (o.perMinute <= 0) return undefined;
  const now = o.now ?? Date.now;
  const waitOf = (t: number) => Math.max(1, Math.ceil((WINDOW_MS - (t % WINDOW_MS)) / 1000));
  const redis = o.redis;
  if (redis) {
    const prefix = `${o.namespace ?? 'onair'}:gateway:rate:group-create:`;
    return {
      perMinute: o.perMinute,
      async take(userId) {
        const t = now();
        const key = `${prefix}${Math.floor(t / WINDOW_MS)}:${userId}`;
        let count: number;
        try {
          // [[error, value], …] per command: INCR's value is the count in this window.
          const replies = await redis.multi().incr(key).pexpire(key, WINDOW_MS).exec();
          count = Number(replies?.[0]?.[1]);
        } catch {
          return undefined;
        }
        return count > o.perMinute ? waitOf(t) : undefined; // NaN (INCR failed): let it through
      },
    };
  }
  let window = -1;
  let counts = new Map<string, number>();
  return {
    perMinute: o.perMinute,
    async take(userId) {
      const t = now();
      const w = Math.floor(t / WINDOW_MS);
      if (w !== window) {
        window = w;
        counts = new Map(); // last minute's counts are of no use: memory stays bounded
      }
      const n = (counts.get(userId) ?? 0) + 1;
      counts.set(userId, n);
      return n > o.perMinute ? waitOf(t) : undefined;
    },
  };
}
