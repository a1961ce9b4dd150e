import { textFrame } from './frames';

export type ClientProtocol = 'ivs' | 'seed003';

/** One client socket as the hub sees it (a thin view over a `ws` WebSocket). */
export interface HubConnection {
  readonly id: string;
  readonly userId: string;
  readonly protocol: ClientProtocol;
  /** The room it is in; seed 003 sockets join one after connecting. */
  roomId?: string;
  /** Highest room sequence number written to it: recovery and live writes skip anything at or below. */
  lastSeq: number;
  /**
   * The first room sequence number written to it in its room: it got every number from here to
   * `lastSeq` (the hub writes a room in order to every socket in it).
   */
  firstSeq?: number;
  /** While recovery replays history, live frames wait here so nothing is out of order. */
  pending?: Array<{ seq?: number; frame: string | Buffer }>;
  /** A text frame's content. */
  send(text: string): void;
  /** A whole WebSocket frame made by `textFrame`, the same bytes for every socket of a delivery. */
  sendFramed(frame: Buffer): void;
  close(code: number, reason: string): void;
  bufferedAmount(): number;
}

export interface Delivery {
  roomId: string;
  userIds?: string[];
  seq?: number;
  frames: { ivs?: string; seed003?: string };
  close?: { code: number; reason: string; userIds?: string[] };
}

/**
 * Where the hub learns a room's position and fills the gaps in what fanout delivered: the
 * room's stored history (chat-svc's table). Without it the hub takes a room's first delivery
 * as its start and skips a gap that does not close.
 */
export interface RoomHistory {
  /**
   * The room's last stored sequence number now (0 when nothing was stored yet). Stored, not
   * taken: a number taken but not yet stored when this is read is then written when it arrives.
   */
  position(roomId: string): Promise<number>;
  /**
   * What is stored with afterSeq < seq <= uptoSeq, oldest first: each stored message as a
   * delivery, and each deleted one as a bare `seq` (its place is taken; nothing to write).
   */
  range(
    roomId: string,
    afterSeq: number,
    uptoSeq: number,
  ): Promise<Array<{ seq: number; delivery?: Delivery }>>;
}

export interface HubOptions {
  maxBufferedBytes: number;
  /**
   * A socket whose send buffer passed `maxBufferedBytes`: the hub has already taken it out of
   * every room (`roomId` is the one it was in) and closed it with 1013. Called once per socket.
   */
  onSlowConsumer?: (c: HubConnection, roomId: string | undefined) => void;
  /** How long a gap in a room's sequence may stay open before it is filled from history (default 300 ms). */
  gapWaitMs?: number;
  /**
   * How many times a gap is looked up in history before the hub gives up on the numbers still
   * missing (a number taken by a send that failed is never stored). Default 4: with the waits
   * doubling, about 4.5 s at the default gapWaitMs.
   */
  gapFillAttempts?: number;
  history?: RoomHistory;
  /** A failure outside a caller (a timer, a history read), for the log. */
  onError?: (err: unknown, what: string) => void;
}

/** Numbers given up on that a room remembers, so one that turns up late is still written. */
const MAX_SKIPPED = 1000;
/** How many of its last written numbers a room remembers the time of (see `answer`). */
const MAX_WRITTEN_AT = 256;
/**
 * A resend that reached the gateway less than this after the socket was written the message
 * crossed that frame on its way to the client (see `answer`).
 */
const CROSSING_MS = 1000;
/** Most sequence numbers one history lookup covers. */
const MAX_FILL = 1000;

/**
 * Per room: where its sequence stands on this gateway. `next` is the number to write next
 * (everything below it was written, filled from history, or given up on); it is undefined while
 * the room's position is being learned (and stays so without history until the first delivery).
 */
