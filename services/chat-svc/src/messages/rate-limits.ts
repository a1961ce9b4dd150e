/**
 * Rate limits of native rooms, per room and per user in a room (token buckets), and slow mode (a
 * minimum gap between two messages of one user). Per connection limits are the gateway's.
 *
 * Two implementations with the same decisions: in memory (one instance; with several, each
 * enforces its share) and on Redis (redis-rate-limits.ts: shared by every instance).
 */

export interface RateSettings {
  maximumMessageRatePerSecond: number;
  slowModeSeconds: number;
}

export interface RateLimiter {
  /** A refusal sentence, or undefined when the message may go. */
  check(roomId: string, userId: string, s: RateSettings, now: number): Promise<string | undefined>;
  /** Release connections (shutdown). */
  close(): Promise<void>;
}

/** Why a message may not go; the same from either implementation. */
export type RateDecision =
  | { kind: 'ok' }
  | { kind: 'slow'; waitMs: number }
  | { kind: 'room' }
  | { kind: 'user' };

/** The buckets of a room's settings: the room's rate; each user half of it, bursting to twice that. */
export function bucketsOf(s: RateSettings) {
  const room = s.maximumMessageRatePerSecond;
  const perUser = Math.max(1, Math.ceil(room / 2));
  return {
    slowMs: s.slowModeSeconds * 1000,
    room: { rate: room, burst: room },
    user: { rate: perUser, burst: perUser * 2 },
  };
}

export function refusalOf(d: RateDecision): string | undefined {
  switch (d.kind) {
    case 'ok':
      return undefined;
    case 'slow':
      return `Slow mode is on: wait ${Math.ceil(d.waitMs / 1000)} s before your next message`;
    case 'room':
      return 'This room is receiving too many messages; retry in 1 s';
    case 'user':
      return 'You are sending messages too fast; retry in 1 s';
  }
}

/** The in-memory limiter: this instance's counts only. */
export class MemoryRateLimits implements RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly lastSend = new Map<string, number>();

  async check(roomId: string, userId: string, s: RateSettings, now: number): Promise<string | undefined> {
    return refusalOf(this.decide(roomId, userId, s, now));
  }

  decide(roomId: string, userId: string, s: RateSettings, now: number): RateDecision {
    const b = bucketsOf(s);
    const userKey = `${roomId}\u0000${userId}`;
    if (b.slowMs > 0) {
      const last = this.lastSend.get(userKey);
      if (last !== undefined && now - last < b.slowMs)
        return { kind: 'slow', waitMs: b.slowMs - (now - last) };
    }
    if (!this.take(`room\u0000${roomId}`, b.room.rate, b.room.burst, now)) return { kind: 'room' };
    if (!this.take(`user\u0000${userKey}`, b.user.rate, b.user.burst, now)) return { kind: 'user' };
    this.lastSend.set(userKey, now);
    if (this.lastSend.size > 100_000) this.lastSend.clear();
    return { kind: 'ok' };
  }

  private take(key: string, rate: number, burst: number, now: number): boolean {
    const b = this.buckets.get(key) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + (Math.max(0, now - b.at) / 1000) * rate);
    b.at = now;
    const ok = b.tokens >= 1;
    if (ok) b.tokens -= 1;
    this.buckets.set(key, b);
    if (this.buckets.size > 100_000) this.buckets.clear();
    return ok;
  }

  async close(): Promise<void> {}
}
