// The real EgressClient against the stand-in, recording into fauxqs S3: status flow, webhooks,
// the uploaded bytes, ListEgress filters, errors and the egress faults.
import { readFileSync } from 'node:fs';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  AccessToken,
  EgressClient,
  EgressInfo,
  EgressStatus,
  EncodedFileOutput,
  EncodedFileType,
  RoomServiceClient,
  S3Upload,
  type TwirpError,
  WebhookReceiver,
} from 'livekit-server-sdk';
import { FIXTURE_PATH, type LiveKitStandIn, startLiveKitStandIn } from '../src/livekit';
import { expandFilepath } from '../src/livekit/egress';
import {
  API_KEY,
  API_SECRET,
  type FauxqsProcess,
  type Receiver,
  post,
  startFauxqsProcess,
  startReceiver,
  waitFor,
} from './livekit-helpers';

const BUCKET = 'recordings';
const fixture = readFileSync(FIXTURE_PATH);
let fauxqs: FauxqsProcess;
let s3: S3Client;
let lk: LiveKitStandIn;
let receiver: Receiver;
let egress: EgressClient;
let rooms: RoomServiceClient;

beforeAll(async () => {
  fauxqs = await startFauxqsProcess();
  s3 = new S3Client({
    endpoint: fauxqs.address,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});
afterAll(async () => {
  s3.destroy();
  await fauxqs.stop();
});

beforeEach(async () => {
  receiver = await startReceiver();
  lk = await startLiveKitStandIn({ apiKey: API_KEY, apiSecret: API_SECRET, webhookUrl: receiver.url });
  egress = new EgressClient(lk.url, API_KEY, API_SECRET);
  rooms = new RoomServiceClient(lk.url, API_KEY, API_SECRET);
  await rooms.createRoom({ name: 'demo' });
});
afterEach(async () => {
  await lk.close();
  await receiver.close();
});

function fileOutput(filepath: string, bucket = BUCKET) {
  return new EncodedFileOutput({
    fileType: EncodedFileType.MP4,
    filepath,
    output: {
      case: 's3',
      value: new S3Upload({
        accessKey: 'AKIA_TEST',
        secret: 'S3SECRET',
        region: 'us-east-1',
        endpoint: fauxqs.address,
        bucket,
        forcePathStyle: true,
      }),
    },
  });
}

async function caught(p: Promise<unknown>): Promise<TwirpError> {
  try {
    await p;
  } catch (err) {
    return err as TwirpError;
  }
  throw new Error('expected a rejection');
}

/** The webhook events the receiver got for one egress, verified with the real WebhookReceiver. */
async function egressEvents(egressId: string) {
  const verifier = new WebhookReceiver(API_KEY, API_SECRET);
  const events = await Promise.all(receiver.received.map((r) => verifier.receive(r.body, r.authorization)));
  return events.filter((e) => e.egressInfo?.egressId === egressId);
}

const endedFor = (egressId: string) => () =>
  receiver.received.some((r) => {
    const b = JSON.parse(r.body);
    return b.event === 'egress_ended' && b.egressInfo.egressId === egressId;
  });

describe('room composite egress to S3', () => {
  it('records STARTING -> ACTIVE -> ENDING -> COMPLETE and uploads the MP4', async () => {
    const started = await egress.startRoomCompositeEgress(
      'demo',
      { file: fileOutput('recordings/{room_name}-take1') },
      { layout: 'grid' },
    );
    expect(started.egressId).toMatch(/^EG_/);
    expect(started).toMatchObject({ roomName: 'demo', status: EgressStatus.EGRESS_STARTING });
    // The echoed request has its S3 credentials redacted, as egress does.
    expect(started.request.case).toBe('roomComposite');
    const s3Echo =
      started.request.case === 'roomComposite' ? started.request.value.fileOutputs[0].output.value : {};
    expect(s3Echo).toMatchObject({ accessKey: '{access_key}', secret: '{secret}', bucket: BUCKET });

    await waitFor(() => lk.webhooks.some((w) => w.event === 'egress_updated'), 5_000, 'ACTIVE');
    const [active] = await egress.listEgress({ roomName: 'demo', active: true });
    expect(active).toMatchObject({ egressId: started.egressId, status: EgressStatus.EGRESS_ACTIVE });
    expect(active.startedAt).toBeGreaterThan(0n);
    expect((await rooms.listRooms(['demo']))[0].activeRecording).toBe(true);

    const stopped = await egress.stopEgress(started.egressId);
    expect(stopped.status).toBe(EgressStatus.EGRESS_ENDING);

    await waitFor(endedFor(started.egressId), 10_000, 'egress_ended');
    const events = await egressEvents(started.egressId);
    expect(events.map((e) => [e.event, EgressStatus[e.egressInfo!.status]])).toEqual([
      ['egress_started', 'EGRESS_STARTING'],
      ['egress_updated', 'EGRESS_ACTIVE'],
      ['egress_updated', 'EGRESS_ENDING'],
      ['egress_ended', 'EGRESS_COMPLETE'],
    ]);
    // egress webhooks carry egressInfo only.
    expect(events.every((e) => e.room === undefined)).toBe(true);

    const [done] = await egress.listEgress({ egressId: started.egressId });
    expect(done.status).toBe(EgressStatus.EGRESS_COMPLETE);
    expect(done.endedAt).toBeGreaterThanOrEqual(done.startedAt);
    expect(done.fileResults).toHaveLength(1);
    const file = done.fileResults[0];
    expect(file).toMatchObject({
      filename: 'recordings/demo-take1.mp4',
      location: `${fauxqs.address}/${BUCKET}/recordings/demo-take1.mp4`,
      size: BigInt(fixture.length),
      duration: 3_000_000_000n,
      startedAt: done.startedAt,
    });
    expect(file.endedAt).toBeGreaterThan(0n);
    expect((await rooms.listRooms(['demo']))[0].activeRecording).toBe(false);

    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'recordings/demo-take1.mp4' }));
    expect(object.ContentType).toBe('video/mp4');
    expect(Buffer.from(await object.Body!.transformToByteArray()).equals(fixture)).toBe(true);
  });

  it('answers ListEgress as snake_case JSON with int64 strings and filters by room, id and active', async () => {
    const a = await egress.startRoomCompositeEgress('demo', { file: fileOutput('a.mp4') });
    await rooms.createRoom({ name: 'other' });
    const b = await egress.startRoomCompositeEgress('other', { file: fileOutput('b.mp4') });
    await waitFor(
      () => lk.webhooks.filter((w) => w.event === 'egress_updated').length === 2,
      5_000,
      'both active',
    );
    await egress.stopEgress(a.egressId);
    await waitFor(endedFor(a.egressId), 10_000, 'a ended');

    const ids = (list: { egressId: string }[]) => list.map((i) => i.egressId).sort();
    expect(ids(await egress.listEgress())).toEqual(ids([a, b]));
    expect(ids(await egress.listEgress({ roomName: 'other' }))).toEqual([b.egressId]);
    expect(ids(await egress.listEgress({ egressId: a.egressId }))).toEqual([a.egressId]);
    expect(ids(await egress.listEgress({ active: true }))).toEqual([b.egressId]);
    expect(await egress.listEgress({ roomName: 'demo', active: true })).toEqual([]);

    const at = new AccessToken(API_KEY, API_SECRET);
    at.addGrant({ roomRecord: true });
    const raw = await post(
      `${lk.url}/twirp/livekit.Egress/ListEgress`,
      JSON.stringify({ egress_id: a.egressId }),
      {
        Authorization: `Bearer ${await at.toJwt()}`,
      },
    );
    expect(raw.contentType).toBe('application/json');
    const [item] = JSON.parse(raw.text).items;
    expect(item).toMatchObject({
      egress_id: a.egressId,
      room_name: 'demo',
      status: 'EGRESS_COMPLETE',
      error: '',
    });
    expect(item.started_at).toMatch(/^\d{19}$/);
    expect(item.file_results[0]).toMatchObject({ size: String(fixture.length), duration: '3000000000' });
  });

  it('accepts a bare EncodedFileOutput (legacy `file` plus `fileOutputs`) and fills the legacy result', async () => {
    const started = await egress.startRoomCompositeEgress('demo', fileOutput('legacy/'));
    await waitFor(() => lk.webhooks.some((w) => w.event === 'egress_updated'), 5_000, 'ACTIVE');
    await egress.stopEgress(started.egressId);
    await waitFor(endedFor(started.egressId), 10_000, 'egress_ended');
    const [done] = await egress.listEgress({ egressId: started.egressId });
    expect(done.fileResults[0].filename).toMatch(/^legacy\/demo-\d{4}-\d{2}-\d{2}T\d{6}\.mp4$/);
    expect(done.result.case).toBe('file');
    await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: done.fileResults[0].filename }));
  });

  it('completes the recording when its room is deleted', async () => {
    const started = await egress.startRoomCompositeEgress('demo', { file: fileOutput('deleted-room.mp4') });
    await waitFor(() => lk.webhooks.some((w) => w.event === 'egress_updated'), 5_000, 'ACTIVE');
    await rooms.deleteRoom('demo');
    await waitFor(endedFor(started.egressId), 10_000, 'egress_ended');
    expect((await egress.listEgress({ egressId: started.egressId }))[0].status).toBe(
      EgressStatus.EGRESS_COMPLETE,
    );
  });

  it('answers the errors livekit does', async () => {
    expect(
      await caught(egress.startRoomCompositeEgress('nope', { file: fileOutput('x.mp4') })),
    ).toMatchObject({
      status: 404,
      code: 'not_found',
    });
    expect(await caught(egress.stopEgress('EG_unknown'))).toMatchObject({ status: 404, code: 'not_found' });
    const noUpload = new EncodedFileOutput({ fileType: EncodedFileType.MP4, filepath: 'x.mp4' });
    expect(await caught(egress.startRoomCompositeEgress('demo', { file: noUpload }))).toMatchObject({
      status: 400,
      code: 'invalid_argument',
    });

    const started = await egress.startRoomCompositeEgress('demo', { file: fileOutput('twice.mp4') });
    await waitFor(() => lk.webhooks.some((w) => w.event === 'egress_updated'), 5_000, 'ACTIVE');
    await egress.stopEgress(started.egressId);
    await waitFor(endedFor(started.egressId), 10_000, 'egress_ended');
    expect(await caught(egress.stopEgress(started.egressId))).toMatchObject({
      status: 412,
      code: 'failed_precondition',
      message: 'egress with status EGRESS_COMPLETE cannot be stopped',
    });

    const roomOnly = new EgressClient(lk.url, API_KEY, 'wrong-secret-wrong-secret-wrong!');
    expect(await caught(roomOnly.listEgress())).toMatchObject({ status: 401, code: undefined });
    const noGrant = new AccessToken(API_KEY, API_SECRET);
    noGrant.addGrant({ roomAdmin: true, room: 'demo' });
    const raw = await post(`${lk.url}/twirp/livekit.Egress/ListEgress`, '{}', {
      Authorization: `Bearer ${await noGrant.toJwt()}`,
    });
    expect([raw.status, JSON.parse(raw.text)]).toEqual([
      401,
      { code: 'unauthenticated', msg: 'permissions denied' },
    ]);
  });
});