interface RoomOrder {
  readonly roomId: string;
  next?: number;
  /** The position is being read from history; deliveries wait in `held`. */
  learning: boolean;
  /** Settles when `learning` ends. */
  learned: Promise<void>;
  markLearned(): void;
  held: Map<number, Delivery>;
  /** Numbers below `next` that were given up on (never written): a late one is not a duplicate. */
  skipped: Set<number>;
  /** When the room's last numbers were written to its sockets (the last MAX_WRITTEN_AT). */
  writtenAt: Map<number, number>;
  timer?: NodeJS.Timeout;
  /** Lookups of the current gap so far. */
  fillAttempts: number;
  filling: boolean;
}

/** A room's sockets on this instance; its id is the one string every member's `roomId` points to. */
class LocalRoom extends Set<HubConnection> {
  constructor(readonly id: string) {
    super();
  }
}

/**
 * The sockets this gateway instance holds, by room. It writes each delivery's frame (already
 * serialized by fanout) to the local sockets, every room in sequence order:
 *
 * - When the first local socket joins a room, the hub asks history for the room's position, so
 *   the first delivery it happens to get is never taken as the start (messages sent at the same
 *   moment arrive in any order).
 * - A delivery above the next expected number opens a gap. If the gap does not close within
 *   `gapWaitMs`, the missing numbers are read from history and written in order; what history
 *   still lacks after a few lookups is given up on (and written late if it turns up).
 * - A delivery below the next expected number is a duplicate only if it was written.
 * - A socket that stops reading is dropped once: out of its room at once, closed with 1013.
 */
export class Hub {
  private readonly rooms = new Map<string, LocalRoom>();
  private readonly all = new Set<HubConnection>();
  private readonly order = new Map<string, RoomOrder>();
  /** Sockets dropped as slow consumers: nothing more is written to them. */
  private readonly dropped = new WeakSet<HubConnection>();
  /** When history was last written to a recovering socket (the crossing check of `answer`). */
  private readonly replayedAt = new WeakMap<HubConnection, number>();

  constructor(private readonly options: HubOptions) {}

  add(c: HubConnection): void {
    this.all.add(c);
    if (c.roomId) this.join(c, c.roomId);
  }

  /**
   * Put a socket in a room. A socket is in one room at a time: it leaves the one it was in, and
   * a room nobody is in any more is forgotten (a socket hopping through thousands of groups
   * leaves nothing behind). The first socket of a room makes the hub learn its position.
   */
  join(c: HubConnection, roomId: string): void {
    if (c.roomId === roomId && this.rooms.get(roomId)?.has(c)) return;
    const moving = c.roomId !== undefined && c.roomId !== roomId;
    this.leave(c);
    let room = this.rooms.get(roomId);
    if (!room) {
      room = new LocalRoom(roomId);
      this.rooms.set(roomId, room);
      this.startOrder(roomId);
    }
    if (moving) {
      // Another room: its numbers have nothing to do with the last room's.
      c.lastSeq = 0;
      c.firstSeq = undefined;
    }
    c.roomId = room.id;
    room.add(c);
  }

  /** Take a socket out of its room (it stays connected); the room goes when its last socket does. */
  leave(c: HubConnection): void {
    const roomId = c.roomId;
    if (!roomId) return;
    c.roomId = undefined;
    const set = this.rooms.get(roomId);
    set?.delete(c);
    if (!set || set.size === 0) {
      this.rooms.delete(roomId);
      const o = this.order.get(roomId);
      if (o?.timer) clearTimeout(o.timer);
      o?.markLearned(); // nobody waits for a room that is gone
      this.order.delete(roomId);
    }
  }

  remove(c: HubConnection): void {
    this.all.delete(c);
    this.leave(c);
  }

  /** How many rooms have a socket on this instance (what the hub holds memory for). */
  roomCount(): number {
    return this.rooms.size;
  }

  /** How many rooms have sequencing state (next sequence number, held deliveries). */
  orderedRoomCount(): number {
    return this.order.size;
  }

  connections(): HubConnection[] {
    return [...this.all];
  }

