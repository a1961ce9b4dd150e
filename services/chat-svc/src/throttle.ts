/** At most one `true` per key per interval: for warnings that would otherwise come per message. */
export class Throttle {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  ready(key = ''): boolean {
    const now = this.clock();
    const at = this.last.get(key);
    if (at !== undefined && now - at < this.intervalMs) return false;
    if (this.last.size >= 10_000) this.last.clear();
    this.last.set(key, now);
    return true;
  }
}
