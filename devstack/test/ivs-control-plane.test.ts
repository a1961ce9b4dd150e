// IVS control plane through the real @aws-sdk/client-ivs.
import {
  ChannelNotBroadcasting,
  ConflictException,
  CreateChannelCommand,
  CreateStreamKeyCommand,
  DeleteChannelCommand,
  DeleteStreamKeyCommand,
  GetChannelCommand,
  GetStreamCommand,
  GetStreamKeyCommand,
  type IvsClient,
  ListChannelsCommand,
  ListStreamKeysCommand,
  ListStreamsCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  StopStreamCommand,
  TagResourceCommand,
  ValidationException,
} from '@aws-sdk/client-ivs';
import { type IvsStandIn, startIvsStandIn } from '../src/ivs';
import { errorOf, ivsClient } from './ivs-helpers';

describe('IVS stand-in: control plane', () => {
  let standIn: IvsStandIn;
  let ivs: IvsClient;

  beforeEach(async () => {
    standIn = await startIvsStandIn({ region: 'us-west-2', accountId: '210987654321' });
    ivs = ivsClient(standIn);
  });
  afterEach(async () => {
    ivs.destroy();
    await standIn.close();
  });

  const createChannel = (name: string, extra: Record<string, unknown> = {}) =>
    ivs.send(new CreateChannelCommand({ name, ...extra }));

  test('CreateChannel returns a realistic channel and its stream key', async () => {
    const out = await createChannel('show-1', { latencyMode: 'NORMAL', tags: { team: 'a' } });
    const channel = out.channel!;
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(channel.arn).toMatch(/^arn:aws:ivs:us-west-2:210987654321:channel\/[a-zA-Z0-9]{12}$/);
    const id = channel.arn!.split('/')[1];
    expect(channel).toMatchObject({
      name: 'show-1',
      latencyMode: 'NORMAL',
      type: 'STANDARD',
      authorized: false,
      recordingConfigurationArn: '',
      insecureIngest: false,
      preset: '',
      tags: { team: 'a' },
    });
    expect(channel.ingestEndpoint).toMatch(/^[0-9a-f]{12}\.global-contribute\.live-video\.net$/);
    expect(channel.playbackUrl).toMatch(
      new RegExp(
        `^https://[0-9a-f]{12}\\.us-west-2\\.playback\\.live-video\\.net/api/video/v1/us-west-2\\.210987654321\\.channel\\.${id}\\.m3u8$`,
      ),
    );
    const key = out.streamKey!;
    expect(key.arn).toMatch(/^arn:aws:ivs:us-west-2:210987654321:stream-key\/[a-zA-Z0-9]{12}$/);
    expect(key.value).toMatch(/^sk_us-west-2_[a-zA-Z0-9]{12}_[a-zA-Z0-9]{12}$/);
    expect(key.channelArn).toBe(channel.arn);

    const got = await ivs.send(new GetChannelCommand({ arn: channel.arn }));
    expect(got.channel).toEqual(channel);
  });

  test('defaults: LOW latency, STANDARD type, empty name', async () => {
    const { channel } = await ivs.send(new CreateChannelCommand({}));
    expect(channel).toMatchObject({ name: '', latencyMode: 'LOW', type: 'STANDARD' });
  });

  test('errors carry the modeled names, status codes and exceptionMessage', async () => {
    const missing = 'arn:aws:ivs:us-west-2:210987654321:channel/abcdABCDefgh';
    const notFound = await errorOf(() => ivs.send(new GetChannelCommand({ arn: missing })));
    expect(notFound).toBeInstanceOf(ResourceNotFoundException);
    expect(notFound.name).toBe('ResourceNotFoundException');
    expect(notFound.$metadata.httpStatusCode).toBe(404);
    expect(notFound.$fault).toBe('client');
    expect(notFound.exceptionMessage).toContain(missing);
    expect(notFound.message).toContain(missing);

    const invalid = await errorOf(() => ivs.send(new GetChannelCommand({ arn: 'not-an-arn' })));
    expect(invalid).toBeInstanceOf(ValidationException);
    expect(invalid.$metadata.httpStatusCode).toBe(400);

    const badEnum = await errorOf(() => createChannel('x', { latencyMode: 'FAST' }));
    expect(badEnum.name).toBe('ValidationException');
    const badName = await errorOf(() => createChannel('has spaces'));
    expect(badName.name).toBe('ValidationException');
  });

  test('DeleteChannel answers 204, then the channel and its keys are gone', async () => {
    const { channel, streamKey } = await createChannel('to-delete');
    const out = await ivs.send(new DeleteChannelCommand({ arn: channel!.arn }));
    expect(out.$metadata.httpStatusCode).toBe(204);
    expect((await errorOf(() => ivs.send(new GetChannelCommand({ arn: channel!.arn })))).name).toBe(
      'ResourceNotFoundException',
    );
    expect((await errorOf(() => ivs.send(new GetStreamKeyCommand({ arn: streamKey!.arn })))).name).toBe(
      'ResourceNotFoundException',
    );
    expect((await errorOf(() => ivs.send(new DeleteChannelCommand({ arn: channel!.arn })))).name).toBe(
      'ResourceNotFoundException',
    );
  });

  test('DeleteChannel on a live channel is a 409 ConflictException', async () => {
    const { channel } = await createChannel('live');
    await standIn.startBroadcast(channel!.arn!);
    const err = await errorOf(() => ivs.send(new DeleteChannelCommand({ arn: channel!.arn })));
    expect(err).toBeInstanceOf(ConflictException);
    expect(err.$metadata.httpStatusCode).toBe(409);
  });

  test('ListChannels paginates with nextToken/maxResults and filters by name', async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await createChannel(`ch-${i}`)).channel!.arn!);
    await createChannel('other');

    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await ivs.send(new ListChannelsCommand({ maxResults: 2, nextToken }));
      expect(page.channels!.length).toBeLessThanOrEqual(2);
      for (const c of page.channels!) {
        seen.push(c.arn!);
        // ChannelSummary has no ingestEndpoint / playbackUrl.
        expect(c).not.toHaveProperty('ingestEndpoint');
        expect(c).not.toHaveProperty('playbackUrl');
      }
      nextToken = page.nextToken;
      pages++;
    } while (nextToken);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(6);
    expect(seen.slice(0, 5)).toEqual(created);

    const filtered = await ivs.send(new ListChannelsCommand({ filterByName: 'ch-3' }));
    expect(filtered.channels!.map((c) => c.arn)).toEqual([created[3]]);
    expect(filtered.nextToken).toBeUndefined();

    const all = await ivs.send(new ListChannelsCommand({}));
    expect(all.channels).toHaveLength(6);

    const badToken = await errorOf(() => ivs.send(new ListChannelsCommand({ nextToken: 'garbage' })));
    expect(badToken.name).toBe('ValidationException');
    const badMax = await errorOf(() => ivs.send(new ListChannelsCommand({ maxResults: 101 })));
    expect(badMax.name).toBe('ValidationException');
    const conflict = await errorOf(() =>
      ivs.send(
        new ListChannelsCommand({
          filterByName: 'x',
          filterByRecordingConfigurationArn:
            'arn:aws:ivs:us-west-2:210987654321:recording-configuration/abcd',
        }),
      ),
    );
    expect(conflict.name).toBe('ConflictException');
  });

  test('stream keys: one per channel, get, list, delete, create again', async () => {
    const { channel, streamKey } = await createChannel('keys');
    const channelArn = channel!.arn!;

    const second = await errorOf(() => ivs.send(new CreateStreamKeyCommand({ channelArn })));
    expect(second).toBeInstanceOf(ServiceQuotaExceededException);
    expect(second.$metadata.httpStatusCode).toBe(402);

    const got = await ivs.send(new GetStreamKeyCommand({ arn: streamKey!.arn }));
    expect(got.streamKey).toEqual(streamKey);

    const listed = await ivs.send(new ListStreamKeysCommand({ channelArn }));
    expect(listed.streamKeys).toEqual([{ arn: streamKey!.arn, channelArn, tags: {} }]);
    expect(listed.streamKeys![0]).not.toHaveProperty('value');

    const deleted = await ivs.send(new DeleteStreamKeyCommand({ arn: streamKey!.arn }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    expect((await ivs.send(new ListStreamKeysCommand({ channelArn }))).streamKeys).toEqual([]);
    expect((await errorOf(() => ivs.send(new GetStreamKeyCommand({ arn: streamKey!.arn })))).name).toBe(
      'ResourceNotFoundException',
    );

    const recreated = await ivs.send(new CreateStreamKeyCommand({ channelArn, tags: { k: 'v' } }));
    expect(recreated.streamKey).toMatchObject({ channelArn, tags: { k: 'v' } });
    expect(recreated.streamKey!.value).toMatch(/^sk_us-west-2_/);

    const noChannel = await errorOf(() =>
      ivs.send(
        new CreateStreamKeyCommand({ channelArn: 'arn:aws:ivs:us-west-2:210987654321:channel/zzzzzzzzzzzz' }),
      ),
    );
    expect(noChannel.name).toBe('ResourceNotFoundException');
  });

  test('ListStreamKeys pages with a default maxResults of 1', async () => {
    const { channel, streamKey } = await createChannel('keys-page');
    const page = await ivs.send(new ListStreamKeysCommand({ channelArn: channel!.arn }));
    expect(page.streamKeys!.map((k) => k.arn)).toEqual([streamKey!.arn]);
    expect(page.nextToken).toBeUndefined();
  });

  test('GetStream / ListStreams / StopStream follow the simulated broadcast', async () => {
    const { channel } = await createChannel('streamer');
    const channelArn = channel!.arn!;
    const offline = await errorOf(() => ivs.send(new GetStreamCommand({ channelArn })));
    expect(offline).toBeInstanceOf(ChannelNotBroadcasting);
    expect(offline.$metadata.httpStatusCode).toBe(404);
    expect((await ivs.send(new ListStreamsCommand({}))).streams).toEqual([]);

    const { streamId } = await standIn.startBroadcast(channelArn, { viewerCount: 7 });
    const { stream } = await ivs.send(new GetStreamCommand({ channelArn }));
    expect(stream).toMatchObject({
      channelArn,
      streamId,
      playbackUrl: channel!.playbackUrl,
      state: 'LIVE',
      health: 'HEALTHY',
      viewerCount: 7,
    });
    expect(stream!.streamId).toMatch(/^st-[a-zA-Z0-9]{23}$/);
    expect(stream!.startTime).toBeInstanceOf(Date);

    const { streams } = await ivs.send(new ListStreamsCommand({}));
    expect(streams).toHaveLength(1);
    expect(streams![0]).toMatchObject({ channelArn, streamId, state: 'LIVE', health: 'HEALTHY' });
    expect(streams![0]).not.toHaveProperty('playbackUrl');
    expect((await ivs.send(new ListStreamsCommand({ filterBy: { health: 'STARVING' } }))).streams).toEqual(
      [],
    );
    await standIn.setStreamHealth(channelArn, 'STARVING');
    expect(
      (await ivs.send(new ListStreamsCommand({ filterBy: { health: 'STARVING' } }))).streams,
    ).toHaveLength(1);

    const stopped = await ivs.send(new StopStreamCommand({ channelArn }));
    expect(stopped.$metadata.httpStatusCode).toBe(200);
    expect((await errorOf(() => ivs.send(new GetStreamCommand({ channelArn })))).name).toBe(
      'ChannelNotBroadcasting',
    );
    const again = await errorOf(() => ivs.send(new StopStreamCommand({ channelArn })));
    expect(again).toBeInstanceOf(ChannelNotBroadcasting);
    // StopStream ended the broadcast like an encoder disconnect: Stream End was emitted.
    expect(standIn.events.map((e) => e.detail.event_name)).toEqual([
      'Stream Start',
      'Starvation Start',
      'Stream End',
    ]);
  });

  test('ListStreams paginates', async () => {
    for (let i = 0; i < 3; i++) {
      const { channel } = await createChannel(`live-${i}`);
      await standIn.startBroadcast(channel!.arn!);
    }
    const first = await ivs.send(new ListStreamsCommand({ maxResults: 2 }));
    expect(first.streams).toHaveLength(2);
    expect(first.nextToken).toBeDefined();
    const second = await ivs.send(new ListStreamsCommand({ maxResults: 2, nextToken: first.nextToken }));
    expect(second.streams).toHaveLength(1);
    expect(second.nextToken).toBeUndefined();
  });

  test('CreateChannel past the channel quota is a 402 ServiceQuotaExceededException', async () => {
    const small = await startIvsStandIn({ maxChannels: 1 });
    const client = ivsClient(small);
    try {
      await client.send(new CreateChannelCommand({}));
      const err = await errorOf(() => client.send(new CreateChannelCommand({})));
      expect(err).toBeInstanceOf(ServiceQuotaExceededException);
      expect(err.$metadata.httpStatusCode).toBe(402);
    } finally {
      client.destroy();
      await small.close();
    }
  });

  test('tags on /tags/{arn} with the ARN URL-encoded in the path', async () => {
    const { channel } = await createChannel('tagged', { tags: { a: '1' } });
    await ivs.send(new TagResourceCommand({ resourceArn: channel!.arn, tags: { b: '2' } }));
    const { tags } = await ivs.send(new ListTagsForResourceCommand({ resourceArn: channel!.arn }));
    expect(tags).toEqual({ a: '1', b: '2' });
  });
});
