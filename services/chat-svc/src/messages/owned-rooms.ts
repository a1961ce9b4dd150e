import { partitionOf } from '@onair/contracts';
import { AppError, Batcher, type EntryResult, isTransientAwsError } from '@onair/runtime';
import type { MessageStore, SequenceLease, StoredMessage } from './store';

/**
 * A native room as its owner holds it in memory. Every command of a room goes to one partition
 * queue that one chat-svc instance reads at a time (contracts: `partitionBy`), so that instance
 * can keep the room's sequence and its recent request ids here instead of asking DynamoDB per
 * message. The lease in the room's item (epoch + reserved numbers) fences an owner that lost
 * the room without knowing it.
 */
export interface OwnedRoom {
  readonly roomId: string;
  lease: SequenceLease;
  /** The next number to hand out (<= lease.lastSeq + 1). */
  next: number;
  /** When a command of the room last came (ms): the lease of a room quiet for long is checked again. */
  usedAt: number;
  /**
   * Sends by sender and RequestId (requestKey): the send still working on it (a resend waits for
   * the same promise), then only its sequence number (a resend reads the message back from the
   * table): about 150 bytes an entry. Oldest first; at most `recent` are kept.
   */
  readonly requests: Map<string, Promise<StoredMessage> | number>;
  /** A reservation under way (every send waits for the same one). */
  extending?: Promise<void>;
  /** A check that the lease still holds, after the room was quiet (see OwnedRooms.own). */
  checking?: Promise<boolean>;
  /** Taken over, and no send has read the room's record since (a copy held may predate the take-over). */
  recordStale: boolean;
}

export interface OwnedRoomsOptions {
  /** Numbers reserved per write of the lease (default 100): a crash leaves at most this many unused. */
  block?: number;
  /**
   * A room this instance has not heard of for this long has its lease checked on its next
   * command (default 10 s): meanwhile another instance may have owned it.
   */
  idleMs?: number;
  /** RequestIds remembered per room, and loaded from history on a take-over (default 1000). */
  recent?: number;
  now?: () => number;
  /**
   * This instance took `roomId` over: what it cached of the room (its record, its bans) while it
   * owned it before may be stale, since another instance may have owned it meanwhile. While it
   * owns the room every change comes to it, so those caches can last as long as the ownership.
   */
  onTakeOver?: (roomId: string) => void;
}

const roomMoved = () =>
  new AppError('ROOM_MOVED', 503, 'This room moved to another chat-svc instance; retry in 1 s');

/** The key of a client's request in a room: its sender and its RequestId. */
export const requestKey = (userId: string, requestId: string) => `${userId}\u0000${requestId}`;

/** The native rooms this instance owns, each taken over (leased) on its first command. */
export class OwnedRooms {
  private readonly rooms = new Map<string, Promise<OwnedRoom>>();
  private readonly block: number;
  private readonly idleMs: number;
  readonly recent: number;
  private readonly now: () => number;
  private readonly onTakeOver?: (roomId: string) => void;
  private sweptAt = 0;
  /**
   * Lease checks of quiet rooms, many per read: after a lull (or when a burst wakes a thousand
   * rooms at once) they cost a BatchGetItem per 100 rooms, not a call each.
   */
  private readonly leaseChecks: Batcher<{ roomId: string; epoch: number }, boolean>;

  constructor(
    private readonly store: MessageStore,
    o: OwnedRoomsOptions = {},
  ) {
    this.block = o.block ?? 100;
    this.idleMs = o.idleMs ?? 10_000;
    this.recent = o.recent ?? 1000;
    this.now = o.now ?? Date.now;
    this.onTakeOver = o.onTakeOver;
    this.leaseChecks = new Batcher({
      maxEntries: 100,
      retryForMs: 5000,
      isRetryable: isTransientAwsError,
      flush: async (_key, leases): Promise<Array<EntryResult<boolean>>> => {
        const { held, unread } = await this.store.leasesHeld(leases);
        return leases.map((l) =>
          unread.has(l.roomId)
            ? { ok: false, error: new Error('DynamoDB left the lease unread'), retryable: true }
            : { ok: true, value: held.has(l.roomId) },
        );
      },
    });
  }

  /** The room as this instance owns it, taken over first if it does not yet. */
  async own(roomId: string): Promise<OwnedRoom> {
    this.sweep();
    const held = this.rooms.get(roomId);
    if (!held) {
      const taking = this.takeOver(roomId);
      this.rooms.set(roomId, taking);
      taking.catch(() => {
        if (this.rooms.get(roomId) === taking) this.rooms.delete(roomId);
      });
      return taking;
    }
    const room = await held;
    if (this.now() - room.usedAt > this.idleMs) {
      // Quiet for a while: another instance may have owned the room meanwhile. If the lease is
      // still this epoch nobody did, and what is in memory holds; else take it over afresh.
      room.checking ??= this.leaseChecks.add('leases', { roomId, epoch: room.lease.epoch }).finally(() => {
        room.checking = undefined;
      });
      if (!(await room.checking)) {
        if (this.rooms.get(roomId) === held) this.rooms.delete(roomId);
        return this.own(roomId);
      }
    }
    room.usedAt = this.now();
    return room;
  }

