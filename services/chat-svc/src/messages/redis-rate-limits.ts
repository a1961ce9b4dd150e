import type { Logger } from '@onair/runtime';
import { Redis, type Result } from 'ioredis';
import { Throttle } from '../throttle';
import {
  bucketsOf,
  MemoryRateLimits,
  type RateDecision,
  type RateLimiter,
  type RateSettings,
  refusalOf,
} from './rate-limits';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    onairChatRate(
      lastKey: string,
      roomKey: string,
      userKey: string,
      ...args: Array<string | number>
    ): Result<unknown, Context>;
  }
}

/**
 * MemoryRateLimits' decisions, made atomically in Redis for every instance at once. Keys:
 *   <prefix>{<roomId>}:room            the room's bucket (hash: t = tokens, a = at, ms)
 *   <prefix>{<roomId>}:user:<userId>   the user's bucket in that room
 *   <prefix>{<roomId>}:last:<userId>   the user's last accepted message (ms), for slow mode
 * (the braces keep one room's keys in one cluster slot). Every key expires once it could no
 * longer change a decision: a bucket when it would have refilled, the last send after the longest
 * slow mode.
 */
const RATE_LUA = `
local now = tonumber(ARGV[1])
local slowMs = tonumber(ARGV[2])
if slowMs > 0 then
  local last = tonumber(redis.call('GET', KEYS[1]))
  if last and now - last < slowMs then return {1, slowMs - (now - last)} end
end
local function take(key, rate, burst)
  local b = redis.call('HMGET', key, 't', 'a')
  local tokens = tonumber(b[1]) or burst
  local at = tonumber(b[2]) or now
  local elapsed = now - at
  if elapsed < 0 then elapsed = 0 end
  tokens = math.min(burst, tokens + (elapsed / 1000) * rate)
  local ok = tokens >= 1
  if ok then tokens = tokens - 1 end
  redis.call('HSET', key, 't', string.format('%.17g', tokens), 'a', ARGV[1])
  redis.call('PEXPIRE', key, math.ceil(burst / rate * 1000) + 1000)
  return ok
end
if not take(KEYS[2], tonumber(ARGV[3]), tonumber(ARGV[4])) then return {2, 0} end
if not take(KEYS[3], tonumber(ARGV[5]), tonumber(ARGV[6])) then return {3, 0} end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[7])
return {0, 0}
`;

/** Slow mode is at most an hour (the contract); a last send older than that decides nothing. */
const LAST_SEND_TTL_MS = 3600_000 + 1000;

function decisionOf(reply: unknown): RateDecision {
  if (!Array.isArray(reply) || typeof reply[0] !== 'number') {
    throw new Error(`unexpected reply from the rate limit script: ${JSON.stringify(reply)}`);
  }
  const [code, wait] = reply;
  if (code === 0) return { kind: 'ok' };
  if (code === 1 && typeof wait === 'number') return { kind: 'slow', waitMs: wait };
  if (code === 2) return { kind: 'room' };
  if (code === 3) return { kind: 'user' };
  throw new Error(`unexpected reply from the rate limit script: ${JSON.stringify(reply)}`);
}

export interface RedisRateLimitsOptions {
  url: string;
  /** Namespace of every key (tests use a unique one). Default `onair:chat-svc:rl:`. */
  keyPrefix?: string;
  logger: Logger;
  /** At most one warning per this many ms while Redis is unusable (default 30 s). */
  warnEveryMs?: number;
  /** How long a Redis call may take before this call falls back (default 250 ms). */
  commandTimeoutMs?: number;
}

/**
 * Rate limits shared by every chat-svc instance through Redis. When Redis cannot answer (down,
 * slow, not connected yet), that call is decided by this instance's in-memory limits instead, and
 * a warning says so (at most once per interval): chat keeps working, each instance enforcing its
 * share, until Redis is back.
 */
export class RedisRateLimits implements RateLimiter {
  readonly redis: Redis;
  private readonly prefix: string;
  private readonly fallback = new MemoryRateLimits();
  private readonly warn: Throttle;
  private degraded = false;

  constructor(private readonly options: RedisRateLimitsOptions) {
    this.prefix = options.keyPrefix ?? 'onair:chat-svc:rl:';
    this.warn = new Throttle(options.warnEveryMs ?? 30_000);
    this.redis = new Redis(options.url, {
      // Fail fast instead of queueing: a message waits for no reconnect, it falls back.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 250,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(times * 200, 5000),
      lazyConnect: false,
    });
    this.redis.defineCommand('onairChatRate', { numberOfKeys: 3, lua: RATE_LUA });
    this.redis.on('error', (err: Error) => this.unavailable(err));
    this.redis.on('ready', () => {
      if (this.degraded)
        options.logger.info('Redis is back: chat rate limits are shared by every instance again');
      this.degraded = false;
    });
  }

  /**
   * Resolves true once connected; false on the first connection error or after `timeoutMs` (calls
   * then fall back until it connects).
   */
  async ready(timeoutMs = 2000): Promise<boolean> {
    if (this.redis.status === 'ready') return true;
    return new Promise<boolean>((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.redis.off('ready', onReady);
        this.redis.off('error', onError);
        resolve(ok);
      };
      const onReady = () => done(true);
      const onError = () => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.redis.once('ready', onReady);
      this.redis.once('error', onError);
    });
  }

  async check(roomId: string, userId: string, s: RateSettings, now: number): Promise<string | undefined> {
    return refusalOf(await this.decide(roomId, userId, s, now));
  }

  async decide(roomId: string, userId: string, s: RateSettings, now: number): Promise<RateDecision> {
    const b = bucketsOf(s);
    const room = `${this.prefix}{${roomId}}`;
    try {
      const reply = await this.redis.onairChatRate(
        `${room}:last:${userId}`,
        `${room}:room`,
        `${room}:user:${userId}`,
        String(now),
        b.slowMs,
        b.room.rate,
        b.room.burst,
        b.user.rate,
        b.user.burst,
        Math.max(LAST_SEND_TTL_MS, b.slowMs + 1000),
      );
      return decisionOf(reply);
    } catch (err) {
      this.unavailable(err);
      return this.fallback.decide(roomId, userId, s, now);
    }
  }

  private unavailable(err: unknown): void {
    this.degraded = true;
    if (!this.warn.ready()) return;
    this.options.logger.warn(
      { err },
      "Redis is unavailable for chat rate limits; using this instance's in-memory limits until it is back",
    );
  }

  async close(): Promise<void> {
    if (this.redis.status === 'ready') {
      try {
        await this.redis.quit();
        return;
      } catch {
        // fall through: drop the connection
      }
    }
    this.redis.disconnect();
  }
}