describe('egress faults', () => {
  it('fails the next egress right after it starts', async () => {
    lk.injectFault({ type: 'egress_fail', error: 'chrome crashed' });
    const started = await egress.startRoomCompositeEgress('demo', { file: fileOutput('never.mp4') });
    await waitFor(endedFor(started.egressId), 5_000, 'egress_ended');
    const events = await egressEvents(started.egressId);
    expect(events.map((e) => e.event)).toEqual(['egress_started', 'egress_ended']);
    expect(events[1].egressInfo).toMatchObject({
      status: EgressStatus.EGRESS_FAILED,
      error: 'chrome crashed',
    });
    expect((await egress.listEgress({ egressId: started.egressId }))[0].status).toBe(
      EgressStatus.EGRESS_FAILED,
    );

    // Only the next one: a second egress works.
    const ok = await egress.startRoomCompositeEgress('demo', { file: fileOutput('ok.mp4') });
    await waitFor(
      () => lk.webhooks.some((w) => w.event === 'egress_updated' && w.body.includes(ok.egressId)),
      5_000,
      'ACTIVE',
    );
    expect((await egress.listEgress({ egressId: ok.egressId }))[0].status).toBe(EgressStatus.EGRESS_ACTIVE);
  });

  it('fails the next egress when it is stopped, without writing a file', async () => {
    await post(`${lk.url}/_dev/faults`, JSON.stringify({ type: 'egress_fail', at: 'end' }));
    const started = await egress.startRoomCompositeEgress('demo', { file: fileOutput('lost.mp4') });
    await waitFor(() => lk.webhooks.some((w) => w.event === 'egress_updated'), 5_000, 'ACTIVE');
    await egress.stopEgress(started.egressId);
    await waitFor(endedFor(started.egressId), 5_000, 'egress_ended');
    const [info] = await egress.listEgress({ egressId: started.egressId });
    expect(info).toMatchObject({ status: EgressStatus.EGRESS_FAILED, error: 'injected egress failure' });
    expect(info.fileResults).toEqual([]);
    await expect(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'lost.mp4' }))).rejects.toThrow();
  });

  it('fails when the upload fails (missing bucket)', async () => {
    const started = await egress.startRoomCompositeEgress('demo', {
      file: fileOutput('x.mp4', 'no-such-bucket'),
    });
    await waitFor(() => lk.webhooks.some((w) => w.event === 'egress_updated'), 5_000, 'ACTIVE');
    await egress.stopEgress(started.egressId);
    await waitFor(endedFor(started.egressId), 10_000, 'egress_ended');
    const [info] = await egress.listEgress({ egressId: started.egressId });
    expect(info.status).toBe(EgressStatus.EGRESS_FAILED);
    expect(info.error).toMatch(/^upload failed: /);
  });
});

describe('filepath templates', () => {
  const info = new EgressInfo({ roomName: 'demo', roomId: 'RM_1' });
  const at = new Date(Date.UTC(2026, 7, 9, 14, 5, 6, 7));
  it.each([
    ['rec/{room_name}/{room_id}-{time}.mp4', 'rec/demo/RM_1-2026-08-09T140506.mp4'],
    ['{utc}', '20260809140506007.mp4'],
    ['', 'demo-2026-08-09T140506.mp4'],
    ['dir/', 'dir/demo-2026-08-09T140506.mp4'],
    ['a.b/c.ogg', 'a.b/c.mp4'],
  ])('%s -> %s', (template, expected) => {
    expect(expandFilepath(template, info, undefined, at)).toBe(expected);
  });
});
