// stream-svc streams with fakes: FakeIvs, fake chat rooms, a recording bus, dynalite in-process.
import { type Envelope, makeEnvelope } from '@onair/contracts';
import { AppError, createDocumentClient, ensureTable, MessageRouter, silentLogger } from '@onair/runtime';
import { startDynalite } from '../../../test/support/dynalite';
import { FakeIvs } from '../src/ivs/fake';
import { STREAM_TABLE_INDEXES, streamsModule } from '../src/streams';
import { FakeChatRooms, recordingBus } from './streams-support';

describe('stream-svc streams (fakes)', () => {
  let db: Awaited<ReturnType<typeof startDynalite>>;
  let ivs: FakeIvs;
  let chat: FakeChatRooms;
  let bus: ReturnType<typeof recordingBus>;
  let mod: ReturnType<typeof streamsModule>;
  let router: MessageRouter;
  let clock: Date;
  const ctx = { attempt: 1, log: silentLogger };
  const alice = { userId: 'alice', roles: ['streamer' as const] };
  const bob = { userId: 'bob', roles: ['viewer' as const] };

  beforeAll(async () => {
    db = await startDynalite();
  });
  afterAll(async () => db.close());
  beforeEach(async () => {
    const ddb = createDocumentClient({ region: 'us-east-1', endpoint: db.endpoint });
    const table = `streams-${Math.random().toString(36).slice(2)}`;
    await ensureTable(ddb, { name: table, indexes: STREAM_TABLE_INDEXES });
    ivs = new FakeIvs();
    chat = new FakeChatRooms();
    bus = recordingBus();
    clock = new Date('2026-11-22T10:00:00.000Z');
    mod = streamsModule({
      bus,
      logger: silentLogger,
      ddb,
      table,
      ivs,
      chat,
      now: () => clock,
      compensationDelaysMs: [1, 1],
      reconcile: { intervalMs: 60_000, provisioningTimeoutMs: 60_000 },
    });
    router = new MessageRouter('stream-svc');
    mod.register(router);
  });

  const cmd = (type: string, data: object) => makeEnvelope({ type, source: 'test', data });
  const run = (e: Envelope) => router.handle(e, ctx) as Promise<Envelope<Record<string, unknown>>>;
  const createCmd = (streamId: string, extra: object = {}) =>
    cmd('onair.stream.create.v1', {
      streamId,
      actor: alice,
      title: 'My Live Stream',
      latencyMode: 'LOW',
      channelType: 'STANDARD',
      chatProvider: 'ivs',
      ...extra,
    });
  const ivsEvent = (streamId: string, name: string, time: string, id = `${name}-${time}`) => {
    const arn = [...ivs.channels.values()].find((c) => c.name === streamId)?.arn;
    return JSON.stringify({
      version: '0',
      id,
      'detail-type': 'IVS Stream State Change',
      source: 'aws.ivs',
      account: '123456789012',
      time,
      region: 'us-east-1',
      resources: [arn],
      detail: { event_name: name, channel_name: streamId, stream_id: 'st-1A2b3c4D5e6F78ghij9Klmn' },
    });
  };
  const statusChanges = () =>
    bus.published
      .filter((e) => e.type === 'onair.stream.state-changed.v1')
      .map((e) => (e.data as { status: string }).status);

  test('create: channel + key + chat room, then ready; a redelivery answers the same, no second channel', async () => {
    const c = createCmd('strm_a');
    const reply = await run(c);
    expect(reply.type).toBe('onair.stream.created.v1');
    expect(reply.data).toMatchObject({
      streamId: 'strm_a',
      status: 'ready',
      chatRoomId: 'chat_a',
      ownerId: 'alice',
    });
    expect(reply.data.chatRoomArn).toMatch(/^arn:aws:ivschat:/);
    expect(JSON.stringify(bus.published)).not.toMatch(/sk_us-east-1/); // the stream key never leaves in events
    const stored = await mod.store.get('strm_a');
    expect(stored?.streamKey).toMatch(/^sk_/);
    expect((await run(c)).id).toBe(reply.id);
    expect(ivs.channels.size).toBe(1);
    await expect(run(createCmd('strm_a'))).rejects.toMatchObject({ status: 409 });
  });

  test('a stream key is made when CreateChannel did not return one', async () => {
    ivs.omitStreamKey = true;
    await run(createCmd('strm_k'));
    expect(ivs.calls).toContain('CreateStreamKey');
    expect((await mod.store.get('strm_k'))?.streamKey).toMatch(/^sk_/);
  });

  const failures: Array<[string, (r: FakeIvs, c: FakeChatRooms) => void, RegExp]> = [
    [
      'CreateChannel',
      (r) =>
        r.failNext.set(
          'CreateChannel',
          new AppError('PROVIDER_UNAVAILABLE', 502, 'IVS CreateChannel failed: down'),
        ),
      /CreateChannel/,
    ],
    [
      'CreateStreamKey',
      (r) => {
        r.omitStreamKey = true;
        r.failNext.set(
          'CreateStreamKey',
          new AppError('PROVIDER_THROTTLED', 503, 'IVS CreateStreamKey failed: slow down'),
        );
      },
      /CreateStreamKey/,
    ],
    [
      'chat room',
      (_r, c) =>
        (c.failCreate = new AppError('PROVIDER_UNAVAILABLE', 502, 'IVS Chat CreateRoom failed: down')),
      /CreateRoom/,
    ],
  ];
  test.each(failures)(
    'a failure at %s compensates: nothing left, stream failed with the reason',
    async (_step, arm, reason) => {
      arm(ivs, chat);
      const reply = await run(createCmd('strm_f'));
      expect(reply.type).toBe('onair.stream.updated.v1');
      expect(reply.data).toMatchObject({ status: 'failed' });
      expect(reply.data.failureReason).toMatch(reason);
      expect(ivs.channels.size).toBe(0);
      expect(chat.rooms.size).toBe(0);
      expect(chat.removed).toEqual(['chat_f']);
      const stored = await mod.store.get('strm_f');
      expect(stored).toMatchObject({ status: 'failed' });
      expect(stored?.streamKey).toBeUndefined();
      expect(statusChanges()).toEqual(['failed']);
    },
  );

  test('a compensation that keeps failing leaves the stream provisioning; the reconciler finishes it', async () => {
    chat.failCreate = new AppError('PROVIDER_UNAVAILABLE', 502, 'IVS Chat CreateRoom failed: down');
    chat.failRemoveTimes = 3;
    const reply = await run(createCmd('strm_s'));
    expect(reply.data).toMatchObject({ status: 'provisioning' });
    expect(ivs.channels.size).toBe(1); // the failed removal stopped the pass before the channel
    clock = new Date(clock.getTime() + 61_000);
    await mod.reconciler.runOnce();
    expect(await mod.store.get('strm_s')).toMatchObject({
      status: 'failed',
      failureReason: expect.stringMatching(/CreateRoom/),
    });
    expect(ivs.channels.size).toBe(0);
  });

  test('IVS events: live then ended; duplicates, late and out-of-order events change nothing', async () => {
    await run(createCmd('strm_e'));
    bus.published.length = 0;
    expect(await mod.onEvent(ivsEvent('strm_e', 'Stream Start', '2026-11-22T10:00:01Z'))).toBe('applied');
    expect(await mod.onEvent(ivsEvent('strm_e', 'Stream Start', '2026-11-22T10:00:01Z'))).toBe('republished'); // duplicate
    expect(await mod.onEvent(ivsEvent('strm_e', 'Stream End', '2026-11-22T10:00:05Z'))).toBe('applied');
    // Late: a start older than the end we applied.
    expect(await mod.onEvent(ivsEvent('strm_e', 'Stream Start', '2026-11-22T10:00:03Z', 'late'))).toBe(
      'stale',
    );
    expect((await mod.store.get('strm_e'))?.status).toBe('ended');
    // Same second: the end ranks after the start, whatever order they arrive in.
    await run(createCmd('strm_o'));
    await mod.onEvent(ivsEvent('strm_o', 'Stream End', '2026-11-22T10:01:00Z'));
    await mod.onEvent(ivsEvent('strm_o', 'Stream Start', '2026-11-22T10:01:00Z'));
    expect((await mod.store.get('strm_o'))?.status).toBe('ended');
    // live, its duplicate (same derived id, so consumers skip it), ended.
    const changes = bus.published.filter(
      (e) => e.type === 'onair.stream.state-changed.v1' && e.subject === 'strm_e',
    );
    expect(changes.map((e) => (e.data as { status: string }).status)).toEqual(['live', 'live', 'ended']);
    expect(changes[1].id).toBe(changes[0].id);
    // A new broadcast later goes live again; a failure carries its reason.
    await mod.onEvent(ivsEvent('strm_e', 'Stream Start', '2026-11-22T10:02:00Z'));
    await mod.onEvent(
      JSON.stringify({
        ...JSON.parse(ivsEvent('strm_e', 'Stream Failure', '2026-11-22T10:03:00Z')),
        detail: {
          event_name: 'Stream Failure',
          channel_name: 'strm_e',
          stream_id: 'st-x',
          reason: 'bitrate',
        },
      }),
    );
    expect(await mod.store.get('strm_e')).toMatchObject({ status: 'failed', failureReason: 'bitrate' });
  });

  test('bad or foreign IVS events are ignored, never thrown', async () => {
    await run(createCmd('strm_b'));
    for (const body of [
      'not json',
      '{}',
      '{"id":"x","time":"nope"}',
      JSON.stringify({
        ...JSON.parse(ivsEvent('strm_b', 'Stream Start', '2026-11-22T10:00:01Z')),
        resources: ['arn:aws:ivs:us-east-1:1:channel/other'],
      }),
      ivsEvent('strm_nobody', 'Stream Start', '2026-11-22T10:00:01Z'),
      ivsEvent('strm_b', 'Session Created', '2026-11-22T10:00:01Z'),
    ])
      expect(await mod.onEvent(body)).toBe('ignored');
    expect((await mod.store.get('strm_b'))?.status).toBe('ready');
  });

  test('stop: 409 when not live; owner only; live -> ended', async () => {
    await run(createCmd('strm_t'));
    await expect(
      run(cmd('onair.stream.stop.v1', { streamId: 'strm_t', actor: alice })),
    ).rejects.toMatchObject({ status: 409 });
    await mod.onEvent(ivsEvent('strm_t', 'Stream Start', '2026-11-22T09:59:59Z'));
    const arn = (await mod.store.get('strm_t'))?.channelArn as string;
    ivs.channels.get(arn)!.live = { streamId: 'st-1', state: 'LIVE' };
    await expect(run(cmd('onair.stream.stop.v1', { streamId: 'strm_t', actor: bob }))).rejects.toMatchObject({
      status: 403,
    });
    const r = await run(cmd('onair.stream.stop.v1', { streamId: 'strm_t', actor: alice }));
    expect(r.data).toMatchObject({ status: 'ended' });
    await expect(run(cmd('onair.stream.stop.v1', { streamId: 'nope', actor: alice }))).rejects.toMatchObject({
      status: 404,
    });
  });

  test('update title and delete (channel, chat room, record); delete is idempotent', async () => {
    await run(createCmd('strm_d'));
    await expect(
      run(cmd('onair.stream.update.v1', { streamId: 'strm_d', actor: bob, title: 'x' })),
    ).rejects.toMatchObject({ status: 403 });
    expect(
      (await run(cmd('onair.stream.update.v1', { streamId: 'strm_d', actor: alice, title: 'New' }))).data,
    ).toMatchObject({ title: 'New' });
    await expect(
      run(cmd('onair.stream.delete.v1', { streamId: 'strm_d', actor: bob })),
    ).rejects.toMatchObject({ status: 403 });
    const del = await run(cmd('onair.stream.delete.v1', { streamId: 'strm_d', actor: alice }));
    expect(del.data).toEqual({ streamId: 'strm_d', chatRoomId: 'chat_d' });
    expect(ivs.channels.size).toBe(0);
    expect(chat.removed).toContain('chat_d');
    expect(await mod.store.get('strm_d')).toBeUndefined();
    expect((await run(cmd('onair.stream.delete.v1', { streamId: 'strm_d', actor: alice }))).data).toEqual({
      streamId: 'strm_d',
    });
  });

  test('a delete that arrives mid-saga wins: the saga stops, nothing is left, the record is gone', async () => {
    let deleted: Envelope | undefined;
    chat.during = async () => {
      deleted = await run(cmd('onair.stream.delete.v1', { streamId: 'strm_x', actor: alice }));
    };
    const reply = await run(createCmd('strm_x'));
    expect(deleted?.type).toBe('onair.stream.deleted.v1');
    expect(reply.data.status).not.toBe('ready');
    expect(ivs.channels.size).toBe(0);
    expect(chat.rooms.size).toBe(0);
    expect(await mod.store.get('strm_x')).toBeUndefined();
    expect(bus.published.some((e) => e.type === 'onair.stream.created.v1')).toBe(false);
  });

  test('reconciler: a channel deleted behind our back fails the stream; a missed start is caught up', async () => {
    await run(createCmd('strm_r1'));
    await run(createCmd('strm_r2'));
    const r1 = (await mod.store.get('strm_r1'))?.channelArn as string;
    const r2 = (await mod.store.get('strm_r2'))?.channelArn as string;
    ivs.channels.delete(r1);
    ivs.channels.get(r2)!.live = { streamId: 'st-2', state: 'LIVE' };
    clock = new Date(clock.getTime() + 1000);
    await mod.reconciler.runOnce();
    expect(await mod.store.get('strm_r1')).toMatchObject({
      status: 'failed',
      failureReason: 'The IVS channel was deleted outside onair',
    });
    expect((await mod.store.get('strm_r2'))?.status).toBe('live');
    ivs.channels.get(r2)!.live = undefined;
    clock = new Date(clock.getTime() + 1000);
    await mod.reconciler.runOnce();
    expect((await mod.store.get('strm_r2'))?.status).toBe('ended');
    // A new broadcast whose Stream Start was lost: the recently ended stream goes live again.
    ivs.channels.get(r2)!.live = { streamId: 'st-3', state: 'LIVE' };
    clock = new Date(clock.getTime() + 1000);
    await mod.reconciler.runOnce();
    expect((await mod.store.get('strm_r2'))?.status).toBe('live');
    // Two list calls per pass, whatever the number of streams.
    expect(ivs.calls.filter((c) => c === 'GetChannel' || c === 'GetStream')).toEqual([]);
  });
});
