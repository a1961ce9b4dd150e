// Broadcast dev control -> EventBridge events (docs/protocols/ivs.md#eventbridge-events), the /_dev routes, and fault injection.
import {
  CreateChannelCommand,
  GetChannelCommand,
  type IvsClient,
  StopStreamCommand,
} from '@aws-sdk/client-ivs';
import { CreateRoomCommand, GetRoomCommand } from '@aws-sdk/client-ivschat';
import { type IvsEventBridgeEvent, type IvsStandIn, startIvsStandIn } from '../src/ivs';
import { chatClient, errorOf, ivsClient } from './ivs-helpers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const EVENT_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function expectEnvelope(event: IvsEventBridgeEvent, detailType: string, channelArn: string) {
  expect(Object.keys(event).sort()).toEqual(
    ['account', 'detail', 'detail-type', 'id', 'region', 'resources', 'source', 'time', 'version'].sort(),
  );
  expect(event).toMatchObject({
    version: '0',
    'detail-type': detailType,
    source: 'aws.ivs',
    account: '111122223333',
    region: 'ap-south-1',
    resources: [channelArn],
  });
  expect(event.id).toMatch(UUID);
  expect(event.time).toMatch(EVENT_TIME);
}

describe('IVS stand-in: broadcasts, events and faults', () => {
  let standIn: IvsStandIn;
  let ivs: IvsClient;
  const published: IvsEventBridgeEvent[] = [];

  beforeEach(async () => {
    published.length = 0;
    standIn = await startIvsStandIn({
      region: 'ap-south-1',
      accountId: '111122223333',
      publishEvent: async (e) => {
        published.push(e);
      },
      recordingBucketFor: (arn) => `bucket-for-${arn.split('/')[1]}`,
    });
    ivs = ivsClient(standIn, 1);
  });
  afterEach(async () => {
    ivs.destroy();
    await standIn.close();
  });

  async function channel(extra: Record<string, unknown> = {}) {
    const { channel } = await ivs.send(new CreateChannelCommand({ name: 'my-show', ...extra }));
    return channel!;
  }

  test('start, health, end: Stream State / Health Change events in the exact envelope', async () => {
    const { arn } = await channel();
    const { streamId } = await standIn.startBroadcast(arn!);
    await standIn.setStreamHealth(arn!, 'STARVING');
    await standIn.setStreamHealth(arn!, 'HEALTHY');
    await standIn.endBroadcast(arn!);

    expect(published).toHaveLength(4);
    expect(standIn.events).toEqual(published);
    const [start, starve, recover, end] = published;
    expectEnvelope(start, 'IVS Stream State Change', arn!);
    expect(start.detail).toEqual({
      event_name: 'Stream Start',
      channel_name: 'my-show',
      stream_id: streamId,
    });
    expectEnvelope(starve, 'IVS Stream Health Change', arn!);
    expect(starve.detail).toEqual({
      event_name: 'Starvation Start',
      channel_name: 'my-show',
      stream_id: streamId,
    });
    expect(recover.detail).toEqual({
      event_name: 'Starvation End',
      channel_name: 'my-show',
      stream_id: streamId,
    });
    expectEnvelope(end, 'IVS Stream State Change', arn!);
    expect(end.detail).toEqual({ event_name: 'Stream End', channel_name: 'my-show', stream_id: streamId });
    expect(new Set(published.map((e) => e.id)).size).toBe(4);
  });

  test('a recording channel also emits Recording Start / End with bucket and key prefix', async () => {
    const recordingArn = 'arn:aws:ivs:ap-south-1:111122223333:recording-configuration/AbCdEf123456';
    const { arn } = await channel({ recordingConfigurationArn: recordingArn });
    const channelId = arn!.split('/')[1];
    const { streamId } = await standIn.startBroadcast(arn!);
    await standIn.endBroadcast(arn!);

    expect(
      published.map((e) => [e['detail-type'], e.detail.event_name ?? e.detail.recording_status]),
    ).toEqual([
      ['IVS Stream State Change', 'Stream Start'],
      ['IVS Recording State Change', 'Recording Start'],
      ['IVS Stream State Change', 'Stream End'],
      ['IVS Recording State Change', 'Recording End'],
    ]);
    const recStart = published[1];
    const recEnd = published[3];
    expectEnvelope(recStart, 'IVS Recording State Change', arn!);
    expect(recStart.detail).toEqual({
      channel_name: 'my-show',
      stream_id: streamId,
      recording_status: 'Recording Start',
      recording_status_reason: '',
      recording_s3_bucket_name: 'bucket-for-AbCdEf123456',
      recording_s3_key_prefix: expect.stringMatching(
        new RegExp(
          `^ivs/v1/111122223333/${channelId}/\\d{4}/\\d{1,2}/\\d{1,2}/\\d{1,2}/\\d{1,2}/[a-zA-Z0-9]{12}$`,
        ),
      ),
      recording_duration_ms: 0,
      recording_session_id: expect.stringMatching(/^[a-zA-Z0-9]{16}$/),
    });
    expect(recStart.detail).not.toHaveProperty('event_name');
    expect(recEnd.detail).toMatchObject({
      recording_status: 'Recording End',
      recording_s3_bucket_name: 'bucket-for-AbCdEf123456',
      recording_s3_key_prefix: recStart.detail.recording_s3_key_prefix,
      recording_session_id: recStart.detail.recording_session_id,
      recording_session_stream_ids: [streamId],
    });
    expect(typeof recEnd.detail.recording_duration_ms).toBe('number');
  });

  test('failBroadcast emits Stream Failure with a reason and takes the channel offline', async () => {
    const { arn } = await channel();
    const { streamId } = await standIn.startBroadcast(arn!);
    await standIn.failBroadcast(arn!, 'Bitrate exceeded');
    expect(published[1].detail).toEqual({
      event_name: 'Stream Failure',
      channel_name: 'my-show',
      stream_id: streamId,
      reason: 'Bitrate exceeded',
    });
    await expect(standIn.endBroadcast(arn!)).rejects.toMatchObject({ name: 'ChannelNotBroadcasting' });
  });

  test('without publishEvent the events are kept in memory and can be cleared', async () => {
    const quiet = await startIvsStandIn();
    const client = ivsClient(quiet);
    try {
      const { channel: c } = await client.send(new CreateChannelCommand({}));
      await quiet.startBroadcast(c!.arn!);
      expect(quiet.events.map((e) => e.detail.event_name)).toEqual(['Stream Start']);
      expect(quiet.events[0].detail.channel_name).toBe('');
      quiet.clearEvents();
      expect(quiet.events).toEqual([]);
    } finally {
      client.destroy();
      await quiet.close();
    }
  });

  test('the /_dev HTTP routes mirror the methods', async () => {
    const { arn } = await channel();
    const post = (path: string, body: unknown) =>
      fetch(`${standIn.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const started = await post('/_dev/broadcasts/start', { channelArn: arn });
    expect(started.status).toBe(200);
    const { streamId } = (await started.json()) as { streamId: string };
    expect(streamId).toMatch(/^st-[a-zA-Z0-9]{23}$/);
    expect((await post('/_dev/broadcasts/start', { channelArn: arn })).status).toBe(409);
    expect((await post('/_dev/broadcasts/health', { channelArn: arn, health: 'STARVING' })).status).toBe(200);
    expect((await post('/_dev/broadcasts/viewers', { channelArn: arn, viewerCount: 3 })).status).toBe(200);
    expect((await post('/_dev/broadcasts/end', { channelArn: arn })).status).toBe(200);
    expect((await post('/_dev/broadcasts/fail', { channelArn: arn, reason: 'x' })).status).toBe(200);
    expect((await post('/_dev/broadcasts/end', { channelArn: arn })).status).toBe(404);
    expect((await post('/_dev/broadcasts/end', { channelArn: 'nope' })).status).toBe(400);

    const events = (await (await fetch(`${standIn.url}/_dev/events`)).json()) as {
      events: IvsEventBridgeEvent[];
    };
    expect(events.events.map((e) => e.detail.event_name)).toEqual([
      'Stream Start',
      'Starvation Start',
      'Stream End',
      'Stream Failure',
    ]);
    expect((await fetch(`${standIn.url}/_dev/events`, { method: 'DELETE' })).status).toBe(200);
    expect(standIn.events).toEqual([]);

    const fault = await post('/_dev/faults', {
      operation: 'GetChannel',
      error: 'ThrottlingException',
      times: 1,
    });
    const { id } = (await fault.json()) as { id: string };
    expect(id).toBeTruthy();
    const listed = (await (await fetch(`${standIn.url}/_dev/faults`)).json()) as { faults: { id: string }[] };
    expect(listed.faults.map((f) => f.id)).toEqual([id]);
    expect((await errorOf(() => ivs.send(new GetChannelCommand({ arn })))).name).toBe('ThrottlingException');
    await ivs.send(new GetChannelCommand({ arn }));
    await post('/_dev/faults', { operation: '*', error: 'InternalServerException' });
    expect((await fetch(`${standIn.url}/_dev/faults`, { method: 'DELETE' })).status).toBe(200);
    await ivs.send(new GetChannelCommand({ arn }));
  });

  test('faults: throttling 429 once, then success', async () => {
    const { arn } = await channel();
    standIn.injectFault({ operation: 'GetChannel', error: 'ThrottlingException', times: 1 });
    const err = await errorOf(() => ivs.send(new GetChannelCommand({ arn })));
    expect(err.name).toBe('ThrottlingException');
    expect(err.$metadata.httpStatusCode).toBe(429);
    expect((await ivs.send(new GetChannelCommand({ arn }))).channel!.arn).toBe(arn);
  });

  test('faults: 500 InternalServerException N times is retried by a default SDK client', async () => {
    const { arn } = await channel();
    standIn.injectFault({ operation: 'GetChannel', error: 'InternalServerException', times: 2 });
    const err = await errorOf(() => ivs.send(new GetChannelCommand({ arn })));
    expect(err.name).toBe('InternalServerException');
    expect(err.$metadata.httpStatusCode).toBe(500);
    expect(err.$fault).toBe('server');
    expect(standIn.listFaults()).toMatchObject([{ operation: 'GetChannel', applied: 1, times: 2 }]);
    // A retrying client rides out the second failure.
    const retrying = ivsClient(standIn);
    try {
      const out = await retrying.send(new GetChannelCommand({ arn }));
      expect(out.$metadata.attempts).toBe(2);
    } finally {
      retrying.destroy();
    }
    expect(standIn.listFaults()).toEqual([]);
  });

  test('faults: added latency, until cleared, and IVS Chat operations', async () => {
    const chat = chatClient(standIn, 1);
    try {
      const room = await chat.send(new CreateRoomCommand({}));
      const id = standIn.injectFault({ operation: 'GetRoom', latencyMs: 150 });
      const started = Date.now();
      await chat.send(new GetRoomCommand({ identifier: room.arn }));
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      standIn.clearFaults(id);

      standIn.injectFault({ operation: 'GetRoom', error: 'ThrottlingException' });
      for (let i = 0; i < 3; i++) {
        const err = await errorOf(() => chat.send(new GetRoomCommand({ identifier: room.arn })));
        expect(err.name).toBe('ThrottlingException');
        expect(err.$metadata.httpStatusCode).toBe(429);
        expect(err.message).toBe('Injected ThrottlingException');
      }
      standIn.clearFaults();
      await chat.send(new GetRoomCommand({ identifier: room.arn }));
    } finally {
      chat.destroy();
    }
  });

  test('StopStream still answers when the event publisher fails (delivery is best effort)', async () => {
    const failing = await startIvsStandIn({
      publishEvent: async () => {
        throw new Error('bus down');
      },
    });
    const client = ivsClient(failing);
    const errorSpy = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const { channel: c } = await client.send(new CreateChannelCommand({}));
      await expect(failing.startBroadcast(c!.arn!)).rejects.toThrow('bus down');
      await client.send(new StopStreamCommand({ channelArn: c!.arn }));
      expect(failing.events.map((e) => e.detail.event_name)).toEqual(['Stream Start', 'Stream End']);
    } finally {
      errorSpy.mockRestore();
      client.destroy();
      await failing.close();
    }
  });
});
