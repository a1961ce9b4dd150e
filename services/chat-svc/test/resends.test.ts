// Issue 10, item 5: a resend (same RequestId) must not take a sequence number, however sends and
// resends interleave, and a send that stopped halfway is finished by whoever comes next.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { type Envelope, makeEnvelope } from '@onair/contracts';
import { createDocumentClient, ensureTable, isAppError, silentLogger } from '@onair/runtime';
import fc from 'fast-check';
import { recordingBus, startDynalite } from '../../../test/support';
import { buildService } from '../src/app';
import { FakeIvsChat } from '../src/ivs-chat/fake';
import { CHAT_TABLE_INDEXES } from '../src/rooms/store';

describe('resends take no sequence number', () => {
  jest.setTimeout(60_000);
  let db: Awaited<ReturnType<typeof startDynalite>>;
  let ddb: ReturnType<typeof createDocumentClient>;
  let svc: ReturnType<typeof buildService>;
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
    svc = buildService({
      bus,
      logger: silentLogger,
      instanceId: 'c1',
      ddb,
      tableName: table,
      ivsChat: new FakeIvsChat(),
      chatTokenSecret: 'chat-secret-for-the-tests',
      review: async () => ({ ReviewResult: 'ALLOW' }),
      now: () => clock,
    });
  });
  afterAll(async () => {
    ddb.destroy();
    await db.close();
  });

  const run = (e: Envelope) => svc.router.handle(e, ctx) as Promise<Envelope>;
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
        expect(await lastSeq(roomId)).toBe(n);
      }),
      { numRuns: 40, seed: 20_261_010 },
    );
  });

  it('a resend takes over a claim whose send died before it took a number (after a while, not before)', async () => {
    const roomId = await room();
    const message = {
      roomId,
      messageId: 'dead-message',
      requestId: 'r-dead',
      sender: { userId: 'bob' },
      content: 'from a send that died',
      sendTime: clock.toISOString(),
    };
    await svc.messages.claimRequest({
      requestId: 'r-dead',
      owner: 'a-dead-command',
      claimedAt: clock.toISOString(),
      message,
    });
    await expect(run(sendCmd(roomId, 'bob', 'r-dead'))).rejects.toMatchObject({
      status: 503,
      code: 'IN_PROGRESS',
    });
    expect(await lastSeq(roomId)).toBe(0);
    clock = new Date(clock.getTime() + 11_000);
    const r = await send(sendCmd(roomId, 'bob', 'r-dead'));
    expect(r).toEqual({ messageId: 'dead-message', seq: 1 });
    expect(await storedSeqs(roomId)).toEqual([1]);
  });

  it('a redelivered send (same command id) finishes its own claim at once, and a resend stores a message whose send died after taking its number', async () => {
    const roomId = await room();
    const cmd = sendCmd(roomId, 'bob', 'r-redelivered', 'the-first-command-id');
    const message = {
      roomId,
      messageId: 'm-redelivered',
      requestId: 'r-redelivered',
      sender: { userId: 'bob' },
      content: 'claimed, then the process died',
      sendTime: clock.toISOString(),
    };
    await svc.messages.claimRequest({
      requestId: 'r-redelivered',
      owner: cmd.id,
      claimedAt: clock.toISOString(),
      message,
    });
    expect(await send(cmd)).toEqual({ messageId: 'm-redelivered', seq: 1 });

    // Numbered and never stored: the next send of that RequestId stores it from the claim.
    const half = { ...message, messageId: 'm-half', requestId: 'r-half', content: 'numbered, not stored' };
    const claim = {
      requestId: 'r-half',
      owner: 'another-dead-command',
      claimedAt: clock.toISOString(),
      message: half,
    };
    await svc.messages.claimRequest(claim);
    const seq = await svc.messages.nextSeq(roomId);
    await svc.messages.setClaimSeq(claim, seq);
    expect(await storedSeqs(roomId)).toEqual([1]);
    expect(await send(sendCmd(roomId, 'bob', 'r-half'))).toEqual({ messageId: 'm-half', seq: 2 });
    expect(await storedSeqs(roomId)).toEqual([1, 2]);
    expect(await lastSeq(roomId)).toBe(2);
  });
});
