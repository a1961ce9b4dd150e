// REST rate limits as a flood meets them: one user against two gateway instances sharing Redis
// is limited once, not per instance; a flood of bad tokens is limited per address; a refusal is
// a 429 problem+json with Retry-After; Redis going away lets requests through instead of failing.
import { randomUUID } from 'node:crypto';
import { contracts } from '@onair/contracts';
import { createDocumentClient, MemoryBus, Metrics, silentLogger } from '@onair/runtime';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { buildApp } from '../src/app';
import { createTokenVerifier } from '../src/auth';
import type { RateLimitSettings } from '../src/http/rate-limits';
import { ChatRoomsReadModel } from '../src/read-models/chat-rooms';
import { StreamsReadModel } from '../src/read-models/streams';
import { TEST_SECRET, tokenFor } from './helpers';

jest.setTimeout(60_000);

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const namespace = `t-${randomUUID().slice(0, 8)}`;
const buses: MemoryBus[] = [];
const apps: FastifyInstance[] = [];
const clients: Redis[] = [];

const redisClient = (url = REDIS_URL) => {
  const r = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
  r.on('error', () => {});
  clients.push(r);
  return r;
};

async function gateway(limits: Partial<RateLimitSettings>): Promise<FastifyInstance> {
  const bus = new MemoryBus({ namespace, service: 'gateway', registry: contracts });
  await bus.start();
  buses.push(bus);
  // Never reached: every request below is refused or fails validation before a table is read.
  const ddb = createDocumentClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9' });
  const app = await buildApp({
    bus,
    logger: silentLogger,
    metrics: new Metrics({ defaultMetrics: false }),
    verifier: createTokenVerifier({ JWT_SECRET: TEST_SECRET }),
    instanceId: `gw-${apps.length}`,
    streams: {
      streams: new StreamsReadModel(ddb, 'none'),
      chatRooms: new ChatRoomsReadModel(ddb, 'none'),
      chatDefaultProvider: 'native',
    },
    rateLimits: {
      perIpPerMinute: 0,
      perUserPerMinute: 0,
      createsPerMinute: 0,
      tokensPerMinute: 0,
      ...limits,
    },
  });
  apps.push(app);
  return app;
}

/** A create (POST /v1/streams) whose body fails validation: counted, then a 400. */
const create = async (app: FastifyInstance, user: string) =>
  app.inject({
    method: 'POST',
    url: '/v1/streams',
    headers: { authorization: `Bearer ${await tokenFor(user, ['streamer'])}` },
    payload: {},
  });

describe('REST rate limits', () => {
  afterAll(async () => {
    for (const a of apps) await a.close();
    for (const b of buses) await b.close();
    for (const c of clients) c.disconnect();
  });

  it('limits one user once across two gateways sharing Redis (creates), with 429 problem+json and Retry-After', async () => {
    const redis = redisClient();
    await redis.connect();
    const [a, b] = [
      await gateway({ createsPerMinute: 5, redis }),
      await gateway({ createsPerMinute: 5, redis }),
    ];
    const user = `u-${randomUUID()}`;
    const statuses: number[] = [];
    let refused: Awaited<ReturnType<typeof create>> | undefined;
    for (let i = 0; i < 10; i++) {
      const res = await create(i % 2 === 0 ? a : b, user);
      statuses.push(res.statusCode);
      if (res.statusCode === 429) refused = res;
    }
    expect(statuses.filter((s) => s === 400)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    expect(refused?.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused?.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(refused?.json().detail).toMatch(/creates/);
    // Another user is not affected.
    expect((await create(a, `u-${randomUUID()}`)).statusCode).toBe(400);
  });

  it('without Redis each gateway counts alone (why REDIS_URL matters with several instances)', async () => {
    const [a, b] = [await gateway({ createsPerMinute: 3 }), await gateway({ createsPerMinute: 3 })];
    const user = `u-${randomUUID()}`;
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await create(i % 2 === 0 ? a : b, user)).statusCode);
    expect(statuses.filter((s) => s === 400)).toHaveLength(6);
  });

  it('limits every request of a user, not only creates', async () => {
    const redis = redisClient();
    await redis.connect();
    const app = await gateway({ perUserPerMinute: 4, redis });
    const user = `u-${randomUUID()}`;
    const auth = { authorization: `Bearer ${await tokenFor(user, ['viewer'])}` };
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/chat/rooms/chat_x/bans',
        headers: auth,
        payload: {},
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([400, 400, 400, 400, 429, 429]);
  });

  it('limits a flood of bad tokens per address, before the token is checked', async () => {
    const app = await gateway({ perIpPerMinute: 3 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await app.inject({
        url: '/v1/streams',
        headers: { authorization: 'Bearer nope' },
        remoteAddress: '203.0.113.7',
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    // Health and readiness are never limited.
    const ready = await app.inject({ url: '/healthz', remoteAddress: '203.0.113.7' });
    expect(ready.statusCode).toBe(200);
  });

  it('lets requests through while Redis is unreachable', async () => {
    const down = redisClient('redis://127.0.0.1:9');
    await down.connect().catch(() => {});
    const app = await gateway({ createsPerMinute: 1, redis: down });
    const user = `u-${randomUUID()}`;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await create(app, user)).statusCode);
    expect(statuses).toEqual([400, 400, 400]);
  });
});
