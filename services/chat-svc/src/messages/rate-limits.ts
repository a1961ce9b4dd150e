/**
 * Rate limits of one chat-svc instance, per room and per user in a room (token buckets), and
 * slow mode (a minimum gap between two messages of one user). Per connection limits are the
 * gateway's. In memory: with several chat-svc instances each enforces its share.
 */
export class RateLimits {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly lastSend = new Map<string, number>();

  /** Returns a refusal sentence, or undefined when the message may go. */
  check(
    roomId: string,
    userId: string,
    s: { maximumMessageRatePerSecond: number; slowModeSeconds: number },
    now = Date.now(),
  ): string | undefined {
    const userKey = `${roomId}\u0000${userId}`;
    if (s.slowModeSeconds > 0) {
      const last = this.lastSend.get(userKey);
      if (last !== undefined && now - last < s.slowModeSeconds * 1000) {
        const wait = Math.ceil((s.slowModeSeconds * 1000 - (now - last)) / 1000);
        return `Slow mode is on: wait ${wait} s before your next message`;
      }
    }
    const room = s.maximumMessageRatePerSecond;
    if (!this.take(`room\u0000${roomId}`, room, room, now))
      return 'This room is receiving too many messages; try again shortly';
    const perUser = Math.max(1, Math.ceil(room / 2));
    if (!this.take(`user\u0000${userKey}`, perUser, perUser * 2, now))
      return 'You are sending messages too fast; slow down';
    this.lastSend.set(userKey, now);
    if (this.lastSend.size > 100_000) this.lastSend.clear();
    return undefined;
  }

  private take(key: string, rate: number, burst: number, now: number): boolean {
    const b = this.buckets.get(key) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate);
    b.at = now;
    const ok = b.tokens >= 1;
    if (ok) b.tokens -= 1;
    this.buckets.set(key, b);
    if (this.buckets.size > 100_000) this.buckets.clear();
    return ok;
  }
}
