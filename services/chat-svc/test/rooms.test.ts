// chat-svc handlers with fakes: the IVS Chat fake, a recording bus, and dynalite (in-process).
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Envelope, makeEnvelope } from '@onair/contracts';
import { AppError, createDocumentClient, ensureTable, silentLogger } from '@onair/runtime';
import { startDynalite } from '../../../test/support/dynalite';
import { recordingBus } from '../../../test/support/recording-bus';
import { buildService } from '../src/app';
import { FakeIvsChat } from '../src/ivs-chat/fake';
import { DEFAULT_SETTINGS } from '../src/rooms/settings';
import { CHAT_TABLE_INDEXES } from '../src/rooms/store';

describe('chat-svc rooms (fakes)', () => {
  let db: Awaited<ReturnType<typeof startDynalite>>;
  let ivs: FakeIvsChat;
  let bus: ReturnType<typeof recordingBus>;
  let svc: ReturnType<typeof buildService>;
  let ddb: ReturnType<typeof createDocumentClient>;
  const ctx = { attempt: 1, log: silentLogger };
  const alice = { userId: 'alice', roles: ['streamer' as const] };
  const bob = { userId: 'bob', roles: ['viewer' as const] };

  beforeAll(async () => {
    db = await startDynalite();
  });
  afterAll(async () => db.close());
  beforeEach(async () => {
    ddb = createDocumentClient({ region: 'us-east-1', endpoint: db.endpoint });
    const tableName = `chat-${Math.random().toString(36).slice(2)}`;
    await ensureTable(ddb, { name: tableName, indexes: CHAT_TABLE_INDEXES });
    ivs = new FakeIvsChat();
    bus = recordingBus();
    svc = buildService({ bus, logger: silentLogger, instanceId: 'c1', ddb, tableName, ivsChat: ivs });
  });

  const cmd = (type: string, data: unknown) => makeEnvelope({ type, source: 'test', data });
  const run = (e: Envelope) => svc.router.handle(e, ctx) as Promise<Envelope>;
  const create = (roomId: string, provider: 'ivs' | 'native' = 'ivs') =>
    cmd('onair.chat.room.create.v1', { roomId, actor: alice, provider, name: roomId, settings: {} });

  test('creates an IVS room once: a redelivered command answers the same event id, no second room', async () => {
    const c = create('chat_a');
    const first = await run(c);
    const again = await run(c);
    expect(first.type).toBe('onair.chat.room.created.v1');
    expect(again.id).toBe(first.id);
    expect(ivs.rooms.size).toBe(1);
    expect((first.data as { arn: string }).arn).toMatch(/^arn:aws:ivschat:/);
    expect(bus.published.map((e) => e.id)).toEqual([first.id, first.id]);
    await expect(run(create('chat_a'))).rejects.toMatchObject({ status: 409 });
  });

  test('a failed CreateRoom leaves no record, so a retry of the same command succeeds', async () => {
    ivs.failNext.set('CreateRoom', new AppError('PROVIDER_UNAVAILABLE', 502, 'down'));
    const c = create('chat_b');
    await expect(run(c)).rejects.toMatchObject({ status: 502 });
    await expect(svc.store.get('chat_b')).resolves.toBeUndefined();
    // The bus retries a 5xx: the same command then goes through and makes exactly one room.
    await expect(run(c)).resolves.toMatchObject({ type: 'onair.chat.room.created.v1' });
    expect(ivs.rooms.size).toBe(1);
  });

  test('a delete that overtakes the create tombstones the id: the late create leaves nothing', async () => {
    await run(cmd('onair.chat.room.delete.v1', { roomId: 'chat_c', actor: alice }));
    await expect(run(create('chat_c'))).rejects.toMatchObject({ status: 409 });
    expect(ivs.rooms.size).toBe(0);
  });

  test('delete removes the IVS room, is idempotent, and only the owner or an admin may do it', async () => {
    await run(create('chat_d'));
    await expect(
      run(cmd('onair.chat.room.delete.v1', { roomId: 'chat_d', actor: bob })),
    ).rejects.toMatchObject({
      status: 403,
    });
    await run(cmd('onair.chat.room.delete.v1', { roomId: 'chat_d', actor: alice }));
    await run(cmd('onair.chat.room.delete.v1', { roomId: 'chat_d', actor: alice }));
    expect(ivs.rooms.size).toBe(0);
    await expect(
      run(cmd('onair.chat.token.create.v1', { roomId: 'chat_d', actor: alice })),
    ).rejects.toMatchObject({ status: 404 });
  });

  test('token capabilities follow the role; the owner moderates; attributes carry the display name', async () => {
    const created = await run(create('chat_e'));
    const arn = (created.data as { arn: string }).arn;
    const caps = async (actor: { userId: string; roles: string[] }, extra: object = {}) =>
      (
        (await run(cmd('onair.chat.token.create.v1', { roomId: arn, actor, ...extra }))).data as {
          capabilities: string[];
        }
      ).capabilities;
    expect(await caps(bob)).toEqual([]);
    expect(await caps({ userId: 'carol', roles: ['streamer'] })).toEqual(['SEND_MESSAGE']);
    expect(await caps({ userId: 'mo', roles: ['moderator'] })).toEqual([
      'SEND_MESSAGE',
      'DELETE_MESSAGE',
      'DISCONNECT_USER',
    ]);
    expect(await caps({ userId: 'root', roles: ['admin'] })).toEqual([
      'SEND_MESSAGE',
      'DELETE_MESSAGE',
      'DISCONNECT_USER',
    ]);
    expect(await caps(alice)).toEqual(['SEND_MESSAGE', 'DELETE_MESSAGE', 'DISCONNECT_USER']);
    expect(await caps(bob, { defaultCapabilities: ['SEND_MESSAGE'] })).toEqual(['SEND_MESSAGE']);
    await run(
      cmd('onair.chat.token.create.v1', {
        roomId: 'chat_e',
        actor: bob,
        displayName: 'Bob',
        sessionDurationInMinutes: 5,
      }),
    );
    expect(ivs.tokens.at(-1)).toMatchObject({
      userId: 'bob',
      sessionDurationInMinutes: 5,
      attributes: { displayName: 'Bob' },
    });
  });

  test('native rooms are stored in onair only; without CHAT_TOKEN_SECRET their tokens answer 501 saying so', async () => {
    const created = await run(create('chat_f', 'native'));
    expect(created.data).toMatchObject({ provider: 'native', roomId: 'chat_f' });
    expect((created.data as { arn?: string }).arn).toBeUndefined();
    expect(ivs.calls).toEqual([]);
    const err = await run(cmd('onair.chat.token.create.v1', { roomId: 'chat_f', actor: alice })).catch(
      (e) => e,
    );
    expect(err).toMatchObject({ status: 501 });
    expect(err.message).toMatch(/CHAT_TOKEN_SECRET/);
  });

  test('moderation through IVS Chat: viewers are refused, moderators delete, disconnect and send events', async () => {
    await run(create('chat_g'));
    const mod = { userId: 'mo', roles: ['moderator'] };
    await expect(
      run(cmd('onair.chat.message.delete.v1', { roomId: 'chat_g', messageId: 'abc', actor: bob })),
    ).rejects.toMatchObject({ status: 403 });
    const del = await run(
      cmd('onair.chat.message.delete.v1', { roomId: 'chat_g', messageId: 'abc', actor: mod, reason: 'spam' }),
    );
    expect(del.data).toMatchObject({ roomId: 'chat_g', messageId: 'abc', deletedBy: 'mo', reason: 'spam' });
    const dis = await run(
      cmd('onair.chat.user.disconnect.v1', { roomId: 'chat_g', userId: 'bob', actor: mod }),
    );
    expect(dis.type).toBe('onair.chat.user.disconnected.v1');
    const ev = await run(
      cmd('onair.chat.event.send.v1', { roomId: 'chat_g', actor: alice, eventName: 'poll' }),
    );
    expect(ev.data).toMatchObject({ roomId: 'chat_g', eventName: 'poll' });
    expect(ivs.calls).toEqual(expect.arrayContaining(['DeleteMessage', 'DisconnectUser', 'SendEvent']));
  });

  test('IVS rooms get the review Lambda as their message review handler; an update can remove it', async () => {
    const lambda = 'arn:aws:lambda:us-east-1:123456789012:function:review';
    await run(
      cmd('onair.chat.room.create.v1', {
        roomId: 'chat_r',
        actor: alice,
        provider: 'ivs',
        name: 'reviewed',
        settings: { moderation: { wordFilter: [], reviewHandlerArn: lambda, fallbackResult: 'DENY' } },
      }),
    );
    expect([...ivs.rooms.values()][0].messageReviewHandler).toEqual({ uri: lambda, fallbackResult: 'DENY' });
    await run(
      cmd('onair.chat.room.update.v1', {
        roomId: 'chat_r',
        actor: alice,
        settings: { moderation: { wordFilter: [], fallbackResult: 'ALLOW' } },
      }),
    );
    expect([...ivs.rooms.values()][0].messageReviewHandler).toEqual({ uri: '', fallbackResult: 'ALLOW' });
  });

  test('update changes name and settings (IVS limits follow), owner or admin only', async () => {
    await run(create('chat_h'));
    await expect(
      run(cmd('onair.chat.room.update.v1', { roomId: 'chat_h', actor: bob, settings: {} })),
    ).rejects.toMatchObject({ status: 403 });
    const up = await run(
      cmd('onair.chat.room.update.v1', {
        roomId: 'chat_h',
        actor: alice,
        name: 'renamed',
        settings: { maximumMessageLength: 100 },
      }),
    );
    expect(up.data).toMatchObject({
      name: 'renamed',
      settings: { maximumMessageLength: 100, maximumMessageRatePerSecond: 10 },
    });
    expect([...ivs.rooms.values()][0]).toMatchObject({ maximumMessageLength: 100 });
  });

  test('settings that fail the contract are refused at once with a 400 naming the field (never retried)', async () => {
    await run(create('chat_s'));
    const refusal = async (settings: unknown, type = 'onair.chat.room.update.v1') => {
      const data =
        type === 'onair.chat.room.update.v1'
          ? { roomId: 'chat_s', actor: alice, settings }
          : { roomId: 'chat_s2', actor: alice, provider: 'native', name: 'x', settings };
      const err = await run(cmd(type, data)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ status: 400, retryable: false });
      return (err as AppError).message;
    };
    expect(await refusal({ maximumMessageRatePerSecond: 1000 })).toMatch(
      /'settings\.maximumMessageRatePerSecond'.*less or equal to 100/,
    );
    expect(await refusal({ slowModeSeconds: -1 })).toMatch(/'settings\.slowModeSeconds'/);
    expect(await refusal({ colour: 'red' })).toMatch(/Unknown field 'settings\.colour'/);
    expect(await refusal({ moderation: { wordFilter: [], fallbackResult: 'ALLOW', extra: 1 } })).toMatch(
      /Unknown field 'settings\.moderation\.extra'/,
    );
    expect(await refusal({ moderation: { wordFilter: [], fallbackResult: 'MAYBE' } })).toMatch(
      /'settings\.moderation\.fallbackResult'/,
    );
    expect(await refusal({ maximumMessageLength: 501 }, 'onair.chat.room.create.v1')).toMatch(
      /'settings\.maximumMessageLength'/,
    );
    await expect(svc.store.get('chat_s2')).resolves.toBeUndefined();
    // Nothing was stored or published for the refused updates.
    expect((await svc.store.get('chat_s'))?.settings).toEqual(DEFAULT_SETTINGS);
  });

  test('a room stored with settings the contract no longer knows is read back without them', async () => {
    await run(create('chat_old', 'native'));
    await ddb.send(
      new UpdateCommand({
        TableName: svc.store.tableName,
        Key: { PK: 'ROOM#chat_old', SK: 'ROOM' },
        UpdateExpression: 'SET settings.legacyKey = :x, settings.moderation.reviewWebhookUrl = :u',
        ExpressionAttributeValues: { ':x': 1, ':u': 'gopher://127.0.0.1/' },
      }),
    );
    expect((await svc.store.get('chat_old'))?.settings).toEqual(DEFAULT_SETTINGS);
    // And its events stay valid (the recording bus checks them against the closed contract).
    const up = await run(
      cmd('onair.chat.room.update.v1', {
        roomId: 'chat_old',
        actor: alice,
        settings: { slowModeSeconds: 2 },
      }),
    );
    expect(up.data).toMatchObject({ settings: { ...DEFAULT_SETTINGS, slowModeSeconds: 2 } });
  });

  test('an IVS room refuses sends and bans through onair with a 400 saying what to do instead', async () => {
    // The room's engine decides: IVS rooms are sent to and moderated on IVS Chat itself.
    await run(create('chat_ivs_only'));
    await expect(
      run(
        cmd('onair.chat.message.send.v1', {
          roomId: 'chat_ivs_only',
          sender: { userId: 'alice', attributes: {} },
          connectionId: 'c1',
          gatewayId: 'gw-1',
          requestId: 'r1',
          content: 'hi',
        }),
      ),
    ).rejects.toMatchObject({
      status: 400,
      message: 'Chat room chat_ivs_only is an IVS Chat room: clients send through IVS Chat',
    });
    await expect(
      run(cmd('onair.chat.user.ban.v1', { roomId: 'chat_ivs_only', userId: 'bob', actor: alice })),
    ).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/IVS Chat has no bans/) });
    expect(bus.published.filter((e) => e.type !== 'onair.chat.room.created.v1')).toEqual([]);
  });
});