  /**
   * This instance's consumer of partition `partition` lost its channel: when it is back, another
   * instance may have owned the partition's rooms meanwhile (RabbitMQ hands a single active
   * consumer's queue to a standby, and may hand it back soon after). Each of them has its lease
   * checked on its next command, as a quiet room does: held still (a broker restart, say), the
   * owner goes on from memory and no number is lost; taken over meanwhile, it is taken over
   * afresh instead of going on from a block the other owner has passed.
   */
  recheckPartition(partition: number): void {
    for (const [roomId, held] of this.rooms)
      if (partitionOf(roomId) === partition)
        void held.then(
          (room) => {
            // Past the idle check, not as far as the sweep (which gives quiet rooms back).
            room.usedAt = Math.min(room.usedAt, this.now() - this.idleMs - 1);
          },
          () => {},
        );
  }

  /** The room's next sequence number: from memory while the reservation lasts. */
  async nextSeq(room: OwnedRoom): Promise<number> {
    while (room.next > room.lease.lastSeq) {
      room.extending ??= this.extend(room).finally(() => {
        room.extending = undefined;
      });
      await room.extending;
    }
    return room.next++;
  }

  /** Remember a send under its request key (oldest forgotten past `recent`). */
  remember(room: OwnedRoom, key: string, send: Promise<StoredMessage>): void {
    room.requests.delete(key);
    room.requests.set(key, send);
    while (room.requests.size > this.recent) {
      const oldest = room.requests.keys().next().value;
      if (oldest === undefined) break;
      room.requests.delete(oldest);
    }
    send.then(
      (m) => {
        if (room.requests.get(key) === send) room.requests.set(key, m.seq);
      },
      () => {
        if (room.requests.get(key) === send) room.requests.delete(key);
      },
    );
  }

  /** The room if this instance holds it now (nothing is taken over). */
  async held(roomId: string): Promise<OwnedRoom | undefined> {
    return this.rooms.get(roomId)?.catch(() => undefined);
  }

  /** Give every room back with its unused numbers (a clean stop leaves no hole in a sequence). */
  async releaseAll(): Promise<void> {
    const rooms = await Promise.allSettled([...this.rooms.values()]);
    this.rooms.clear();
    await Promise.allSettled(
      rooms.flatMap((r) =>
        r.status === 'fulfilled'
          ? [this.store.releaseSequence(r.value.roomId, r.value.lease, r.value.next - 1)]
          : [],
      ),
    );
  }

  /**
   * Rooms quiet for six idle periods are given back (their unused numbers too), so memory holds
   * the rooms in use, not every room ever owned. Runs at most once per idle period.
   */
  private sweep(): void {
    const at = this.now();
    if (at - this.sweptAt < this.idleMs) return;
    this.sweptAt = at;
    for (const [roomId, held] of this.rooms) {
      void held
        .then(async (room) => {
          if (at - room.usedAt <= 6 * this.idleMs || this.rooms.get(roomId) !== held) return;
          this.rooms.delete(roomId);
          await this.store.releaseSequence(roomId, room.lease, room.next - 1);
        })
        .catch(() => {}); // the next owner finds the lease as it is: numbers unused, none reused
    }
  }

  private async takeOver(roomId: string): Promise<OwnedRoom> {
    this.onTakeOver?.(roomId);
    for (let attempt = 0; attempt < 5; attempt++) {
      const lease = await this.store.takeSequence(roomId, this.block);
      if (!lease) continue; // another instance wrote the lease between our read and write
      const room: OwnedRoom = {
        roomId,
        lease: { epoch: lease.epoch, lastSeq: lease.lastSeq },
        next: lease.first,
        usedAt: this.now(),
        requests: new Map(),
        recordStale: true,
      };
      for (const m of await this.store.recentMessages(roomId, this.recent))
        room.requests.set(requestKey(m.sender.userId, m.requestId), m.seq);
      return room;
    }
    throw roomMoved();
  }

  private async extend(room: OwnedRoom): Promise<void> {
    const lastSeq = room.lease.lastSeq + this.block;
    if (await this.store.extendSequence(room.roomId, room.lease.epoch, lastSeq)) {
      room.lease = { ...room.lease, lastSeq };
      return;
    }
    // Another instance took the room over: what this one remembers of it is stale.
    const held = this.rooms.get(room.roomId);
    if (held && (await held.catch(() => undefined)) === room) this.rooms.delete(room.roomId);
    throw roomMoved();
  }
}
