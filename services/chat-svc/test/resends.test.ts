// Issue 10, item 5: a resend (same RequestId) must not take a sequence number, however sends and
// resends interleave; issue 13: the room's owner keeps its sequence and recent RequestIds in
// memory under a lease, a new owner recalls them from history, and no number is ever reused.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type Envelope, makeEnvelope, partitionOf } from '@onair/contracts';
import { createDocumentClient, ensureTable, isAppError, silentLogger } from '@onair/runtime';
import fc from 'fast-check';
import { recordingBus, startDynalite } from '../../../test/support';
import { buildService } from '../src/app';
import { FakeIvsChat } from '../src/ivs-chat/fake';
import { MessageStore } from '../src/messages/store';
import { CHAT_TABLE_INDEXES } from '../src/rooms/store';

describe('resends take no sequence number', () => {
  jest.setTimeout(60_000);
  let db: Awaited<ReturnType<typeof startDynalite>>;
  let ddb: ReturnType<typeof createDocumentClient>;
  let svc: ReturnType<typeof buildService>;
  const make = (instanceId: string, block = 100) =>
    buildService({
      bus,
      logger: silentLogger,
      instanceId,
      ddb,
      tableName: table,
      ivsChat: new FakeIvsChat(),
      chatTokenSecret: 'chat-secret-for-the-tests',
      review: async () => ({ ReviewResult: 'ALLOW' }),
      now: () => clock,
      ownership: { block },
    });
  let bus: ReturnType<typeof recordingBus>;
  let clock: Date;
  const table = 'chat-resends';
  const ctx = { attempt: 1, log: silentLogger };
  const owner = { userId: 'owner', roles: ['streamer' as const] };

  beforeAll(async () => {
    db = await startDynalite();
    ddb = createDocumentClient({ region: 'us-east-1', endpoint: db.endpoint });
    await ensureTable(ddb, { name: table, indexes: CHAT_TABLE_INDEXES });
    bus = recordingBus();
    clock = new Date();
    svc = make('c1');
  });
  afterAll(async () => {
    ddb.destroy();
    await db.close();
  });

  const runOn = (on: ReturnType<typeof buildService>, e: Envelope) =>
    on.router.handle(e, ctx) as Promise<Envelope>;
  const run = (e: Envelope) => runOn(svc, e);
  const seqOf = (r: Envelope) => (r.data as { seq: number }).seq;
  let rooms = 0;
  const room = async () => {
    const roomId = `room-${++rooms}`;
    await run(
      makeEnvelope({
        type: 'onair.chat.room.create.v1',
        source: 'test',
        data: {
          roomId,
          actor: owner,
          provider: 'native',
          name: roomId,
          settings: { maximumMessageRatePerSecond: 100 },
        },
      }),
    );
    return roomId;
  };
  const sendCmd = (roomId: string, userId: string, requestId: string, id?: string) =>
    makeEnvelope({
      type: 'onair.chat.message.send.v1',
      source: 'test',
      ...(id ? { id } : {}),
      data: {
        roomId,
        sender: { userId },
        connectionId: 'c1',
        gatewayId: 'gw-1',
        requestId,
        content: `text of ${requestId}`,
      },
    });
  /** A send as the bus runs it: a handler that answers 503 "still being processed" is run again. */
  const send = async (cmd: Envelope): Promise<{ messageId: string; seq: number }> => {
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await run(cmd);
        const d = r.data as { messageId: string; seq: number };
        return { messageId: d.messageId, seq: d.seq };
      } catch (e) {
        if (!(isAppError(e) && e.code === 'IN_PROGRESS') || attempt > 50) throw e;
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  };
  const lastSeq = async (roomId: string) =>
    Number(
      (await ddb.send(new GetCommand({ TableName: table, Key: { PK: `ROOM#${roomId}`, SK: 'ROOM' } }))).Item
        ?.lastSeq ?? 0,
    );
  const storedSeqs = async (roomId: string) =>
    (await svc.messages.after(roomId, 0, 1000)).messages.map((m) => m.seq);

  it('random interleavings of sends and resends (some at the same moment): seqs 1..N, N = distinct RequestIds, one message per RequestId', async () => {
    // Each step is a batch of sends run at once; each send names one of a few users and one of
    // a few RequestIds of that user, so resends come both later and concurrently.
    const batch = fc.array(
      fc.record({ user: fc.integer({ min: 0, max: 2 }), request: fc.integer({ min: 0, max: 5 }) }),
      {
        minLength: 1,
        maxLength: 6,
      },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(batch, { minLength: 1, maxLength: 6 }), async (batches) => {
        const roomId = await room();
        const answers = new Map<string, Set<string>>();
        for (const b of batches) {
          const got = await Promise.all(
            b.map((s) => send(sendCmd(roomId, `u${s.user}`, `req-${s.request}`))),
          );
          for (const [i, s] of b.entries()) {
            const key = `u${s.user}/req-${s.request}`;
            const seen = answers.get(key) ?? new Set<string>();
            seen.add(`${got[i].messageId}@${got[i].seq}`);
            answers.set(key, seen);
          }
        }
        const n = answers.size;
        // Every RequestId was answered with one message (the same id and seq each time)…
        for (const seen of answers.values()) expect(seen.size).toBe(1);
        // …and the room's numbers are exactly 1..N: none used up by a resend.
        expect(await storedSeqs(roomId)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
        expect(await lastSeq(roomId)).toBeGreaterThanOrEqual(n); // the lease reserves ahead
      }),
      { numRuns: 40, seed: 20_261_010 },
    );
  });

  it('a new owner recalls resends from history (same message, no number), and a clean stop leaves no hole', async () => {
    const roomId = await room();
    const first = make('c-first');
    const a = await runOn(first, sendCmd(roomId, 'bob', 'r-1'));
    expect(seqOf(a)).toBe(1);
    await first.stop(); // gives back 2..100
    expect(await lastSeq(roomId)).toBe(1);

    const second = make('c-second');
    const again = await runOn(second, sendCmd(roomId, 'bob', 'r-1'));
    expect(again.data).toEqual(a.data);
    expect(seqOf(await runOn(second, sendCmd(roomId, 'bob', 'r-2')))).toBe(2);
    expect(await storedSeqs(roomId)).toEqual([1, 2]);
    await second.stop();
  });

  it('an owner that died leaves its reserved numbers unused, never reused, and is fenced once its block runs out', async () => {
    const roomId = await room();
    const dead = make('c-dead', 3); // reserves 3 numbers per lease write
    expect(seqOf(await runOn(dead, sendCmd(roomId, 'bob', 'r-1')))).toBe(1);
    // It "dies" without a clean stop; another instance takes the room over.
    const next = make('c-next', 3);
    const resend = await runOn(next, sendCmd(roomId, 'bob', 'r-1'));
    expect(seqOf(resend)).toBe(1);
    expect(seqOf(await runOn(next, sendCmd(roomId, 'bob', 'r-2')))).toBe(4); // 2, 3 were the dead one's
    // The old owner was only cut off from the bus: it still holds 2 and 3, then its lease is gone.
    expect(seqOf(await runOn(dead, sendCmd(roomId, 'carol', 'c-1')))).toBe(2);
    expect(seqOf(await runOn(dead, sendCmd(roomId, 'carol', 'c-2')))).toBe(3);
    await expect(runOn(dead, sendCmd(roomId, 'carol', 'c-3'))).rejects.toMatchObject({
      status: 503,
      code: 'ROOM_MOVED',
    });
    const seqs = await storedSeqs(roomId);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual([1, 2, 3, 4]);
    await next.stop();
  });

  it('a room quiet for a while checks its lease before going on from memory', async () => {
    const roomId = await room();
    const a = make('c-quiet');
    expect(seqOf(await runOn(a, sendCmd(roomId, 'bob', 'q-1')))).toBe(1);
    // Meanwhile another instance owned the room and stopped cleanly.
    const b = make('c-meanwhile');
    expect(seqOf(await runOn(b, sendCmd(roomId, 'bob', 'q-2')))).toBe(101);
    await b.stop();
    clock = new Date(clock.getTime() + 11_000);
    // a's lease is gone: it takes the room over afresh and recalls q-2 from history.
    const q2 = await runOn(a, sendCmd(roomId, 'bob', 'q-2'));
    expect(seqOf(q2)).toBe(101);
    expect(seqOf(await runOn(a, sendCmd(roomId, 'bob', 'q-3')))).toBe(102);
    await a.stop();
  });
  it('a resend of a message deleted since is refused with 404 (the owner reads it back, tombstone and all)', async () => {
    const roomId = await room();
    const sent = await run(sendCmd(roomId, 'bob', 'r-gone'));
    const { messageId } = sent.data as { messageId: string };
    await run(
      makeEnvelope({
        type: 'onair.chat.message.delete.v1',
        source: 'test',
        data: { roomId, messageId, actor: owner },
      }),
    );
    await expect(run(sendCmd(roomId, 'bob', 'r-gone'))).rejects.toMatchObject({
      status: 404,
      code: 'MESSAGE_DELETED',
    });
    expect(await storedSeqs(roomId)).toEqual([]); // history skips the tombstone
  });

  it('taking a room over drops what was cached of it: settings and bans changed by the owner meanwhile hold', async () => {
    const roomId = await room();
    const a = make('c-cached');
    const b = make('c-changed');
    const cmd = (type: string, data: Record<string, unknown>) =>
      makeEnvelope({ type, source: 'test', data: { roomId, actor: owner, ...data } });
    await runOn(a, sendCmd(roomId, 'bob', 'cache-1')); // a caches the room and bob's (no) ban
    // Meanwhile b owns the room: bob is banned and messages are limited to 5 characters.
    await runOn(b, sendCmd(roomId, 'carol', 'cache-2'));
    await runOn(b, cmd('onair.chat.user.ban.v1', { userId: 'bob', reason: 'spam' }));
    await runOn(
      b,
      cmd('onair.chat.room.update.v1', {
        settings: { maximumMessageLength: 5, maximumMessageRatePerSecond: 100 },
      }),
    );
    await b.stop();
    clock = new Date(clock.getTime() + 11_000);
    // a finds its lease gone, takes the room over afresh, and reads the room and bans again.
    await expect(runOn(a, sendCmd(roomId, 'bob', 'cache-3'))).rejects.toMatchObject({ status: 403 });
    await expect(runOn(a, sendCmd(roomId, 'dave', 'cache-4'))).rejects.toMatchObject({ status: 413 });
    await a.stop();
  });

  it('the very send that takes a room over is judged by the room as it is now, not by the copy read before', async () => {
    const roomId = await room();
    const a = make('c-first-send');
    const b = make('c-settings');
    await runOn(a, sendCmd(roomId, 'bob', 'first-1')); // a takes the room over (and drops its copy)
    await runOn(a, sendCmd(roomId, 'bob', 'first-1b')); // a owns the room and keeps its record
    await runOn(b, sendCmd(roomId, 'carol', 'first-2'));
    await runOn(
      b,
      makeEnvelope({
        type: 'onair.chat.room.update.v1',
        source: 'test',
        data: {
          roomId,
          actor: owner,
          settings: { maximumMessageLength: 5, maximumMessageRatePerSecond: 100 },
        },
      }),
    );
    await b.stop();
    clock = new Date(clock.getTime() + 11_000);
    // This send finds a's lease gone and takes the room over: the 5-character limit holds for it.
    await expect(runOn(a, sendCmd(roomId, 'dave', 'first-3'))).rejects.toMatchObject({ status: 413 });
    await a.stop();
  });

  it('checks the leases of many rooms waking at once in a few reads (100 rooms a BatchGetItem)', async () => {
    const ids = await Promise.all(Array.from({ length: 150 }, () => room()));
    const a = make('c-wake');
    const first = await Promise.all(ids.map((id) => runOn(a, sendCmd(id, 'bob', `wake-1-${id}`))));
    expect(first.map(seqOf)).toEqual(ids.map(() => 1));
    const reads = jest.spyOn(MessageStore.prototype, 'leasesHeld');
    clock = new Date(clock.getTime() + 11_000); // every room quiet past the idle check
    const second = await Promise.all(ids.map((id) => runOn(a, sendCmd(id, 'bob', `wake-2-${id}`))));
    expect(second.map(seqOf)).toEqual(ids.map(() => 2)); // every lease held: numbers go on from memory
    // 150 checks in a handful of reads (a full batch of 100 leaves at once, the rest a turn later).
    expect(reads.mock.calls.length).toBeLessThanOrEqual(3);
    expect(reads.mock.calls.flatMap(([leases]) => leases.map((l) => l.roomId)).sort()).toEqual(
      [...ids].sort(),
    );
    reads.mockRestore();
    await a.stop();
  });

  it('an owner whose partition consumer lost its channel checks its leases: no number from a stale block, none burned', async () => {
    const roomId = await room();
    const a = make('c-detached');
    expect(seqOf(await runOn(a, sendCmd(roomId, 'bob', 'det-0')))).toBe(1);
    // A broker restart: the channel drops and comes back, nobody else owned the room meanwhile.
    a.partitionDetached(partitionOf(roomId));
    await new Promise((r) => setImmediate(r));
    expect(seqOf(await runOn(a, sendCmd(roomId, 'bob', 'det-1')))).toBe(2); // the lease held: on from memory
    // a's channel drops; RabbitMQ hands the partition to b, which sends and stops; a gets it back
    // at once (no quiet period for the idle check to notice).
    a.partitionDetached(partitionOf(roomId));
    await new Promise((r) => setImmediate(r));
    const b = make('c-active-meanwhile');
    expect(seqOf(await runOn(b, sendCmd(roomId, 'carol', 'det-2')))).toBe(101);
    await b.stop();
    const next = await runOn(a, sendCmd(roomId, 'bob', 'det-3'));
    expect(seqOf(next)).toBe(102); // taken over afresh, after b's numbers (without it: 3)
    expect(await storedSeqs(roomId)).toEqual([1, 2, 101, 102]);
    await a.stop();
  });
});
