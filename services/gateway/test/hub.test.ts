import { type Delivery, Hub, type HubConnection, type RoomHistory } from '../src/sockets/hub';
import { isDelivery } from '../src/sockets/deliveries';
import { waitFor } from '../../../test/support';

/** The text of a whole unmasked frame (header: 2, 4 or 10 bytes by payload length). */
function payloadOf(frame: Buffer): string {
  const len = frame[1] & 0x7f;
  return frame.subarray(len < 126 ? 2 : len === 126 ? 4 : 10).toString();
}

function conn(id: string, userId: string, roomId: string, buffered = 0) {
  const got: string[] = [];
  const closed: Array<[number, string]> = [];
  const c: HubConnection & { got: string[]; closed: typeof closed } = {
    id,
    userId,
    protocol: 'ivs',
    roomId,
    lastSeq: 0,
    got,
    closed,
    send: (text) => got.push(text),
    sendFramed: (frame) => got.push(payloadOf(frame)),
    close: (code, reason) => closed.push([code, reason]),
    bufferedAmount: () => buffered,
  };
  return c;
}
const msg = (seq: number, roomId = 'r1'): Delivery => ({ roomId, seq, frames: { ivs: `m${seq}` } });

/**
 * A room's stored history as the hub reads it: `stored` seqs (a deleted one as `-seq`), and
 * the position the room is at; `reads` counts the lookups.
 */
function history(o: { position?: number; stored?: number[]; positionFails?: boolean }) {
  const h = {
    position: o.position ?? 0,
    stored: o.stored ?? [],
    positions: 0,
    reads: [] as Array<[number, number]>,
    release: undefined as undefined | (() => void),
    gate: undefined as undefined | Promise<void>,
  };
  const reader: RoomHistory = {
    async position() {
      h.positions++;
      await h.gate;
      if (o.positionFails) throw new Error('table down');
      return h.position;
    },
    async range(roomId, after, upto) {
      h.reads.push([after, upto]);
      return h.stored
        .filter((s) => Math.abs(s) > after && Math.abs(s) <= upto)
        .sort((x, y) => Math.abs(x) - Math.abs(y))
        .map((s) =>
          s < 0 ? { seq: -s } : { seq: s, delivery: { roomId, seq: s, frames: { ivs: `h${s}` } } },
        );
    },
  };
  /** Hold position reads until `open()`. */
  const hold = () => {
    h.gate = new Promise((r) => {
      h.release = r;
    });
  };
  return { h, reader, hold };
}

