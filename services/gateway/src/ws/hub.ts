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
 * The sockets this gateway instance holds, by room. It writes each delivery's frame (already
 * serialized by fanout) to the local sockets, and drops a client whose send buffer has grown
 * past the bound instead of letting memory grow.
 */
/** A room's sockets on this instance; its id is the one string every member's `roomId` points to. */
class LocalRoom extends Set<HubConnection> {
  constructor(readonly id: string) {
    super();
  }
}

export class Hub {
  private readonly rooms = new Map<string, LocalRoom>();
  private readonly all = new Set<HubConnection>();
  /**
   * Per room: the next sequence number to write and the deliveries that arrived early. Messages
   * can overtake each other (several fanout instances, concurrent chat-svc handlers); every
   * socket must still see a room in sequence order, and nothing may be dropped.
   */
  private readonly order = new Map<
    string,
    { next: number; held: Map<number, Delivery>; timer?: NodeJS.Timeout }
  >();

  constructor(
    private readonly o: {
      maxBufferedBytes: number;
      onSlowConsumer?: (c: HubConnection) => void;
      /** How long an early message waits for the one before it (a gap may be a sequence number never used). */
      gapWaitMs?: number;
      /** A write that failed outside a caller (the gap timer), for the log. */
      onError?: (err: unknown) => void;
    },
  ) {}

  add(c: HubConnection): void {
    this.all.add(c);
    if (c.roomId) this.join(c, c.roomId);
  }

  /**
   * Put a socket in a room. A socket is in one room at a time: it leaves the one it was in, and
   * a room nobody is in any more is forgotten (a socket hopping through thousands of groups
   * leaves nothing behind).
   */
  join(c: HubConnection, roomId: string): void {
    if (c.roomId === roomId && this.rooms.get(roomId)?.has(c)) return;
    this.leave(c);
    let room = this.rooms.get(roomId);
    if (!room) {
      room = new LocalRoom(roomId);
      this.rooms.set(roomId, room);
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
   * Take a delivery from fanout. Sequenced ones (chat messages) are written in room order, held
   * until the one before arrives (or gapWaitMs passes). The first sequence number this instance
   * sees for a room starts its order; a client that needs what came before asks with `since`.
   */
  deliver(d: Delivery): number {
    if (d.seq === undefined) return this.writeOut(d);
    // No socket here is in the room (it left while the delivery was on its way): nothing to
    // write and nothing to keep order for, so no state is made for it.
    if (!this.rooms.has(d.roomId)) return 0;
    let o = this.order.get(d.roomId);
    if (!o) {
      o = { next: d.seq, held: new Map() };
      this.order.set(d.roomId, o);
    } else if (d.seq < o.next) {
      return 0; // written already (a redelivery)
    }
    o.held.set(d.seq, d);
    return this.drain(o);
  }

  private drain(o: { next: number; held: Map<number, Delivery>; timer?: NodeJS.Timeout }): number {
    let written = 0;
    for (let d = o.held.get(o.next); d; d = o.held.get(o.next)) {
      o.held.delete(o.next);
      o.next++;
      written += this.writeOut(d);
    }
    if (o.held.size === 0 && o.timer) {
      clearTimeout(o.timer);
      o.timer = undefined;
    } else if (o.held.size > 0 && !o.timer) {
      o.timer = setTimeout(() => {
        o.timer = undefined;
        o.next = Math.min(...o.held.keys()); // give up on the gap; recovery covers a real loss
        try {
          this.drain(o);
        } catch (err) {
          this.o.onError?.(err); // a timer must not throw: that would end the process
        }
      }, this.o.gapWaitMs ?? 200);
      o.timer.unref?.();
    }
    return written;
  }

  /**
   * Write a delivery to the local sockets it is for. Returns how many frames were written. Each
   * protocol's frame is made once (header and payload, see `textFrame`), not once per socket.
   */
  private writeOut(d: Delivery): number {
    const users = d.userIds ? new Set(d.userIds) : undefined;
    let written = 0;
    const closing: HubConnection[] = [];
    const encoded: { ivs?: Buffer; seed003?: Buffer } = {};
    for (const c of this.rooms.get(d.roomId) ?? []) {
      if (users && !users.has(c.userId)) continue;
      const text = d.frames[c.protocol];
      if (text !== undefined) {
        encoded[c.protocol] ??= textFrame(text);
        if (this.write(c, encoded[c.protocol] as Buffer, d.seq)) written++;
      }
      if (d.close && (!d.close.userIds || d.close.userIds.includes(c.userId))) closing.push(c);
    }
    for (const c of closing) c.close(d.close?.code ?? 1000, d.close?.reason ?? '');
    return written;
  }

  /**
   * Write one frame in sequence order (a text, or a whole frame from `textFrame`); false when
   * skipped (duplicate) or the client was dropped.
   */
  write(c: HubConnection, frame: string | Buffer, seq?: number): boolean {
    if (c.pending) {
      c.pending.push({ seq, frame });
      return true;
    }
    if (seq !== undefined) {
      if (seq <= c.lastSeq) return false; // already sent (recovery overlap or a redelivery)
      c.lastSeq = seq;
    }
    if (c.bufferedAmount() > this.o.maxBufferedBytes) {
      this.o.onSlowConsumer?.(c);
      c.close(1013, 'send buffer full: the client is not reading fast enough');
      return false;
    }
    if (typeof frame === 'string') c.send(frame);
    else c.sendFramed(frame);
    return true;
  }

  /** End a recovery: write what arrived meanwhile, in order, skipping what history covered. */
  flushPending(c: HubConnection): void {
    const queued = (c.pending ?? []).sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
    c.pending = undefined;
    for (const p of queued) this.write(c, p.frame, p.seq);
  }
}