  inRoom(roomId: string): HubConnection[] {
    return [...(this.rooms.get(roomId) ?? [])];
  }

  /**
   * Take a delivery from fanout (or the reply to a local send). Sequenced ones (chat messages)
   * are written in room order, held until the ones before them are written or filled.
   */
  deliver(d: Delivery): number {
    if (d.seq === undefined) return this.writeOut(d);
    // No socket here is in the room (it left while the delivery was on its way): nothing to
    // write and nothing to keep order for, so no state is made for it.
    if (!this.rooms.has(d.roomId)) return 0;
    const o = this.order.get(d.roomId) ?? this.startOrder(d.roomId);
    if (o.learning) {
      o.held.set(d.seq, d); // written once the room's position is known
      return 0;
    }
    o.next ??= d.seq; // no position to learn: the first delivery starts the room
    if (d.seq < o.next) {
      // Below the next expected number: written already, unless it was given up on.
      if (!o.skipped.delete(d.seq)) return 0;
      return this.writeOut(d, { late: true });
    }
    o.held.set(d.seq, d);
    return this.drain(o);
  }

  /**
   * The reply to a socket's own SEND_MESSAGE (chat-svc's answer, original or replayed), so the
   * sender's answer never depends on fanout:
   * - the room has not written it yet: it goes the way of every delivery, in order, to every
   *   local socket of the room (fanout's copy is then a duplicate);
   * - the room wrote it and this socket got it: that frame was the answer. A resend on this
   *   socket (`resentAt`: when it reached the gateway) that came within `CROSSING_MS` of that
   *   frame crossed it on the wire (the client had not read it yet) and gets no second copy; one
   *   that came later is the client asking again, and is answered again, to the sender alone;
   * - the room wrote it before this socket joined (a resend after a reconnect): to the sender alone.
   */
  answer(c: HubConnection, d: Delivery, opts: { resentAt?: number } = {}): void {
    const o = this.order.get(d.roomId);
    const seq = d.seq;
    const passed = seq !== undefined && o?.next !== undefined && seq < o.next && !o.skipped.has(seq);
    if (!o || !passed || c.roomId !== d.roomId) {
      this.deliver(d);
      return;
    }
    const got = c.firstSeq !== undefined && seq >= c.firstSeq && seq <= c.lastSeq;
    if (got) {
      if (opts.resentAt === undefined) return;
      const writtenAt = o.writtenAt.get(seq);
      if (writtenAt !== undefined && writtenAt > opts.resentAt - CROSSING_MS) return;
      // Or it reached this socket from history (a reconnect's recovery) just before: crossed too.
      const replayedAt = this.replayedAt.get(c);
      if (replayedAt !== undefined && replayedAt > opts.resentAt - CROSSING_MS) return;
    }
    // A socket still recovering gets it from history (it is stored, above where it recovers from).
    if (c.pending && seq > c.lastSeq) return;
    const text = d.frames[c.protocol];
    if (text !== undefined) this.write(c, textFrame(text), undefined);
  }

  /** Settles when the hub knows where the room stands (at once when it holds no socket of it). */
  positionKnown(roomId: string): Promise<void> {
    return this.order.get(roomId)?.learned ?? Promise.resolve();
  }

  /**
   * The room's highest number this hub has written (or filled, or given up on) to its sockets:
   * everything at or below it comes to a socket joining now only from history. Undefined while
   * the position is being learned or before anything was.
   */
  writtenThrough(roomId: string): number | undefined {
    const o = this.order.get(roomId);
    return o && !o.learning && o.next !== undefined ? o.next - 1 : undefined;
  }

