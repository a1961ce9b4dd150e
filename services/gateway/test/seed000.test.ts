// Seed 000's documented requests, replayed as documented (plus a bearer token), through the whole
// stack: gateway -> RabbitMQ -> stream-svc + chat-svc -> IVS stand-ins -> dynalite.
import { ListChannelsCommand } from '@aws-sdk/client-ivs';
import { ListRoomsCommand } from '@aws-sdk/client-ivschat';
import { waitFor } from '../../../test/support';
import { type Harness, startStreamsHarness } from './streams-harness';

describe('seed 000: IVS stream and chat room API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startStreamsHarness();
  }, 60_000);
  afterAll(async () => h?.close());

  const channelNames = async () =>
    ((await h.ivsClient.send(new ListChannelsCommand({}))).channels ?? []).map((c) => c.name);
  const roomArns = async () =>
    ((await h.chatClient.send(new ListRoomsCommand({}))).rooms ?? []).map((r) => r.arn);

  test('POST /stream creates the channel and its IVS chat room and answers every documented field', async () => {
    const res = await h.api('POST', '/stream', { body: { title: 'My Live Stream' } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['chat', 'stream']);
    expect(Object.keys(body.stream).sort()).toEqual([
      'playbackUrl',
      'rtmpUrl',
      'streamId',
      'streamKey',
      'title',
    ]);
    expect(Object.keys(body.chat).sort()).toEqual(['chatRoomArn', 'chatRoomId']);
    expect(body.stream).toMatchObject({
      title: 'My Live Stream',
      streamId: expect.stringMatching(/^strm_[0-9a-f]{16}$/),
      streamKey: expect.stringMatching(/^sk_us-east-1_/),
      playbackUrl: expect.stringMatching(
        /^https:\/\/[a-z0-9]+\.us-east-1\.playback\.live-video\.net\/.+\.m3u8$/,
      ),
      rtmpUrl: expect.stringMatching(/^rtmps:\/\/[a-z0-9]+\.global-contribute\.live-video\.net:443\/app\/$/),
    });
    expect(body.chat).toMatchObject({
      chatRoomId: expect.stringMatching(/^chat_/),
      chatRoomArn: expect.stringMatching(/^arn:aws:ivschat:us-east-1:\d{12}:room\/[A-Za-z0-9]+$/),
    });
    expect(await channelNames()).toContain(body.stream.streamId);
    expect(await roomArns()).toContain(body.chat.chatRoomArn);

    const got = await h.api('GET', `/stream/${body.stream.streamId}`, { user: 'bob', roles: ['viewer'] });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual({
      streamId: body.stream.streamId,
      channelArn: expect.stringMatching(/^arn:aws:ivs:us-east-1:\d{12}:channel\/[A-Za-z0-9]+$/),
      chatRoomId: body.chat.chatRoomId,
      chatRoomArn: body.chat.chatRoomArn,
    });
  });

  test('POST /stream/:streamId/stop: 409 while not live; stops a live broadcast; only its owner', async () => {
    const { stream } = (await h.api('POST', '/stream', { body: { title: 'Stop me' } })).json();
    const notLive = await h.api('POST', `/stream/${stream.streamId}/stop`);
    expect(notLive.statusCode).toBe(409);
    expect(notLive.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(notLive.json().detail).toMatch(/is not live/);

    const { channelArn } = (await h.api('GET', `/stream/${stream.streamId}`)).json();
    await h.ivs.startBroadcast(channelArn);
    await waitFor(
      async () => (await h.api('GET', `/v1/streams/${stream.streamId}`)).json().status === 'live',
      {
        what: 'the stream to go live from the IVS Stream Start event',
      },
    );
    const other = await h.api('POST', `/stream/${stream.streamId}/stop`, { user: 'mallory' });
    expect(other.statusCode).toBe(403);

    const stopped = await h.api('POST', `/stream/${stream.streamId}/stop`);
    expect(stopped.statusCode).toBe(200);
    expect(stopped.json()).toEqual({ message: 'Stream stopped successfully' });
    expect((await h.api('GET', `/v1/streams/${stream.streamId}`)).json().status).toBe('ended');
  });

  test('DELETE /stream/:streamId deletes the channel and the chat room (seed 002 TODO done); idempotent for readers', async () => {
    const { stream, chat } = (await h.api('POST', '/stream', { body: { title: 'Delete me' } })).json();
    expect((await h.api('DELETE', `/stream/${stream.streamId}`, { user: 'mallory' })).statusCode).toBe(403);
    const del = await h.api('DELETE', `/stream/${stream.streamId}`);
    expect(del.statusCode).toBe(200);
    expect(del.json()).toEqual({ message: 'Stream and chat room deleted successfully' });
    expect(await channelNames()).not.toContain(stream.streamId);
    expect(await roomArns()).not.toContain(chat.chatRoomArn);
    expect((await h.api('GET', `/stream/${stream.streamId}`)).statusCode).toBe(404);
    expect((await h.api('DELETE', `/stream/${stream.streamId}`)).statusCode).toBe(404);
  });

  test('bad input gets a clear problem+json 4xx', async () => {
    const cases: Array<[string, string, unknown, number, RegExp]> = [
      ['POST', '/stream', {}, 400, /title/],
      ['POST', '/stream', { title: '' }, 400, /title/],
      ['POST', '/stream', { title: 'x'.repeat(201) }, 400, /title/],
      ['GET', '/stream/strm_nosuchstream', undefined, 404, /Stream strm_nosuchstream not found/],
      ['POST', '/stream/strm_nosuchstream/stop', undefined, 404, /not found/],
    ];
    for (const [method, url, body, status, detail] of cases) {
      const res = await h.api(method as 'GET', url, { body });
      expect([url, res.statusCode]).toEqual([url, status]);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().detail).toMatch(detail);
    }
    const anonymous = await h.api('POST', '/stream', { body: { title: 'x' }, user: null });
    expect(anonymous.statusCode).toBe(401);
  });
});
