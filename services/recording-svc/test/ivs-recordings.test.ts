// IVS auto-recordings: `IVS Recording State Change` events read from an SQS queue (fauxqs, real
// SQS client) become `ivs` recordings in the same table, tolerate copies and disorder, are left
// alone by the egress reconciliation, and delete removes every object under their prefix.
import { ListObjectsV2Command, PutObjectCommand, CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type Envelope, envelopeOf, RecordingDelete } from '@onair/contracts';
import { createDocumentClient, ensureTable, silentLogger } from '@onair/runtime';
import { recordingBus, startDynalite, startFauxqsProcess, waitFor } from '../../../test/support';
import { ivsRecordingId } from '../src/ivs/recording-events';
import { FakeLiveKitEgress } from '../src/livekit/egress-fake';
import { recordingsModule } from '../src/recordings';
import { deleteRecording } from '../src/recordings/handlers';
import { recordingsTable } from '../src/table';
import { S3RecordingObjects } from '../src/storage/s3-adapter';

const BUCKET = 'ivs-recordings';
const PREFIX = 'ivs/v1/123456789012/AbCdEf/2026/11/22/10/5/sess1';
let dyn: Awaited<ReturnType<typeof startDynalite>>;
let fauxqs: Awaited<ReturnType<typeof startFauxqsProcess>>;
let sqs: SQSClient;
let s3: S3Client;
let objects: S3RecordingObjects;
let queueUrl: string;
let mod: ReturnType<typeof recordingsModule>;
const bus = recordingBus();

const event = (id: string, status: string, extra: object = {}) =>
  JSON.stringify({
    version: '0',
    id,
    'detail-type': 'IVS Recording State Change',
    source: 'aws.ivs',
    account: '123456789012',
    time: '2026-11-22T10:05:00Z',
    region: 'us-east-1',
    resources: ['arn:aws:ivs:us-east-1:123456789012:channel/AbCdEf'],
    detail: {
      channel_name: 'st_42',
      stream_id: 'st-1ABCDEFGHIJKLMNOPQRSTUVWX',
      recording_status: status,
      recording_status_reason: '',
      recording_s3_bucket_name: BUCKET,
      recording_s3_key_prefix: PREFIX,
      recording_duration_ms: 0,
      recording_session_id: 'sess1',
      ...extra,
    },
  });

beforeAll(async () => {
  [dyn, fauxqs] = await Promise.all([startDynalite(), startFauxqsProcess()]);
  const ddb = createDocumentClient({ region: 'us-east-1', endpoint: dyn.endpoint });
  await ensureTable(ddb, recordingsTable('recs'));
  sqs = new SQSClient({ region: 'us-east-1', endpoint: fauxqs.address, useQueueUrlAsEndpoint: false });
  s3 = new S3Client({ region: 'us-east-1', endpoint: fauxqs.address, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'ivs-recording-events' }))).QueueUrl!;
  objects = new S3RecordingObjects({ region: 'us-east-1', forcePathStyle: true, endpoint: fauxqs.address });
  mod = recordingsModule({
    bus,
    logger: silentLogger,
    ddb,
    table: 'recs',
    egress: new FakeLiveKitEgress(),
    objects,
    bucket: 'unused',
    prefix: 'recordings/',
    reconcileMs: 50,
    ivsEvents: { sqs, queueUrl, waitSeconds: 1 },
  });
  await mod.start();
}, 90_000);
afterAll(async () => {
  await mod?.stop();
  objects?.close();
  sqs?.destroy();
  s3?.destroy();
  await Promise.all([dyn?.close(), fauxqs?.stop()]);
}, 90_000);

const send = (body: string) => sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));

describe('IVS auto-recordings', () => {
  const id = ivsRecordingId('sess1');

  it('records Start then End (End delivered twice, a late Start after it), with the S3 prefix', async () => {
    await send(event('e1', 'Recording Start'));
    const started = await waitFor(async () => mod.store.get(id));
    expect(started).toMatchObject({
      recordingId: 'ivs_sess1',
      source: 'ivs',
      streamId: 'st_42',
      status: 'recording',
      s3Bucket: BUCKET,
      s3Prefix: PREFIX,
      s3Key: `${PREFIX}/media/hls/master.m3u8`,
      startedAt: '2026-11-22T10:05:00.000Z',
    });
    // The egress reconciliation (ListEgress knows nothing of IVS) leaves it alone, old as it is.
    expect(await mod.reconcile()).toBe(0);
    expect((await mod.store.get(id))?.status).toBe('recording');
    await send(event('e2', 'Recording End', { recording_duration_ms: 61000 }));
    await send(event('e2', 'Recording End', { recording_duration_ms: 61000 }));
    await send(event('e1', 'Recording Start'));
    await waitFor(async () => (await mod.store.get(id))?.status === 'ready', { what: 'ready' });
    expect(await mod.store.get(id)).toMatchObject({ status: 'ready', durationMs: 61000 });
    const updates = bus.published.filter((e: Envelope) => e.subject === id);
    expect(new Set(updates.map((e) => e.id)).size).toBe(2); // start and end; copies have the same id
  });

  it('records a failure with its reason; ignores other events', async () => {
    await send(
      event('e3', 'Recording Start Failure', {
        recording_session_id: 'sess2',
        recording_status_reason: 'ValidationException',
        recording_s3_key_prefix: '',
      }),
    );
    await send(
      JSON.stringify({
        source: 'aws.ivs',
        'detail-type': 'IVS Stream State Change',
        id: 'x',
        time: '2026-11-22T10:05:00Z',
        detail: {},
      }),
    );
    await send('not json');
    const failed = await waitFor(async () => mod.store.get(ivsRecordingId('sess2')));
    expect(failed).toMatchObject({ status: 'failed', error: 'ValidationException' });
  });

  it('deletes every object under the prefix (and nothing next to it)', async () => {
    for (const key of [
      `${PREFIX}/media/hls/master.m3u8`,
      `${PREFIX}/media/hls/720p/0.ts`,
      `${PREFIX}/events/recording-ended.json`,
      `${PREFIX}x/other.ts`,
    ])
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: 'x' }));
    const d = {
      bus,
      store: mod.store,
      egress: new FakeLiveKitEgress(),
      objects,
      logger: silentLogger,
      bucket: '',
      prefix: '',
    };
    await deleteRecording(d)(
      envelopeOf(RecordingDelete, {
        source: 't',
        data: { recordingId: id, actor: { userId: 'root', roles: ['admin'] } },
      }),
      {
        attempt: 1,
        log: silentLogger,
      },
    );
    const left = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect((left.Contents ?? []).map((o) => o.Key)).toEqual([`${PREFIX}x/other.ts`]);
    expect(await mod.store.get(id)).toBeUndefined();
  });
});
