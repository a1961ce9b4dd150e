// Seed 003 groups are made by joining them: a user may make only so many a minute (the REST
// creates limit), once across gateways sharing Redis, while joining existing groups stays free.
// An outside test found a viewer making 241 rooms in 4 s over many sockets.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { resolveSeed003Join, type ChatAccess } from '../src/sockets/access';
import { createBudget } from '../src/sockets/group-budget';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Group rooms in memory: what chat-svc and its table would hold. */
function access(budget: ChatAccess['groupBudget']): ChatAccess & { made: string[] } {
  const rooms = new Map<string, { provider: string; name?: string }>();
  const made: string[] = [];
  return {
    made,
    rooms: { get: async (id) => rooms.get(id) },
    bans: { activeBan: async () => undefined },
    groups: {
      async create(roomId, name) {
        made.push(name);
        rooms.set(roomId, { provider: 'native', name });
      },
    },
    groupBudget: budget,
  };
}

describe('new seed 003 groups per user', () => {
  const clients: Redis[] = [];
  afterAll(() => {
    for (const c of clients) c.disconnect();
  });

  it('refuses the group past the limit with 429 and when to retry; existing groups still join', async () => {
    let t = 60_000 * 1000 + 15_000; // 15 s into a minute
    const a = access(createBudget({ perMinute: 3, now: () => t }));
    for (const g of ['g1', 'g2', 'g3']) await resolveSeed003Join(a, g, 'vic');
    await expect(resolveSeed003Join(a, 'g4', 'vic')).rejects.toMatchObject({
      status: 429,
      message: expect.stringMatching(/at most 3 a minute; retry in 45 s/),
    });
    expect(a.made).toEqual(['g1', 'g2', 'g3']);
    await expect(resolveSeed003Join(a, 'g1', 'vic')).resolves.toMatchObject({ groupId: 'g1' });
    await expect(resolveSeed003Join(a, 'g4', 'ann')).resolves.toMatchObject({ groupId: 'g4' }); // per user
    t += 45_000; // the next minute
    await expect(resolveSeed003Join(a, 'g5', 'vic')).resolves.toMatchObject({ groupId: 'g5' });
  });

  it('counts once across gateways sharing Redis, and lets joins through while Redis is away', async () => {
    const redis = () => {
      const r = new Redis(REDIS_URL, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        lazyConnect: true,
      });
      r.on('error', () => {});
      clients.push(r);
      return r;
    };
    const [r1, r2] = [redis(), redis()];
    await Promise.all([r1.connect(), r2.connect()]);
    const namespace = `t-${randomUUID().slice(0, 8)}`;
    const now = () => 60_000 * 2000 + 1000; // one minute for the whole loop
    const gw1 = access(createBudget({ perMinute: 4, redis: r1, namespace, now }));
    const gw2 = access(createBudget({ perMinute: 4, redis: r2, namespace, now }));
    const user = `u-${randomUUID()}`;
    const outcomes: number[] = [];
    for (let i = 0; i < 8; i++) {
      const gw = i % 2 ? gw2 : gw1;
      outcomes.push(
        await resolveSeed003Join(gw, `${user}-${i}`, user).then(
          () => 200,
          (e: { status?: number }) => e.status ?? 0,
        ),
      );
    }
    // Four in all, not four per gateway.
    expect(outcomes).toEqual([200, 200, 200, 200, 429, 429, 429, 429]);

    const away = new Redis('redis://127.0.0.1:9', {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      lazyConnect: true,
    });
    away.on('error', () => {});
    clients.push(away);
    const gw3 = access(createBudget({ perMinute: 1, redis: away, namespace }));
    for (let i = 0; i < 3; i++) await resolveSeed003Join(gw3, `${user}-away-${i}`, user);
    expect(gw3.made).toHaveLength(3);
  });
});
