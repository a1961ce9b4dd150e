import { makeEnvelope } from '@onair/contracts';
import { deliveryFor } from '../src/deliveries';
import fc from 'fast-check';
import { type Membership, PresenceIndex } from '../src/presence-index';

/** The index as it was before rooms were indexed: every event scanned every membership. The model. */
class ScanningIndex {
  private readonly byGateway = new Map<string, Map<string, Membership>>();
  private readonly expiresAt = new Map<string, number>();
  join(gw: string, m: Membership) {
    const g = this.byGateway.get(gw) ?? new Map<string, Membership>();
    this.byGateway.set(gw, g.set(`${m.connectionId}/${m.roomId}`, m));
  }
  leave(gw: string, m: Membership) {
    this.byGateway.get(gw)?.delete(`${m.connectionId}/${m.roomId}`);
  }
  snapshot(gw: string, ms: Membership[], ttlSeconds: number, now: number) {
    this.byGateway.set(gw, new Map(ms.map((m) => [`${m.connectionId}/${m.roomId}`, m])));
    this.expiresAt.set(gw, now + ttlSeconds * 1000);
  }
  expire(now: number) {
    const gone: string[] = [];
    for (const [gw, at] of this.expiresAt)
      if (at < now) {
        this.byGateway.delete(gw);
        this.expiresAt.delete(gw);
        gone.push(gw);
      }
    return gone;
  }
  gatewaysFor(roomId: string, userIds?: string[]) {
    return [...this.byGateway]
      .filter(([, conns]) =>
        [...conns.values()].some((m) => m.roomId === roomId && (!userIds || userIds.includes(m.userId))),
      )
      .map(([gw]) => gw)
      .sort();
  }
  size() {
    return [...this.byGateway.values()].reduce((n, c) => n + c.size, 0);
  }
}

describe('PresenceIndex', () => {
  it('finds the gateways of a room, or of some users in it, and forgets leaves', () => {
    const ix = new PresenceIndex();
    ix.join('gw-a', { connectionId: 'c1', roomId: 'r1', userId: 'alice' });
    ix.join('gw-b', { connectionId: 'c2', roomId: 'r1', userId: 'bob' });
    ix.join('gw-b', { connectionId: 'c3', roomId: 'r2', userId: 'carol' });
    expect(ix.gatewaysFor('r1')).toEqual(['gw-a', 'gw-b']);
    expect(ix.gatewaysFor('r1', ['bob'])).toEqual(['gw-b']);
    expect(ix.gatewaysFor('r3')).toEqual([]);
    ix.leave('gw-a', { connectionId: 'c1', roomId: 'r1', userId: 'alice' });
    expect(ix.gatewaysFor('r1')).toEqual(['gw-b']);
  });

  it('replaces a gateway wholesale with its snapshot, and expires it when snapshots stop', () => {
    const ix = new PresenceIndex();
    ix.join('gw-a', { connectionId: 'stale', roomId: 'r9', userId: 'x' });
    ix.snapshot('gw-a', [{ connectionId: 'c1', roomId: 'r1', userId: 'alice' }], 10, 1_000);
    expect(ix.gatewaysFor('r9')).toEqual([]);
    expect(ix.gatewaysFor('r1')).toEqual(['gw-a']);
    expect(ix.expire(5_000)).toEqual([]);
    expect(ix.expire(12_000)).toEqual(['gw-a']);
    expect(ix.gatewaysFor('r1')).toEqual([]);
  });
});

