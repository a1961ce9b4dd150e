// The native message pipeline with fakes: dynalite (in-process), the IVS Chat fake, a recording bus.
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { type Envelope, makeEnvelope } from '@onair/contracts';
import { createDocumentClient, ensureTable, silentLogger, verifyChatToken } from '@onair/runtime';
import { recordingBus, startDynalite, waitFor } from '../../../test/support';
import { buildService } from '../src/app';
import { FakeIvsChat } from '../src/ivs-chat/fake';
import type { ReviewCall } from '../src/messages/moderation';
import { CHAT_TABLE_INDEXES } from '../src/rooms/store';
import { messageIdFor, messageIdKey, messageItem, seqInMessageId } from '../src/table';

const SECRET = 'chat-secret-for-the-tests';

describe('chat-svc native message pipeline', () => {
  let db: Awaited<ReturnType<typeof startDynalite>>;
  let bus: ReturnType<typeof recordingBus>;
  let svc: ReturnType<typeof buildService>;
  let clock: Date;
  let review: ReviewCall;
  const ctx = { attempt: 1, log: silentLogger };
  const owner = { userId: 'owner', roles: ['streamer' as const] };
  const mod = { userId: 'mo', roles: ['moderator' as const] };
  const bob = { userId: 'bob', roles: ['streamer' as const] };

  beforeAll(async () => {
    db = await startDynalite();
  });
  afterAll(async () => db.close());
  let ddb: ReturnType<typeof createDocumentClient>;
  let tableName: string;
  beforeEach(async () => {
    ddb = createDocumentClient({ region: 'us-east-1', endpoint: db.endpoint });
    tableName = `chat-${Math.random().toString(36).slice(2)}`;
    await ensureTable(ddb, { name: tableName, indexes: CHAT_TABLE_INDEXES });
    bus = recordingBus();
    clock = new Date(); // tokens are JWTs checked against the real clock
    review = async () => ({ ReviewResult: 'ALLOW' });
    svc = service();
  });

  /** chat-svc on this test's table, bus, clock and review handler. */
  const service = (o: Partial<Parameters<typeof buildService>[0]> = {}) =>
    buildService({
      bus,
      logger: silentLogger,
      instanceId: 'c1',
      ddb,
      tableName,
      ivsChat: new FakeIvsChat(),
      chatTokenSecret: SECRET,
      review: (...a) => review(...a),
      now: () => clock,
      ...o,
    });

  const cmd = (type: string, data: unknown) => makeEnvelope({ type, source: 'test', data });
  const run = (e: Envelope) => svc.router.handle(e, ctx) as Promise<Envelope>;
  const room = (roomId: string, settings: Record<string, unknown> = {}) =>
    run(
      cmd('onair.chat.room.create.v1', { roomId, actor: owner, provider: 'native', name: roomId, settings }),
    );
  let rid = 0;
  const send = (roomId: string, content: string, userId = 'bob', requestId = `r${++rid}`) =>
    run(
      cmd('onair.chat.message.send.v1', {
        roomId,
        sender: { userId, attributes: { displayName: userId } },
        connectionId: 'c1',
        gatewayId: 'gw-1',
        requestId,
        content,
      }),
    );
  const tick = (ms: number) => {
    clock = new Date(clock.getTime() + ms);
  };

  it('stores each message with a strictly increasing room sequence number and publishes it', async () => {
    await room('r1', { maximumMessageRatePerSecond: 100 });
    const seqs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const e = await send('r1', `hello ${i}`, `user${i}`);
      seqs.push((e.data as { seq: number }).seq);
    }
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    const events = bus.published.filter((e) => e.type === 'onair.chat.message.sent.v1');
    expect(events.map((e) => (e.data as { content: string }).content)).toEqual([
      'hello 0',
      'hello 1',
      'hello 2',
      'hello 3',
      'hello 4',
    ]);
    const history = await svc.messages.after('r1', 2, 10);
    expect(history.messages.map((m) => m.seq)).toEqual([3, 4, 5]);
  });

  it('writes the messages that come within the commit pace (CHAT_COMMIT_PACE_MS) in one call', async () => {
    svc = service({ commitPaceMs: 500 });
    const put = jest.spyOn(svc.messages, 'putMessages');
    for (const r of ['p1', 'p2', 'p3']) await room(r);
    await send('p1', 'hi'); // after a quiet spell: written at once, and the pace starts
    const second = send('p2', 'hi');
    // Not a wait for async work: it spreads the two sends wider than the default 20 ms pace.
    await new Promise((r) => setTimeout(r, 100));
    const third = send('p3', 'hi');
    await Promise.all([second, third]);
    expect(put.mock.calls.map(([batch]) => batch.length)).toEqual([1, 2]);
  });

  it('answers a retried RequestId with the same message and the same event id', async () => {
    await room('r2');
    const a = await send('r2', 'once', 'bob', 'same-request');
    tick(2000);
    const b = await send('r2', 'once', 'bob', 'same-request');
    expect(b.id).toBe(a.id);
    expect(b.data).toEqual(a.data);
    expect((await svc.messages.after('r2', 0, 10)).messages).toHaveLength(1);
  });

  it('refuses: too long (413, in code points), word filter (406), banned (403), IVS room (400)', async () => {
    await room('r3', {
      maximumMessageLength: 7,
      moderation: { wordFilter: ['Darn'], fallbackResult: 'ALLOW' },
    });
    await expect(send('r3', '🎉🎉🎉🎉🎉🎉🎉')).resolves.toBeDefined(); // 7 code points, 14 UTF-16 units
    tick(1000);
    await expect(send('r3', 'abcdefgh')).rejects.toMatchObject({
      status: 413,
      message: expect.stringMatching(/8 characters.*allows 7/),
    });
    await expect(send('r3', 'oh DARN')).rejects.toMatchObject({
      status: 406,
      message: 'Message rejected by moderation',
    });
    await expect(send('r3', 'darning')).resolves.toBeDefined(); // whole words only
    await run(cmd('onair.chat.user.ban.v1', { roomId: 'r3', userId: 'bob', actor: mod, reason: 'spam' }));
    await expect(send('r3', 'hi')).rejects.toMatchObject({
      status: 403,
      message: 'You are banned from this room',
    });
    await expect(run(cmd('onair.chat.token.create.v1', { roomId: 'r3', actor: bob }))).rejects.toMatchObject({
      status: 403,
    });
    await run(cmd('onair.chat.user.ban.v1', { roomId: 'r3', userId: 'bob', actor: mod, lift: true }));
    tick(1000);
    await expect(send('r3', 'back')).resolves.toBeDefined();
    await expect(
      run(cmd('onair.chat.user.ban.v1', { roomId: 'r3', userId: 'mo', actor: bob })),
    ).rejects.toMatchObject({ status: 403 });
    await run(
      cmd('onair.chat.room.create.v1', {
        roomId: 'ivs1',
        actor: owner,
        provider: 'ivs',
        name: 'x',
        settings: {},
      }),
    );
    await expect(send('ivs1', 'hi')).rejects.toMatchObject({ status: 400 });
  });

  it('times a user out until a time, then lets them back', async () => {
    await room('r4');
    const until = new Date(clock.getTime() + 60_000).toISOString();
    await run(cmd('onair.chat.user.ban.v1', { roomId: 'r4', userId: 'bob', actor: mod, until }));
    await expect(send('r4', 'hi')).rejects.toMatchObject({
      status: 403,
      message: `You are timed out in this room until ${until}`,
    });
    tick(61_000);
    await expect(send('r4', 'hi')).resolves.toBeDefined();
    const banned = bus.published.find((e) => e.type === 'onair.chat.user.banned.v1');
    expect(banned?.data).toMatchObject({ roomId: 'r4', userId: 'bob', until, lifted: false });
  });

  it('limits the rate per user and per room (429), and enforces slow mode', async () => {
    await room('r5', { maximumMessageRatePerSecond: 2 });
    await send('r5', 'a', 'bob');
    await send('r5', 'b', 'bob');
    await expect(send('r5', 'c', 'bob')).rejects.toMatchObject({ status: 429 });
    tick(1000);
    await expect(send('r5', 'd', 'bob')).resolves.toBeDefined();
    await room('r6', { slowModeSeconds: 10 });
    await send('r6', 'first', 'carl');
    tick(3000);
    await expect(send('r6', 'again', 'carl')).rejects.toMatchObject({
      status: 429,
      message: 'Slow mode is on: wait 7 s before your next message',
    });
    await expect(send('r6', 'me too', 'dora')).resolves.toBeDefined();
    tick(7000);
    await expect(send('r6', 'again', 'carl')).resolves.toBeDefined();
  });

  it('lets a review handler rewrite or deny, and falls back when it is slow or down', async () => {
    await room('r7', {
      maximumMessageRatePerSecond: 100,
      moderation: { wordFilter: [], reviewWebhookUrl: 'https://review.example/hook', fallbackResult: 'DENY' },
    });
    review = async (_url, body) => ({
      ReviewResult: 'ALLOW',
      Content: `${(body as { Content: string }).Content} (reviewed)`,
    });
    const ok = await send('r7', 'hi');
    expect((ok.data as { content: string }).content).toBe('hi (reviewed)');
    review = async () => ({ ReviewResult: 'DENY' });
    await expect(send('r7', 'no', 'u2')).rejects.toMatchObject({ status: 406 });
    review = async () => {
      throw new Error('timeout');
    };
    await expect(send('r7', 'down', 'u3')).rejects.toMatchObject({ status: 406 });
  });

  it('gives a message an id carrying its number: a review handler sees the stored id, a denied message leaves a tombstone', async () => {
    await room('r11', {
      maximumMessageRatePerSecond: 100,
      moderation: {
        wordFilter: ['darn'],
        reviewWebhookUrl: 'https://review.example/hook',
        fallbackResult: 'DENY',
      },
    });
    const reviewed: string[] = [];
    review = async (_url, body) => {
      reviewed.push((body as { MessageId: string }).MessageId);
      return { ReviewResult: (body as { Content: string }).Content === 'no' ? 'DENY' : 'ALLOW' };
    };
    const first = (await send('r11', 'hi')).data as { messageId: string; seq: number };
    expect(first.seq).toBe(1);
    expect(reviewed).toEqual([first.messageId]);
    await expect(send('r11', 'no', 'u2')).rejects.toMatchObject({ status: 406 });
    await expect(send('r11', 'darn it', 'u3')).rejects.toMatchObject({ status: 406 }); // word filter
    const next = (await send('r11', 'fine', 'u4')).data as { messageId: string; seq: number };
    expect(next.seq).toBe(4);
    // The denied ones' numbers are taken by tombstones: a reader or a gateway filling a gap
    // finds them at once instead of waiting for messages that will never come.
    for (const seq of [2, 3])
      await waitFor(async () => (await svc.messages.getMessage('r11', seq))?.deleted === true, {
        what: `the tombstone at ${seq}`,
      });
    expect((await svc.messages.after('r11', 0, 10)).messages.map((m) => m.seq)).toEqual([1, 4]);
    // The id alone finds the message (no id -> seq item): a moderator deletes by it.
    const del = await run(
      cmd('onair.chat.message.delete.v1', { roomId: 'r11', messageId: next.messageId, actor: mod }),
    );
    expect(del.data).toMatchObject({ messageId: next.messageId, seq: 4 });
    // An id with a number that is not that message's is not found.
    const forged = `${(1).toString(36)}.${next.messageId.split('.')[1]}`;
    await expect(
      run(cmd('onair.chat.message.delete.v1', { roomId: 'r11', messageId: forged, actor: mod })),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('reads back the number of any message id it makes, and none from an id of another shape', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 48 }),
        fc.uint8Array({ minLength: 1, maxLength: 12 }),
        fc.string(),
        (seq, random, other) => {
          const id = messageIdFor(seq, Buffer.from(random).toString('base64url'));
          expect(id).toMatch(/^[A-Za-z0-9_.:-]{1,128}$/); // a valid MessageId (contracts)
          expect(seqInMessageId(id)).toBe(seq);
          if (!other.includes('.')) expect(seqInMessageId(other)).toBeUndefined();
        },
      ),
    );
  });

  it('still deletes a message stored before ids carried their number (its id -> seq item)', async () => {
    await room('r12', { maximumMessageRatePerSecond: 100 });
    const stored = (await send('r12', 'new style')).data as { seq: number };
    const old = {
      roomId: 'r12',
      messageId: 'AbCdEfGhIjKl',
      seq: stored.seq + 1,
      requestId: 'old',
      sender: { userId: 'bob' },
      content: 'old style',
      sendTime: new Date().toISOString(),
    };
    await ddb.send(
      new BatchWriteCommand({
        RequestItems: {
          [tableName]: [
            { PutRequest: { Item: messageItem(old) } },
            { PutRequest: { Item: { ...messageIdKey('r12', old.messageId), seq: old.seq } } },
          ],
        },
      }),
    );
    const del = await run(
      cmd('onair.chat.message.delete.v1', { roomId: 'r12', messageId: old.messageId, actor: mod }),
    );
    expect(del.data).toMatchObject({ messageId: old.messageId, seq: old.seq });
    expect((await svc.messages.getMessage('r12', old.seq))?.deleted).toBe(true);
  });

  it('tombstones a deleted message (history skips it) and publishes the deletion with its seq', async () => {
    await room('r8', { maximumMessageRatePerSecond: 100 });
    const m = await send('r8', 'oops');
    await send('r8', 'fine', 'ann');
    const messageId = (m.data as { messageId: string }).messageId;
    await expect(
      run(cmd('onair.chat.message.delete.v1', { roomId: 'r8', messageId, actor: bob })),
    ).rejects.toMatchObject({ status: 403 });
    const del = await run(
      cmd('onair.chat.message.delete.v1', { roomId: 'r8', messageId, actor: mod, reason: 'typo' }),
    );
    expect(del.data).toMatchObject({ roomId: 'r8', messageId, seq: 1, deletedBy: 'mo', reason: 'typo' });
    expect((await svc.messages.after('r8', 0, 10)).messages.map((x) => x.content)).toEqual(['fine']);
    await expect(
      run(cmd('onair.chat.message.delete.v1', { roomId: 'r8', messageId: 'nope', actor: mod })),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('refuses a message to a room deleted a moment ago (even while its settings are cached) with 404', async () => {
    await room('r10');
    await send('r10', 'first'); // caches the room
    await run(cmd('onair.chat.room.delete.v1', { roomId: 'r10', actor: owner }));
    tick(1000);
    await expect(send('r10', 'too late', 'ann')).rejects.toMatchObject({
      status: 404,
      message: 'Chat room r10 not found',
    });
  });

  it('mints native chat tokens the gateway accepts, with capabilities from the role', async () => {
    await room('r9');
    const t = await run(
      cmd('onair.chat.token.create.v1', {
        roomId: 'r9',
        actor: { userId: 'vic', roles: ['viewer'] },
        displayName: 'Vic',
        sessionDurationInMinutes: 30,
      }),
    );
    const d = t.data as {
      token: string;
      capabilities: string[];
      sessionExpirationTime: string;
      tokenExpirationTime: string;
    };
    expect(d.capabilities).toEqual([]);
    const grant = await verifyChatToken(SECRET, d.token);
    expect(grant).toMatchObject({
      roomId: 'r9',
      userId: 'vic',
      capabilities: [],
      attributes: { displayName: 'Vic' },
    });
    expect(Date.parse(d.tokenExpirationTime)).toBeLessThanOrEqual(Date.parse(d.sessionExpirationTime));
    const m = await run(cmd('onair.chat.token.create.v1', { roomId: 'r9', actor: mod }));
    expect((m.data as { capabilities: string[] }).capabilities).toEqual([
      'SEND_MESSAGE',
      'DELETE_MESSAGE',
      'DISCONNECT_USER',
    ]);
  });
});