  private startOrder(roomId: string): RoomOrder {
    const history = this.options.history;
    let markLearned = () => {};
    const learned = new Promise<void>((resolve) => {
      markLearned = resolve;
    });
    const o: RoomOrder = {
      roomId,
      learning: history !== undefined,
      learned,
      markLearned,
      held: new Map(),
      skipped: new Set(),
      writtenAt: new Map(),
      fillAttempts: 0,
      filling: false,
    };
    if (!o.learning) markLearned();
    this.order.set(roomId, o);
    history?.position(roomId).then(
      (position) => this.positionLearned(o, position),
      (err: unknown) => {
        this.options.onError?.(err, 'could not read a room position; its first delivery starts it');
        this.positionLearned(o, undefined);
      },
    );
    return o;
  }

  /**
   * The room's position is known (or could not be read: `undefined`, and the first delivery
   * starts the room). Everything that arrived meanwhile was sent after the socket joined, so it
   * is written, in order, even a number at or below the position (taken before the read, stored
   * after it).
   */
  private positionLearned(o: RoomOrder, position: number | undefined): void {
    if (this.order.get(o.roomId) !== o || !o.learning) return;
    o.learning = false;
    o.markLearned();
    const lowestHeld = o.held.size ? Math.min(...o.held.keys()) : undefined;
    if (position !== undefined) o.next = Math.min(position + 1, lowestHeld ?? position + 1);
    else o.next = lowestHeld;
    try {
      this.drain(o);
    } catch (err) {
      this.options.onError?.(err, 'a held delivery could not be written');
    }
  }

  private drain(o: RoomOrder): number {
    if (o.next === undefined) return 0;
    let written = 0;
    const now = Date.now();
    for (let d = o.held.get(o.next); d; d = o.held.get(o.next)) {
      o.held.delete(o.next);
      o.writtenAt.set(o.next, now);
      if (o.writtenAt.size > MAX_WRITTEN_AT) o.writtenAt.delete(o.writtenAt.keys().next().value as number);
      o.next++;
      o.fillAttempts = 0; // the gap (if any) moved on
      written += this.writeOut(d);
    }
    if (o.held.size === 0) {
      if (o.timer) clearTimeout(o.timer);
      o.timer = undefined;
      o.fillAttempts = 0;
    } else if (!o.timer && !o.filling) {
      this.scheduleFill(o);
    }
    return written;
  }

  /** Wait for the gap to close by itself, then look it up (each wait twice the last). */
  private scheduleFill(o: RoomOrder): void {
    const wait = (this.options.gapWaitMs ?? 300) * 2 ** Math.min(o.fillAttempts, 4);
    o.timer = setTimeout(() => {
      o.timer = undefined;
      this.fill(o).catch((err: unknown) => this.options.onError?.(err, 'a gap could not be filled'));
    }, wait);
    o.timer.unref?.();
  }

  /**
   * Fill the gaps below the highest held delivery from history. What history does not have
   * yet is looked up again later; after `gapFillAttempts` lookups it is given up on.
   */
  private async fill(o: RoomOrder): Promise<void> {
    if (this.order.get(o.roomId) !== o || o.next === undefined || o.held.size === 0) return;
    const from = o.next;
    // One lookup covers at most MAX_FILL numbers; a wider gap takes several.
    const upto = Math.min(Math.max(...o.held.keys()), from + MAX_FILL - 1);
    o.fillAttempts++;
    let found: Array<{ seq: number; delivery?: Delivery }> | undefined;
    if (this.options.history) {
      o.filling = true;
      try {
        found = await this.options.history.range(o.roomId, from - 1, upto);
      } catch (err) {
        this.options.onError?.(err, 'could not read history to fill a gap');
      } finally {
        o.filling = false;
      }
    }
    if (this.order.get(o.roomId) !== o || o.next === undefined) return;
    const next = o.next;
    const missing = new Set<number>();
    for (let s = next; s <= upto; s++) if (!o.held.has(s)) missing.add(s);
    for (const f of found ?? []) {
      if (!missing.has(f.seq)) continue;
      missing.delete(f.seq);
      // A deleted message keeps its place and has nothing to write.
      o.held.set(f.seq, f.delivery ?? { roomId: o.roomId, seq: f.seq, frames: {} });
    }
    if (
      missing.size > 0 &&
      (!this.options.history || o.fillAttempts >= (this.options.gapFillAttempts ?? 4))
    ) {
      // Numbers that were taken and never stored (or are still being stored): go on without
      // them, and remember them so that one arriving late is still written.
      for (const s of missing) {
        o.held.set(s, { roomId: o.roomId, seq: s, frames: {} });
        o.skipped.add(s);
      }
      while (o.skipped.size > MAX_SKIPPED) o.skipped.delete(o.skipped.values().next().value as number);
    }
    this.drain(o);
  }