describe('PresenceIndex against a scan of every membership', () => {
  const gateway = fc.constantFrom('gw-a', 'gw-b', 'gw-c');
  const membership = fc.record({
    connectionId: fc.constantFrom('c1', 'c2', 'c3', 'c4'),
    roomId: fc.constantFrom('r1', 'r2', 'r3'),
    userId: fc.constantFrom('u1', 'u2', 'u3'),
  });
  const op = fc.oneof(
    fc.record({ kind: fc.constant('join' as const), gw: gateway, m: membership }),
    fc.record({ kind: fc.constant('leave' as const), gw: gateway, m: membership }),
    fc.record({
      kind: fc.constant('snapshot' as const),
      gw: gateway,
      ms: fc.array(membership, { maxLength: 6 }),
      now: fc.integer({ min: 0, max: 30_000 }),
    }),
    fc.record({ kind: fc.constant('expire' as const), now: fc.integer({ min: 0, max: 30_000 }) }),
  );

  it('routes every room and user filter the same after any joins, leaves, snapshots and expiries', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const ix = new PresenceIndex();
        const model = new ScanningIndex();
        for (const o of ops) {
          for (const x of [ix, model]) {
            if (o.kind === 'join') x.join(o.gw, o.m);
            else if (o.kind === 'leave') x.leave(o.gw, o.m);
            else if (o.kind === 'snapshot') x.snapshot(o.gw, o.ms, 10, o.now);
          }
          if (o.kind === 'expire') expect(ix.expire(o.now)).toEqual(model.expire(o.now));
          for (const room of ['r1', 'r2', 'r3'])
            for (const users of [undefined, ['u1'], ['u2', 'u3'], []])
              expect(ix.gatewaysFor(room, users)).toEqual(model.gatewaysFor(room, users));
          expect(ix.size()).toBe(model.size());
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('deliveryFor', () => {
  const t = '2026-11-22T10:00:00.000Z';
  it('turns a stored message into an IVS MESSAGE frame and a seed 003 record, with the seq', () => {
    const d = deliveryFor(
      makeEnvelope({
        type: 'onair.chat.message.sent.v1',
        source: 'chat-svc',
        data: {
          roomId: 'r1',
          messageId: 'm1',
          seq: 7,
          requestId: 'req-1',
          sender: { userId: 'bob', attributes: { displayName: 'Bob' } },
          content: 'hi',
          sendTime: t,
        },
      }),
    );
    expect(d?.seq).toBe(7);
    expect(JSON.parse(d?.frames.ivs ?? '')).toEqual({
      Type: 'MESSAGE',
      Id: 'm1',
      RequestId: 'req-1',
      Content: 'hi',
      Attributes: { 'onair:seq': '7' },
      SendTime: t,
      Sender: { UserId: 'bob', Attributes: { displayName: 'Bob' } },
    });
    expect(JSON.parse(d?.frames.seed003 ?? '')).toEqual({
      messageId: 'm1',
      groupId: 'r1',
      message: 'hi',
      sender: 'bob',
      createdAt: t,
      seq: 7,
    });
  });

  it('sends a deletion with MessageId and MessageID, and a disconnect that closes only that user', () => {
    const del = deliveryFor(
      makeEnvelope({
        type: 'onair.chat.message.deleted.v1',
        source: 'c',
        data: { roomId: 'r1', messageId: 'm1', deletedBy: 'mod' },
      }),
    );
    expect(JSON.parse(del?.frames.ivs ?? '')).toMatchObject({
      Type: 'EVENT',
      EventName: 'aws:DELETE_MESSAGE',
      Attributes: { MessageId: 'm1', MessageID: 'm1' },
    });
    const dis = deliveryFor(
      makeEnvelope({
        type: 'onair.chat.user.disconnected.v1',
        source: 'c',
        data: { roomId: 'r1', userId: 'bob', reason: 'rude' },
      }),
    );
    expect(dis?.userIds).toBeUndefined();
    expect(dis?.close).toEqual({ code: 1000, reason: 'rude', userIds: ['bob'] });
    expect(JSON.parse(dis?.frames.ivs ?? '')).toMatchObject({
      EventName: 'aws:DISCONNECT_USER',
      Attributes: { UserId: 'bob', Reason: 'rude' },
    });
  });

  it('pushes stream state to the stream chat room, and ignores a state change without one', () => {
    const live = deliveryFor(
      makeEnvelope({
        type: 'onair.stream.state-changed.v1',
        source: 's',
        data: { streamId: 'st_1', chatRoomId: 'r1', status: 'live', at: t },
      }),
    );
    expect(live?.roomId).toBe('r1');
    expect(JSON.parse(live?.frames.ivs ?? '')).toMatchObject({
      EventName: 'onair:STREAM_STATE',
      Attributes: { streamId: 'st_1', status: 'live' },
    });
    expect(
      deliveryFor(
        makeEnvelope({
          type: 'onair.stream.state-changed.v1',
          source: 's',
          data: { streamId: 'st_1', status: 'live', at: t },
        }),
      ),
    ).toBeUndefined();
  });
});
