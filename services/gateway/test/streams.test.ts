// /v1/streams and /v1/chat/rooms end to end: gateway -> RabbitMQ -> stream-svc + chat-svc ->
// IVS stand-ins (real SDKs) -> dynalite; IVS events through EventBridge -> SQS -> stream-svc.
import { DeleteChannelCommand, ListChannelsCommand } from '@aws-sdk/client-ivs';
import { ListRoomsCommand } from '@aws-sdk/client-ivschat';
import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { waitFor } from '../../../test/support';
import { type Harness, startStreamsHarness } from './streams-harness';

describe('/v1/streams and /v1/chat/rooms', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startStreamsHarness({ chatDefaultProvider: 'native' });
  }, 60_000);
  afterAll(async () => h?.close());
  afterEach(() => h.ivs.clearFaults());

  const wait = { prefer: 'wait=10' };
  const create = (body: object, user = 'alice') =>
    h.api('POST', '/v1/streams', { body, user, headers: wait });
  const get = (id: string, user = 'alice') => h.api('GET', `/v1/streams/${id}`, { user });
  const channelsNamed = async (name: string) =>
    ((await h.ivsClient.send(new ListChannelsCommand({ filterByName: name }))).channels ?? []).filter(
      (c) => c.name === name,
    );
  const allRooms = async () => (await h.chatClient.send(new ListRoomsCommand({}))).rooms ?? [];
  const statesOf = (streamId: string) =>
    h.events
      .filter((e) => e.type === 'onair.stream.state-changed.v1' && e.subject === streamId)
      .map((e) => (e.data as { status: string }).status);

  test('POST answers 202 + Location; the stream becomes ready; key and ingest only for its owner', async () => {
    const res = await h.api('POST', '/v1/streams', { body: { title: 'Async', latencyMode: 'NORMAL' } });
    expect(res.statusCode).toBe(202);
    const { streamId } = res.json();
    expect(res.headers.location).toBe(`/v1/streams/${streamId}`);
    expect((await get(streamId)).statusCode).toBe(200); // the Location resolves at once
    const ready = await waitFor(
      async () => {
        const r = await get(streamId);
        return r.statusCode === 200 && r.json().status === 'ready' ? r.json() : undefined;
      },
      { what: 'the stream to be ready' },
    );
    expect(ready).toMatchObject({
      streamId,
      ownerId: 'alice',
      title: 'Async',
      latencyMode: 'NORMAL',
      channelType: 'STANDARD',
      chatProvider: 'native', // the configured default
      chatRoomId: expect.stringMatching(/^chat_/),
      streamKey: expect.stringMatching(/^sk_/),
      ingestEndpoint: expect.stringMatching(/global-contribute\.live-video\.net$/),
    });
    expect(ready.chatRoomArn).toBeUndefined(); // native rooms have no IVS ARN
    const asBob = (await get(streamId, 'bob')).json();
    expect(asBob.streamKey).toBeUndefined();
    expect(asBob.ingestEndpoint).toBeUndefined();
    expect(asBob.playbackUrl).toBe(ready.playbackUrl);
    const asAdmin = (
      await h.api('GET', `/v1/streams/${streamId}`, { user: 'root', roles: ['admin'] })
    ).json();
    expect(asAdmin.streamKey).toBe(ready.streamKey);
    // The key never travels in events.
    await waitFor(() => statesOf(streamId).includes('ready'), { what: 'the ready event' });
    expect(JSON.stringify(h.events)).not.toContain(ready.streamKey);
  });

  test('Prefer: wait=N answers 201 with the finished stream; ivs chat per request', async () => {
    const res = await create({ title: 'Sync', chatProvider: 'ivs', channelType: 'BASIC' });
    expect(res.statusCode).toBe(201);
    expect(res.headers['preference-applied']).toBe('wait=10');
    expect(res.json()).toMatchObject({ status: 'ready', channelType: 'BASIC', chatProvider: 'ivs' });
    expect(res.json().chatRoomArn).toMatch(/^arn:aws:ivschat:/);
    const alone = await h.api('DELETE', `/v1/chat/rooms/${res.json().chatRoomId}`);
    expect(alone.statusCode).toBe(409);
    expect(alone.json().detail).toMatch(/belongs to stream .*delete the stream instead/);
  });

  test('bad input and other users get clear problem+json 4xx', async () => {
    const mine = (await create({ title: 'Mine' })).json();
    const cases: Array<[string, string, object | undefined, string, number, RegExp]> = [
      ['POST', '/v1/streams', {}, 'alice', 400, /title/],
      ['POST', '/v1/streams', { title: 'x'.repeat(201) }, 'alice', 400, /title.*200/],
      ['POST', '/v1/streams', { title: 'ok', latencyMode: 'FAST' }, 'alice', 400, /latencyMode/],
      [
        'POST',
        '/v1/streams',
        { title: 'ok', recordingConfigurationArn: 'nope' },
        'alice',
        400,
        /recordingConfigurationArn/,
      ],
      ['GET', '/v1/streams/strm_unknown', undefined, 'alice', 404, /Stream strm_unknown not found/],
      ['PATCH', `/v1/streams/${mine.streamId}`, { title: '' }, 'alice', 400, /title/],
      [
        'PATCH',
        `/v1/streams/${mine.streamId}`,
        { title: 'hijack' },
        'mallory',
        403,
        /belongs to another user/,
      ],
      ['POST', `/v1/streams/${mine.streamId}/stop`, undefined, 'mallory', 403, /belongs to another user/],
      ['POST', `/v1/streams/${mine.streamId}/stop`, undefined, 'alice', 409, /is not live/],
      ['DELETE', `/v1/streams/${mine.streamId}`, undefined, 'mallory', 403, /belongs to another user/],
      ['GET', '/v1/streams?status=sleeping', undefined, 'alice', 400, /status/],
      ['GET', '/v1/streams?cursor=garbage', undefined, 'alice', 400, /cursor/],
    ];
    for (const [method, url, body, user, status, detail] of cases) {
      const res = await h.api(method as 'GET', url, { body, user });
      expect(`${method} ${url} ${res.statusCode}`).toBe(`${method} ${url} ${status}`);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().detail).toMatch(detail);
    }
    const patched = await h.api('PATCH', `/v1/streams/${mine.streamId}`, { body: { title: 'Renamed' } });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().title).toBe('Renamed');
  });

  test('list by owner and status, with pagination', async () => {
    const ids: string[] = [];
    for (const title of ['one', 'two', 'three'])
      ids.push((await create({ title }, 'lister')).json().streamId);
    const live = (await h.api('GET', `/v1/streams/${ids[1]}`, { user: 'lister' })).json();
    const { channelArn } = live;
    await h.ivs.startBroadcast(channelArn);
    await waitFor(async () => (await get(ids[1])).json().status === 'live', { what: 'live' });

    const page1 = (await h.api('GET', '/v1/streams?limit=2', { user: 'lister' })).json();
    expect(page1.items.map((s: { title: string }) => s.title)).toEqual(['three', 'two']);
    expect(page1.items[0].streamKey).toMatch(/^sk_/); // the caller owns them
    const page2 = (
      await h.api('GET', `/v1/streams?limit=2&cursor=${page1.nextCursor}`, { user: 'lister' })
    ).json();
    expect(page2.items.map((s: { title: string }) => s.title)).toEqual(['one']);
    expect(page2.nextCursor).toBeUndefined();
    const onlyLive = (await h.api('GET', '/v1/streams?status=live&limit=1', { user: 'lister' })).json();
    expect(onlyLive.items.map((s: { streamId: string }) => s.streamId)).toEqual([ids[1]]);
    const theirs = (await h.api('GET', '/v1/streams?owner=lister', { user: 'bob' })).json();
    expect(theirs.items).toHaveLength(3);
    expect(theirs.items[0].streamKey).toBeUndefined();
    await h.ivs.endBroadcast(channelArn);
  });

  const faults: Array<[string, string, RegExp]> = [
    ['CreateChannel', 'InternalServerException', /CreateChannel/],
    ['CreateChannel', 'ThrottlingException', /CreateChannel/],
    ['CreateRoom', 'InternalServerException', /chat|CreateRoom|could not complete/i],
  ];
  test.each(faults)(
    'a %s %s compensates: failed with the reason, no orphan channel or room',
    async (operation, error, reason) => {
      const roomsBefore = (await allRooms()).length;
      h.ivs.injectFault({ operation, error });
      const res = await create({ title: 'Doomed', chatProvider: 'ivs' });
      expect(res.statusCode).toBe(502);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'PROVISIONING_FAILED' });
      expect(res.json().detail).toMatch(reason);
      const { streamId } = res.json();
      expect(res.headers.location).toBe(`/v1/streams/${streamId}`);
      h.ivs.clearFaults();
      const stored = (await get(streamId)).json();
      expect(stored).toMatchObject({ status: 'failed', failureReason: expect.stringMatching(reason) });
      expect(stored.streamKey).toBeUndefined();
      expect(await channelsNamed(streamId)).toEqual([]);
      expect(await allRooms()).toHaveLength(roomsBefore);
      await waitFor(() => statesOf(streamId).includes('failed'), { what: 'the failed event' });
    },
  );

  test('a CreateRoom that fails once is retried by the bus and the stream still becomes ready', async () => {
    h.ivs.injectFault({ operation: 'CreateRoom', error: 'InternalServerException', times: 1 });
    const res = await create({ title: 'Resilient', chatProvider: 'ivs' });
    expect(res.statusCode).toBe(201);
    expect(res.json().chatRoomArn).toMatch(/^arn:aws:ivschat:/);
  });

  test('a DeleteChannel failing during compensation is retried: still no orphan', async () => {
    h.ivs.injectFault({ operation: 'CreateRoom', error: 'InternalServerException' });
    h.ivs.injectFault({ operation: 'DeleteChannel', error: 'InternalServerException', times: 1 });
    const res = await create({ title: 'Messy', chatProvider: 'ivs' });
    expect(res.statusCode).toBe(502);
    h.ivs.clearFaults();
    expect(await channelsNamed(res.json().streamId)).toEqual([]);
  });

  test('IVS events through EventBridge -> SQS: live, ended; duplicates, late and out-of-order change nothing', async () => {
    const s = (await create({ title: 'Events' })).json();
    const { streamId, channelArn } = s;
    const { streamId: ivsStreamId } = await h.ivs.startBroadcast(channelArn);
    await waitFor(async () => (await get(streamId)).json().status === 'live', { what: 'live' });
    await h.ivs.endBroadcast(channelArn);
    await waitFor(async () => (await get(streamId)).json().status === 'ended', { what: 'ended' });

    // Replays straight into EventBridge: the Stream Start again (a duplicate delivery of an old
    // event), a late start from before the end, and an out-of-order pair for a new broadcast.
    const inject = (event_name: string, time: string, id?: string) =>
      h.eb.injectEvent({
        source: 'aws.ivs',
        'detail-type': 'IVS Stream State Change',
        resources: [channelArn],
        time,
        ...(id ? { id } : {}),
        detail: { event_name, channel_name: streamId, stream_id: ivsStreamId },
      });
    const startEvent = h.ivs.events.find(
      (e) => e.detail.event_name === 'Stream Start' && e.resources[0] === channelArn,
    );
    inject('Stream Start', startEvent?.time as string, startEvent?.id);
    inject('Stream Start', new Date(Date.parse(startEvent?.time as string) - 60_000).toISOString());
    const future = Date.now() + 60_000;
    inject('Stream End', new Date(future + 5000).toISOString(), 'end-of-new');
    inject('Stream Start', new Date(future).toISOString(), 'start-of-new');
    await h.eb.flush();
    // The last one applied is the newest (the out-of-order end): a probe event after it proves
    // every earlier message was consumed.
    inject('Stream Failure', new Date(future + 10_000).toISOString(), 'probe');
    await waitFor(async () => (await get(streamId)).json().status === 'failed', { what: 'the probe' });
    await waitFor(() => statesOf(streamId).includes('failed'), { what: 'the failed event' });
    expect(statesOf(streamId)).toEqual(['ready', 'live', 'ended', 'failed']);
  });

  test('unreadable messages on the IVS events queue are logged and deleted; the consumer keeps going', async () => {
    const { streamId, channelArn } = (await create({ title: 'Garbage' })).json();
    for (const body of [
      'not json',
      '{"source":"aws.ivs"}',
      JSON.stringify({ id: 'x', time: 'later', detail: {} }),
    ])
      await h.sqs.send(new SendMessageCommand({ QueueUrl: h.queueUrl, MessageBody: body }));
    await h.ivs.startBroadcast(channelArn);
    await waitFor(async () => (await get(streamId)).json().status === 'live', {
      what: 'live after the garbage',
    });
    await waitFor(
      async () => {
        const a = (
          await h.sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl: h.queueUrl,
              AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
            }),
          )
        ).Attributes;
        return a?.ApproximateNumberOfMessages === '0' && a.ApproximateNumberOfMessagesNotVisible === '0';
      },
      { what: 'the queue to be empty' },
    );
    await h.ivs.endBroadcast(channelArn);
  });

  test('the reconciler fails a stream whose channel was deleted behind our back', async () => {
    const { streamId, channelArn } = (await create({ title: 'Drift' })).json();
    await h.ivsClient.send(new DeleteChannelCommand({ arn: channelArn }));
    await h.reconciler().runOnce();
    expect((await get(streamId)).json()).toMatchObject({
      status: 'failed',
      failureReason: 'The IVS channel was deleted outside onair',
    });
  });

  test('DELETE removes channel, chat room and record; unknown afterwards', async () => {
    const s = (await create({ title: 'Bye', chatProvider: 'ivs' })).json();
    await h.ivs.startBroadcast(s.channelArn); // a live channel is stopped before it is deleted
    await waitFor(async () => (await get(s.streamId)).json().status === 'live', { what: 'live' });
    const del = await h.api('DELETE', `/v1/streams/${s.streamId}`);
    expect(del.statusCode).toBe(204);
    expect(await channelsNamed(s.streamId)).toEqual([]);
    expect((await allRooms()).map((r) => r.arn)).not.toContain(s.chatRoomArn);
    expect((await get(s.streamId)).statusCode).toBe(404);
    await waitFor(
      () => h.events.some((e) => e.type === 'onair.stream.deleted.v1' && e.subject === s.streamId),
      {
        what: 'the deleted event',
      },
    );
  });

  test('OpenAPI documents every stream, chat and seed route', async () => {
    const spec = (await h.app.inject({ url: '/openapi.json' })).json();
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/v1/streams',
        '/v1/streams/{streamId}',
        '/v1/streams/{streamId}/stop',
        '/v1/chat/rooms',
        '/v1/chat/rooms/{roomId}',
        '/v1/chat/rooms/{roomId}/tokens',
        '/stream',
        '/stream/{streamId}',
        '/stream/{streamId}/stop',
        '/api/chat/token',
      ]),
    );
    expect(
      spec.paths['/v1/streams'].post.requestBody.content['application/json'].schema.properties,
    ).toHaveProperty('latencyMode');
  });

  test('chat rooms: create, read, list, tokens by role, native 501, update, delete', async () => {
    const ivsRoom = await h.api('POST', '/v1/chat/rooms', { body: { name: 'lobby', provider: 'ivs' } });
    expect(ivsRoom.statusCode).toBe(201);
    const room = ivsRoom.json();
    expect(ivsRoom.headers.location).toBe(`/v1/chat/rooms/${room.roomId}`);
    expect(room).toMatchObject({
      name: 'lobby',
      provider: 'ivs',
      ownerId: 'alice',
      arn: expect.stringMatching(/^arn:aws:ivschat:/),
    });
    expect((await h.api('GET', `/v1/chat/rooms/${room.roomId}`, { user: 'bob' })).json()).toEqual(room);
    expect(
      (await h.api('GET', '/v1/chat/rooms')).json().items.map((r: { roomId: string }) => r.roomId),
    ).toContain(room.roomId);

    const tokenAs = (user: string, roles: string[]) =>
      h.api('POST', `/v1/chat/rooms/${room.roomId}/tokens`, {
        body: { displayName: `${user}!` },
        user,
        roles,
      });
    expect((await tokenAs('bob', ['viewer'])).json().capabilities).toEqual([]);
    expect((await tokenAs('carol', ['streamer'])).json().capabilities).toEqual(['SEND_MESSAGE']);
    const mod = await tokenAs('mo', ['moderator']);
    expect(mod.statusCode).toBe(201);
    expect(mod.json()).toMatchObject({
      roomId: room.roomId,
      capabilities: ['SEND_MESSAGE', 'DELETE_MESSAGE', 'DISCONNECT_USER'],
    });

    const native = (await h.api('POST', '/v1/chat/rooms', { body: { name: 'native' } })).json();
    expect(native.provider).toBe('native');
    const nt = await h.api('POST', `/v1/chat/rooms/${native.roomId}/tokens`, { body: {} });
    expect(nt.statusCode).toBe(501);
    expect(nt.json().detail).toMatch(/native/i);

    const upd = await h.api('PATCH', `/v1/chat/rooms/${room.roomId}`, {
      body: { settings: { maximumMessageLength: 200 } },
    });
    expect(upd.json().settings.maximumMessageLength).toBe(200);
    expect(
      (await h.api('PATCH', `/v1/chat/rooms/${room.roomId}`, { body: { name: 'x' }, user: 'mallory' }))
        .statusCode,
    ).toBe(403);
    expect(
      (
        await h.api('POST', `/v1/chat/rooms/${room.roomId}/events`, {
          body: { eventName: 'poll' },
          user: 'bob',
          roles: ['viewer'],
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (await h.api('POST', `/v1/chat/rooms/${room.roomId}/events`, { body: { eventName: 'poll' } }))
        .statusCode,
    ).toBe(201);
    expect((await h.api('DELETE', `/v1/chat/rooms/${room.roomId}`)).statusCode).toBe(204);
    expect((await h.api('GET', `/v1/chat/rooms/${room.roomId}`)).statusCode).toBe(404);
    expect((await allRooms()).map((r) => r.arn)).not.toContain(room.arn);
  });
});
