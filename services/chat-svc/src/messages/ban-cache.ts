import { type Ban, inForce, type MessageStore } from './store';

/**
 * Bans as this chat-svc instance last read them, so that a message does not cost a DynamoDB read
 * to learn that its sender is not banned (the usual answer). An entry is dropped the moment any
 * instance bans or lifts (`forget`, called for this instance's own bans and for every
 * `onair.chat.user.banned.v1` event on the bus), and expires after `ttlMs` in any case, in case
 * an event was missed while the bus reconnected.
 */
export class BanCache {
  /** By room, then by user: a room's entries go at once when its owner changes (forgetRoom). */
  private readonly entries = new Map<string, Map<string, { ban: Ban | undefined; readAt: number }>>();
  private size = 0;
  /** Bumped by every `forget`: a read that started before one may be stale and is not kept. */
  private generation = 0;

  constructor(
    private readonly store: MessageStore,
    private readonly options: { ttlMs: number; maxEntries?: number } = { ttlMs: 5000 },
  ) {}

  /** The ban in force at `now` on the user in the room, if any. */
  async activeBan(roomId: string, userId: string, now: Date): Promise<Ban | undefined> {
    const hit = this.entries.get(roomId)?.get(userId);
    const at = Date.now();
    if (hit && at - hit.readAt < this.options.ttlMs) return inForce(hit.ban, now) ? hit.ban : undefined;
    const generation = this.generation;
    const ban = await this.store.banOf(roomId, userId);
    if (generation === this.generation) {
      if (this.size >= (this.options.maxEntries ?? 100_000)) {
        this.entries.clear();
        this.size = 0;
      }
      let room = this.entries.get(roomId);
      if (!room) {
        room = new Map();
        this.entries.set(roomId, room);
      }
      if (!room.has(userId)) this.size++;
      room.set(userId, { ban, readAt: at });
    }
    return inForce(ban, now) ? ban : undefined;
  }

  /** A ban or lift happened: the next lookup for that user in that room reads the table. */
  forget(roomId: string, userId: string): void {
    this.generation++;
    if (this.entries.get(roomId)?.delete(userId)) this.size--;
  }

  /** Every entry of the room (its owner changed: bans may have come to another instance meanwhile). */
  forgetRoom(roomId: string): void {
    this.generation++;
    this.size -= this.entries.get(roomId)?.size ?? 0;
    this.entries.delete(roomId);
  }
}
