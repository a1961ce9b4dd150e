import rateLimit from '@fastify/rate-limit';
import { AppError } from '@onair/runtime';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { policyOf } from '../policy';

/** Requests per minute; 0 turns a limit off. */
export interface RateLimitSettings {
  /** Every request from one IP address, signed in or not (checked before the token). */
  perIpPerMinute: number;
  /** Every request of one user (by token subject). */
  perUserPerMinute: number;
  /** Creates (routes whose policy is `creator`) of one user. */
  createsPerMinute: number;
  /** Token minting (routes whose policy marks `limit: 'token'`) of one user. */
  tokensPerMinute: number;
  /** Shared counters, so limits hold across every gateway instance; in memory without it. */
  redis?: Redis;
  /** Prefix of the Redis keys (the bus namespace), so deployments sharing a Redis count apart. */
  namespace?: string;
}

const OPEN = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * REST rate limits (@fastify/rate-limit's counters, in Redis when configured): per IP before
 * authentication, per user after it, and stricter per-user limits on creates and token
 * minting. A refusal is a 429 problem+json with Retry-After. If Redis is unreachable the
 * request goes through (an outage of the counter store must not take the API down).
 */
export async function registerRateLimits(app: FastifyInstance, s: RateLimitSettings): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    skipOnError: true,
    nameSpace: `${s.namespace ?? 'onair'}:gateway:rate:`,
    ...(s.redis ? { redis: s.redis } : {}),
  });
  const limiter = (max: number, key: (req: FastifyRequest) => string) =>
    max > 0 ? app.createRateLimit({ max, timeWindow: 60_000, keyGenerator: key }) : undefined;
  const byIp = limiter(s.perIpPerMinute, (req) => `ip:${req.ip}`);
  const byUser = limiter(s.perUserPerMinute, (req) => `user:${req.principal?.userId}`);
  const creates = limiter(s.createsPerMinute, (req) => `create:${req.principal?.userId}`);
  const tokens = limiter(s.tokensPerMinute, (req) => `token:${req.principal?.userId}`);

  const check = async (
    req: FastifyRequest,
    reply: FastifyReply,
    limit: ReturnType<typeof limiter>,
    what: string,
  ): Promise<void> => {
    if (!limit) return;
    const r = await limit(req);
    if (r.isAllowed || !r.isExceeded) return;
    const after = Math.max(1, r.ttlInSeconds);
    reply.header('retry-after', String(after));
    throw new AppError(
      'RATE_LIMITED',
      429,
      `Too many ${what}: at most ${r.max} a minute; retry in ${after} s`,
    );
  };

  // Before authentication (the IP), so a flood of bad tokens is limited too.
  app.addHook('onRequest', async (req, reply) => {
    const url = req.routeOptions.url;
    if (url && OPEN.has(url)) return;
    await check(req, reply, byIp, 'requests from this address');
  });
  // After authentication (every route's own, too): the user's limits.
  app.addHook('preValidation', async (req, reply) => {
    const url = req.routeOptions.url;
    if (!url || !req.principal) return;
    await check(req, reply, byUser, 'requests from this user');
    const policy = policyOf(req.method, url);
    if (policy?.limit === 'token') await check(req, reply, tokens, 'tokens minted by this user');
    else if (policy?.who === 'creator' && req.method === 'POST')
      await check(req, reply, creates, 'creates by this user');
  });
}