  /**
   * Write a delivery to the local sockets it is for. Returns how many frames were written. Each
   * protocol's frame is made once (header and payload, see `textFrame`), not once per socket.
   * A `late` one is below the room's order (given up on, then arrived): written even to sockets
   * that are past it.
   */
  private writeOut(d: Delivery, opts: { late?: boolean } = {}): number {
    const users = d.userIds ? new Set(d.userIds) : undefined;
    let written = 0;
    const closing: HubConnection[] = [];
    const encoded: { ivs?: Buffer; seed003?: Buffer } = {};
    for (const c of this.inRoom(d.roomId)) {
      if (users && !users.has(c.userId)) continue;
      const text = d.frames[c.protocol];
      if (text !== undefined) {
        encoded[c.protocol] ??= textFrame(text);
        if (this.write(c, encoded[c.protocol] as Buffer, opts.late ? undefined : d.seq)) written++;
      }
      if (d.close && (!d.close.userIds || d.close.userIds.includes(c.userId))) closing.push(c);
    }
    for (const c of closing) c.close(d.close?.code ?? 1000, d.close?.reason ?? '');
    return written;
  }

  /**
   * Write one frame in sequence order (a text, or a whole frame from `textFrame`); false when
   * skipped (duplicate) or the client was dropped. A frame without `seq` is always written.
   */
  write(c: HubConnection, frame: string | Buffer, seq?: number): boolean {
    if (this.dropped.has(c)) return false;
    if (c.pending) {
      c.pending.push({ seq, frame });
      return true;
    }
    return this.writeNow(c, frame, seq);
  }

  /**
   * Write a frame from history to a recovering socket: straight out, while the live frames that
   * arrive meanwhile wait in `pending` (released by `flushPending`, skipping what history covered).
   */
  replay(c: HubConnection, frame: string, seq: number): boolean {
    if (this.dropped.has(c)) return false;
    this.replayedAt.set(c, Date.now());
    return this.writeNow(c, frame, seq);
  }

  private writeNow(c: HubConnection, frame: string | Buffer, seq?: number): boolean {
    if (seq !== undefined) {
      if (seq <= c.lastSeq) return false; // already sent (recovery overlap or a redelivery)
      c.lastSeq = seq;
      c.firstSeq ??= seq;
    }
    if (c.bufferedAmount() > this.options.maxBufferedBytes) {
      this.dropSlowConsumer(c);
      return false;
    }
    if (typeof frame === 'string') c.send(frame);
    else c.sendFramed(frame);
    return true;
  }

  /**
   * A client that does not read: out of every room at once (others keep receiving, nothing more
   * piles up for it), closed with 1013, reported once.
   */
  private dropSlowConsumer(c: HubConnection): void {
    this.dropped.add(c);
    const roomId = c.roomId;
    this.remove(c);
    c.close(1013, 'send buffer full: the client is not reading fast enough');
    this.options.onSlowConsumer?.(c, roomId);
  }

  /** End a recovery: write what arrived meanwhile, in order, skipping what history covered. */
  flushPending(c: HubConnection): void {
    const queued = (c.pending ?? []).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    c.pending = undefined;
    for (const p of queued) this.write(c, p.frame, p.seq);
  }
}
