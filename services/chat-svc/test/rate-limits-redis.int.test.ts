// Rate limits and slow mode shared by chat-svc instances through Redis (127.0.0.1:6379), each test
// under a key prefix of its own. Nothing here flushes Redis: the test deletes its own keys.
import { Writable } from 'node:stream';
import { type Envelope, makeEnvelope } from '@onair/contracts';
import { createDocumentClient, ensureTable, silentLogger } from '@onair/runtime';
import { Redis } from 'ioredis';
import pino from 'pino';
import { recordingBus, startDynalite } from '../../../test/support';
import { buildService } from '../src/app';
import { FakeIvsChat } from '../src/ivs-chat/fake';
import { MemoryRateLimits, type RateDecision, type RateSettings } from '../src/messages/rate-limits';
import { RedisRateLimits } from '../src/messages/redis-rate-limits';
import { CHAT_TABLE_INDEXES } from '../src/rooms/store';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('chat rate limits on Redis', () => {
  let admin: Redis;
  const prefixes: string[] = [];
  const closers: Array<() => Promise<void>> = [];
  const newPrefix = () => {
    const p = `test:chat-rl:${Math.random().toString(36).slice(2)}:`;
    prefixes.push(p);
    return p;
  };

  beforeAll(async () => {
    admin = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await admin.connect();
  });
  afterAll(async () => {
    for (const c of closers.splice(0)) await c();
    for (const p of prefixes) {
      const keys = await admin.keys(`${p}*`);
      if (keys.length) await admin.del(...keys);
    }
    await admin.quit();
  });

  it('decides exactly as the in-memory limiter on a fixed sequence, and every key it leaves expires', async () => {
    const prefix = newPrefix();
    const redis = new RedisRateLimits({ url: REDIS_URL, keyPrefix: prefix, logger: silentLogger });
    closers.push(() => redis.close());
    expect(await redis.ready()).toBe(true);
    const memory = new MemoryRateLimits();
    // A fixed pseudo-random walk: rooms with different rates and slow modes, users, time steps.
    let seed = 42;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const rooms: Array<[string, RateSettings]> = [
      ['fast', { maximumMessageRatePerSecond: 5, slowModeSeconds: 0 }],
      ['slow', { maximumMessageRatePerSecond: 10, slowModeSeconds: 2 }],
      ['tiny', { maximumMessageRatePerSecond: 1, slowModeSeconds: 0 }],
      ['odd', { maximumMessageRatePerSecond: 3, slowModeSeconds: 1 }],
    ];
    // One user, often, faster than their half of the room's rate: the user bucket refuses.
    const hot: [string, RateSettings] = ['hot', { maximumMessageRatePerSecond: 3, slowModeSeconds: 0 }];
    let now = 1_700_000_000_000;
    const fromRedis: RateDecision[] = [];
    const fromMemory: RateDecision[] = [];
    for (let i = 0; i < 600; i++) {
      const [roomId, s] = next() < 0.4 ? hot : rooms[Math.floor(next() * rooms.length)];
      const userId = roomId === 'hot' ? 'solo' : `u${Math.floor(next() * 4)}`;
      now += Math.floor(next() * 8) === 0 ? Math.floor(next() * 1500) : Math.floor(next() * 30);
      fromRedis.push(await redis.decide(roomId, userId, s, now));
      fromMemory.push(memory.decide(roomId, userId, s, now));
    }
    expect(fromRedis).toEqual(fromMemory);
    // The walk must have exercised every kind of decision, or the comparison proves little.
    expect(new Set(fromMemory.map((d) => d.kind))).toEqual(new Set(['ok', 'slow', 'room', 'user']));

    const keys = await admin.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) {
      const ttl = await admin.pttl(k);
      expect([k, ttl > 0 && ttl <= 3601_000]).toEqual([k, true]);
    }
  });

  describe('two chat-svc instances', () => {
    let db: Awaited<ReturnType<typeof startDynalite>>;
    beforeAll(async () => {
      db = await startDynalite();
    });
    afterAll(async () => db.close());

    let clock: Date;
    const ctx = { attempt: 1, log: silentLogger };
    const owner = { userId: 'owner', roles: ['streamer' as const] };

    /** Two instances on one table; on one Redis prefix when `shared`, else each in memory. */
    async function pair(opts: { redisUrl?: string; logger?: typeof silentLogger } = {}) {
      const ddb = createDocumentClient({ region: 'us-east-1', endpoint: db.endpoint });
      const tableName = `chat-${Math.random().toString(36).slice(2)}`;
      await ensureTable(ddb, { name: tableName, indexes: CHAT_TABLE_INDEXES });
      const redisKeyPrefix = newPrefix();
      clock = new Date('2030-01-01T00:00:00Z');
      const make = async (instanceId: string) => {
        const svc = buildService({
          bus: recordingBus(),
          logger: opts.logger ?? silentLogger,
          instanceId,
          ddb,
          tableName,
          ivsChat: new FakeIvsChat(),
          redisUrl: opts.redisUrl,
          redisKeyPrefix,
          now: () => clock,
        });
        await svc.start();
        closers.push(() => svc.stop());
        return svc;
      };
      const a = await make('chat-a');
      const b = await make('chat-b');
      const run = (svc: typeof a, type: string, data: unknown) =>
        svc.router.handle(makeEnvelope({ type, source: 'test', data }), ctx) as Promise<Envelope>;
      let n = 0;
      const send = (svc: typeof a, roomId: string, userId = 'bob') =>
        run(svc, 'onair.chat.message.send.v1', {
          roomId,
          sender: { userId },
          connectionId: 'c1',
          gatewayId: 'gw-1',
          requestId: `req-${++n}`,
          content: `hello ${n}`,
        }).then(
          () => 'ok' as const,
          (e: { status?: number; message?: string }) => {
            if (e.status !== 429) throw e;
            return e.message ?? '429';
          },
        );
      const room = (roomId: string, settings: object) =>
        run(a, 'onair.chat.room.create.v1', {
          roomId,
          actor: owner,
          provider: 'native',
          name: roomId,
          settings,
        });
      return { a, b, send, room };
    }

    /** Send `count` messages alternately through a and b at the same instant; how many went. */
    async function alternate(p: Awaited<ReturnType<typeof pair>>, roomId: string, count: number) {
      let accepted = 0;
      for (let i = 0; i < count; i++) if ((await p.send(i % 2 ? p.b : p.a, roomId)) === 'ok') accepted++;
      return accepted;
    }

    it('a user sending through both alternately is limited at the room rate, not twice it', async () => {
      const p = await pair({ redisUrl: REDIS_URL });
      // rate 4/s: the user's bucket is 2/s with a burst of 4, the room's 4/s with a burst of 4.
      await p.room('lobby', { maximumMessageRatePerSecond: 4 });
      expect(await alternate(p, 'lobby', 10)).toBe(4);
      clock = new Date(clock.getTime() + 1000);
      expect(await alternate(p, 'lobby', 10)).toBe(2); // the user's 2/s, whichever instance
      // The room's bucket is shared too: another user, through the other instance, is refused by it.
      expect(await p.send(p.b, 'lobby', 'carl')).toBe(
        'This room is receiving too many messages; retry in 1 s',
      );
    });

    it('(without Redis each instance counts alone: the same sends get twice through)', async () => {
      const p = await pair();
      await p.room('lobby', { maximumMessageRatePerSecond: 4 });
      expect(await alternate(p, 'lobby', 10)).toBe(8);
    });

    it('slow mode holds across both instances', async () => {
      const p = await pair({ redisUrl: REDIS_URL });
      await p.room('calm', { maximumMessageRatePerSecond: 100, slowModeSeconds: 10 });
      expect(await p.send(p.a, 'calm')).toBe('ok');
      clock = new Date(clock.getTime() + 3000);
      expect(await p.send(p.b, 'calm')).toBe('Slow mode is on: wait 7 s before your next message');
      expect(await p.send(p.b, 'calm', 'dora')).toBe('ok');
      clock = new Date(clock.getTime() + 7000);
      expect(await p.send(p.b, 'calm')).toBe('ok');
      expect(await p.send(p.a, 'calm')).toBe('Slow mode is on: wait 10 s before your next message');
    });

    it('Redis unreachable: messages still go, limited by each instance, with one warning per interval', async () => {
      const lines: string[] = [];
      const logger = pino(
        { level: 'warn' },
        new Writable({
          write(chunk: Buffer, _enc, cb) {
            lines.push(chunk.toString('utf8'));
            cb();
          },
        }),
      );
      const p = await pair({ redisUrl: 'redis://127.0.0.1:1', logger });
      await p.room('lobby', { maximumMessageRatePerSecond: 4 });
      expect(await alternate(p, 'lobby', 10)).toBe(8); // each instance's own limits
      const warnings = lines.filter((l) => l.includes('Redis is unavailable for chat rate limits'));
      expect(warnings.length).toBeGreaterThanOrEqual(1);
      expect(warnings.length).toBeLessThanOrEqual(2); // one per instance in the interval
    });
  });
});