describe('Hub', () => {
  it('writes a room in sequence order even when deliveries overtake each other, dropping nothing', async () => {
    const hub = new Hub({ maxBufferedBytes: 1e6, gapWaitMs: 50 });
    const a = conn('a', 'alice', 'r1');
    hub.add(a);
    for (const s of [1, 3, 2, 5, 4, 4, 6]) hub.deliver(msg(s));
    expect(a.got).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6']);
  });

  it('without history, skips a gap that never fills after the wait, and still writes the number if it turns up late', async () => {
    const hub = new Hub({ maxBufferedBytes: 1e6, gapWaitMs: 30 });
    const a = conn('a', 'alice', 'r1');
    hub.add(a);
    hub.deliver(msg(1));
    hub.deliver(msg(3));
    expect(a.got).toEqual(['m1']);
    await waitFor(() => a.got.length === 2, { what: 'the held message after the gap wait' });
    expect(a.got).toEqual(['m1', 'm3']);
    hub.deliver(msg(2)); // late, but never written: not a duplicate
    hub.deliver(msg(2)); // now it is
    hub.deliver(msg(3));
    expect(a.got).toEqual(['m1', 'm3', 'm2']);
  });

  it('learns a room position when its first socket joins: messages sent at once arrive in any order and all are written, in order', async () => {
    const { h, reader, hold } = history({ position: 0 });
    hold();
    const hub = new Hub({ maxBufferedBytes: 1e6, history: reader, gapWaitMs: 1000 });
    const a = conn('a', 'alice', 'r1');
    const b = conn('b', 'bob', 'r1');
    hub.add(a);
    hub.add(b);
    // Seq 3 arrives first: the old hub took it as the room's start and dropped 1 and 2.
    for (const s of [3, 1, 2]) hub.deliver(msg(s));
    expect(a.got).toEqual([]); // the position is not known yet
    h.release?.();
    await waitFor(() => a.got.length === 3, { what: 'the three held messages' });
    expect(a.got).toEqual(['m1', 'm2', 'm3']);
    expect(b.got).toEqual(['m1', 'm2', 'm3']);
    expect(h.positions).toBe(1); // once per room, not per socket
    hub.deliver(msg(4));
    expect(a.got).toEqual(['m1', 'm2', 'm3', 'm4']);
  });

  it('starts a room after its position: what was sent before the join is not written, what comes after is', async () => {
    const { reader } = history({ position: 7 });
    const hub = new Hub({ maxBufferedBytes: 1e6, history: reader, gapWaitMs: 1000 });
    const a = conn('a', 'alice', 'r1');
    hub.add(a);
    await waitFor(
      async () => {
        hub.deliver(msg(8)); // written once the position is in
        return a.got.length === 1;
      },
      { what: 'seq 8 after the position 7' },
    );
    hub.deliver(msg(6)); // an old redelivery
    expect(a.got).toEqual(['m8']);
  });

  it('fills a gap that does not close from history, in order, then goes on', async () => {
    const { h, reader } = history({ position: 0, stored: [1, 2, 3, 4] });
    const hub = new Hub({ maxBufferedBytes: 1e6, history: reader, gapWaitMs: 20 });
    const a = conn('a', 'alice', 'r1');
    hub.add(a);
    await waitFor(async () => {
      hub.deliver(msg(1));
      return a.got.length === 1;
    });
    hub.deliver(msg(4)); // 2 and 3 were lost on the way
    expect(a.got).toEqual(['m1']);
    await waitFor(() => a.got.length === 4, { what: 'the gap filled from history' });
    expect(a.got).toEqual(['m1', 'h2', 'h3', 'm4']);
    expect(h.reads).toEqual([[1, 4]]);
    hub.deliver(msg(2)); // fanout's copy, late: already written from history
    hub.deliver(msg(5));
    expect(a.got).toEqual(['m1', 'h2', 'h3', 'm4', 'm5']);
  });

  it("passes a deleted message's place in a gap, and gives up on a number history never has (a late copy is still written)", async () => {
    const { h, reader } = history({ position: 0, stored: [1, -2, 4] });
    const hub = new Hub({ maxBufferedBytes: 1e6, history: reader, gapWaitMs: 5, gapFillAttempts: 3 });
    const a = conn('a', 'alice', 'r1');
    hub.add(a);
    await waitFor(async () => {
      hub.deliver(msg(1));
      return a.got.length === 1;
    });
    hub.deliver(msg(4)); // 2 deleted, 3 taken and never stored
    await waitFor(() => a.got.length === 2, { what: 'seq 4 after giving up on 3' });
    expect(a.got).toEqual(['m1', 'm4']);
    // The first lookup passed 2; three more (gapFillAttempts) looked for 3 before giving up.
    expect(h.reads).toEqual([
      [1, 4],
      [2, 4],
      [2, 4],
      [2, 4],
    ]);
    hub.deliver(msg(3)); // turned up after all
    hub.deliver(msg(3));
    expect(a.got).toEqual(['m1', 'm4', 'm3']);
  });

  it('a reconnected sender gets a message once: from history, not again as the answer to a resend that crossed it', async () => {
    const hub = new Hub({ maxBufferedBytes: 1e6, gapWaitMs: 1000 });
    const b = conn('b', 'bob', 'r1');
    hub.add(b);
    hub.deliver(msg(1));
    hub.deliver(msg(2)); // written here before alice's new sockets joined
    // The answer comes after recovery wrote seq 2 from history.
    const a = conn('a', 'alice', 'r1');
    a.lastSeq = 1; // since=1
    a.pending = [];
    hub.add(a);
    hub.replay(a, 'h2', 2);
    hub.answer(a, msg(2), { resentAt: Date.now() });
    hub.flushPending(a);
    expect(a.got).toEqual(['h2']);
    // The answer comes while recovery is still reading history.
    const c = conn('c', 'alice', 'r1');
    c.lastSeq = 1;
    c.pending = [];
    hub.add(c);
    hub.answer(c, msg(2), { resentAt: Date.now() });
    hub.replay(c, 'h2', 2);
    hub.flushPending(c);
    expect(c.got).toEqual(['h2']);
    expect(b.got).toEqual(['m1', 'm2']);
  });

  it("answers a sender from chat-svc's reply: in order with the room when new, to the sender alone when it is a resend", async () => {
    const hub = new Hub({ maxBufferedBytes: 1e6, gapWaitMs: 1000 });
    const a = conn('a', 'alice', 'r1');
    const b = conn('b', 'bob', 'r1');
    hub.add(a);
    hub.add(b);
    hub.deliver(msg(1));
    hub.answer(a, msg(2)); // the reply came before fanout's delivery: everyone here gets it
    hub.deliver(msg(2)); // fanout's copy
    expect(a.got).toEqual(['m1', 'm2']);
    expect(b.got).toEqual(['m1', 'm2']);
    hub.answer(a, msg(1)); // the reply to a first attempt fanout already answered: nothing more
    expect(a.got).toEqual(['m1', 'm2']);
    // A resend on this socket that crossed the echo (it reached the gateway right after seq 2
    // was written): the frame on its way answers it, no second copy.
    hub.answer(a, msg(2), { resentAt: Date.now() });
    expect(a.got).toEqual(['m1', 'm2']);
    // A resend that came well after the socket had seq 1 is the client asking again: the
    // original again, to alice only.
    hub.answer(a, msg(1), { resentAt: Date.now() + 5000 });
    expect(a.got).toEqual(['m1', 'm2', 'm1']);
    expect(b.got).toEqual(['m1', 'm2']);
    const c = conn('c', 'alice', 'r1'); // alice again, reconnected after seq 2 was written
    hub.add(c);
    hub.answer(c, msg(2)); // her resend on the new socket, which never got seq 2
    expect(c.got).toEqual(['m2']);
    expect(b.got).toEqual(['m1', 'm2']);
  });

  it('starts a socket that moves to another room afresh (the numbers of the last room do not hide the new one)', () => {
    const hub = new Hub({ maxBufferedBytes: 1e6 });
    const a = conn('a', 'alice', 'g1');
    hub.add(a);
    for (const s of [1, 2, 3]) hub.deliver(msg(s, 'g1'));
    hub.join(a, 'g2');
    hub.deliver(msg(1, 'g2'));
    expect(a.got).toEqual(['m1', 'm2', 'm3', 'm1']);
  });

  it('drops a slow consumer once: out of its room at once, closed 1013, reported once, the others keep receiving', () => {
    const dropped: Array<[string, string | undefined]> = [];
    const hub = new Hub({
      maxBufferedBytes: 100,
      onSlowConsumer: (c, roomId) => dropped.push([c.id, roomId]),
    });
    const a = conn('a', 'alice', 'r1');
    const slow = conn('s', 'sam', 'r1', 1000);
    hub.add(a);
    hub.add(slow);
    for (let s = 1; s <= 50; s++) hub.deliver(msg(s));
    expect(dropped).toEqual([['s', 'r1']]);
    expect(slow.closed).toEqual([[1013, 'send buffer full: the client is not reading fast enough']]);
    expect(slow.roomId).toBeUndefined();
    expect(hub.inRoom('r1')).toEqual([a]);
    expect(hub.connections()).toEqual([a]);
    expect(a.got).toHaveLength(50);
    expect(hub.write(slow, 'more', undefined)).toBe(false);
    expect(dropped).toHaveLength(1);
  });

  it('frames a delivery once and hands every socket of the room the same bytes', () => {
    const hub = new Hub({ maxBufferedBytes: 1e6 });
    const sent: Buffer[] = [];
    const sockets = ['a', 'b', 'c'].map((id) => {
      const c = conn(id, id, 'r1');
      c.sendFramed = (f) => sent.push(f);
      hub.add(c);
      return c;
    });
    expect(hub.deliver(msg(1))).toBe(sockets.length);
    expect(sent).toHaveLength(3);
    expect(payloadOf(sent[0])).toBe('m1');
    expect(sent[1]).toBe(sent[0]);
    expect(sent[2]).toBe(sent[0]);
  });

  it('closes only the named users after writing, and drops a slow consumer with a reason', () => {
    const dropped: string[] = [];
    const hub = new Hub({ maxBufferedBytes: 100, onSlowConsumer: (c) => dropped.push(c.id) });
    const a = conn('a', 'alice', 'r1');
    const b = conn('b', 'bob', 'r1');
    const slow = conn('s', 'sam', 'r1', 1000);
    for (const c of [a, b, slow]) hub.add(c);
    hub.deliver({
      roomId: 'r1',
      frames: { ivs: 'bye bob' },
      close: { code: 1000, reason: 'rude', userIds: ['bob'] },
    });
    expect(a.got).toEqual(['bye bob']);
    expect(b.got).toEqual(['bye bob']);
    expect(a.closed).toEqual([]);
    expect(b.closed).toEqual([[1000, 'rude']]);
    expect(slow.got).toEqual([]);
    expect(slow.closed[0][0]).toBe(1013);
    expect(dropped).toEqual(['s']);
  });

  it('holds live frames during recovery and skips what history already covered', () => {
    const hub = new Hub({ maxBufferedBytes: 1e6 });
    const a = conn('a', 'alice', 'r1');
    a.pending = [];
    hub.add(a);
    hub.deliver(msg(5));
    hub.deliver(msg(6));
    expect(a.got).toEqual([]);
    a.pending = undefined; // recovery writes history straight through…
    for (const s of [3, 4, 5]) hub.write(a, `h${s}`, s);
    a.pending = [
      { seq: 5, frame: 'm5' },
      { seq: 6, frame: 'm6' },
    ];
    hub.flushPending(a); // …then the held live frames, without the overlap
    expect(a.got).toEqual(['h3', 'h4', 'h5', 'm6']);
  });

  it('forgets a room when its last socket leaves: 10,000 joins by one socket leave nothing behind', () => {
    const hub = new Hub({ maxBufferedBytes: 1e6 });
    const a = conn('a', 'alice', 'g0');
    const b = conn('b', 'bob', 'g0');
    hub.add(a);
    hub.add(b);
    for (let i = 1; i <= 10_000; i++) {
      hub.join(a, `g${i}`);
      hub.deliver(msg(i, `g${i}`)); // sequencing state for the room a is in
    }
    expect(a.roomId).toBe('g10000');
    expect(hub.roomCount()).toBe(2); // g0 (bob) and g10000 (alice): one room per socket at most
    expect(hub.orderedRoomCount()).toBe(2);
    expect(hub.inRoom('g0')).toEqual([b]);
    hub.remove(a);
    expect(hub.roomCount()).toBe(1);
    expect(hub.orderedRoomCount()).toBe(1);
    hub.leave(b);
    expect(b.roomId).toBeUndefined();
    expect(hub.roomCount()).toBe(0);
    expect(hub.orderedRoomCount()).toBe(0);
    hub.remove(b);
    expect(hub.connections()).toEqual([]);
  });

  it('keeps no state for a room none of its sockets is in (a late delivery after a leave)', () => {
    const hub = new Hub({ maxBufferedBytes: 1e6, gapWaitMs: 10 });
    const a = conn('a', 'alice', 'r1');
    hub.add(a);
    hub.join(a, 'r2');
    expect(hub.deliver(msg(7, 'r1'))).toBe(0);
    expect(hub.deliver(msg(9, 'r3'))).toBe(0);
    expect(hub.roomCount()).toBe(1);
    expect(hub.orderedRoomCount()).toBe(1); // r2's, where a is
    expect(a.got).toEqual([]);
  });

  it('takes from the bus only deliveries it can write (a malformed one would throw in a timer)', () => {
    expect(isDelivery({ roomId: 'r1', seq: 3, frames: { ivs: 'x' } })).toBe(true);
    expect(
      isDelivery({ roomId: 'r1', frames: {}, close: { code: 1000, reason: 'bye', userIds: ['u'] } }),
    ).toBe(true);
    for (const bad of [
      null,
      'r1',
      [],
      { roomId: 5, frames: {} },
      { roomId: 'r1' },
      { roomId: 'r1', frames: { ivs: 42 } },
      { roomId: 'r1', seq: 'x', frames: {} },
      { roomId: 'r1', seq: 1.5, frames: {} },
      { roomId: 'r1', userIds: [1], frames: {} },
      { roomId: 'r1', frames: {}, close: { code: '1000', reason: '' } },
      { roomId: 'r1', frames: {}, close: { code: 1000, reason: 'x', userIds: 'u' } },
    ]) {
      expect(isDelivery(bad)).toBe(false);
    }
  });
});
