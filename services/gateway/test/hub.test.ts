import { type Delivery, Hub, type HubConnection } from '../src/ws/hub';
import { isDelivery } from '../src/ws/routes';
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

describe('Hub', () => {
  it('writes a room in sequence order even when deliveries overtake each other, dropping nothing', async () => {
    const hub = new Hub({ maxBufferedBytes: 1e6, gapWaitMs: 50 });
    const a = conn('a', 'alice', 'r1');
    hub.add(a);
    for (const s of [1, 3, 2, 5, 4, 4, 6]) hub.deliver(msg(s));
    expect(a.got).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6']);
  });

  it('skips a gap that never fills after the wait (a sequence number that was never used)', async () => {
    const hub = new Hub({ maxBufferedBytes: 1e6, gapWaitMs: 30 });
    const a = conn('a', 'alice', 'r1');
    hub.add(a);
    hub.deliver(msg(1));
    hub.deliver(msg(3));
    expect(a.got).toEqual(['m1']);
    await waitFor(() => a.got.length === 2, { what: 'the held message after the gap wait' });
    expect(a.got).toEqual(['m1', 'm3']);
    hub.deliver(msg(2)); // too late: already passed
    expect(a.got).toEqual(['m1', 'm3']);
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
    expect(hub.orderedRoomCount()).toBe(1);
    expect(hub.inRoom('g0')).toEqual([b]);
    hub.remove(a);
    expect(hub.roomCount()).toBe(1);
    expect(hub.orderedRoomCount()).toBe(0);
    hub.leave(b);
    expect(b.roomId).toBeUndefined();
    expect(hub.roomCount()).toBe(0);
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
    expect(hub.orderedRoomCount()).toBe(0);
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
