// recording-svc's handlers with fakes for LiveKit egress, S3 and the bus; dynalite for the table.
import { type Envelope, makeEnvelope } from '@onair/contracts';
import { createDocumentClient, ensureTable, MessageRouter, silentLogger } from '@onair/runtime';
import { recordingBus, startDynalite } from '../../../test/support';
import { FakeLiveKitEgress } from '../src/livekit/egress-fake';
import { recordingsModule } from '../src/recordings';
import {
  deleteRecording,
  onEgressWebhook,
  reconcile,
  startRecording,
  stopRecording,
} from '../src/recordings/handlers';
import { RecordingStore } from '../src/recordings/store';
import { recordingsTable } from '../src/recordings/table';
import { FakeRecordingObjects } from '../src/storage/objects-fake';

const actor = { userId: 'alice', roles: ['streamer'] };
const ctx = { attempt: 1, log: silentLogger };
let dyn: Awaited<ReturnType<typeof startDynalite>>;
let store: RecordingStore;

beforeAll(async () => {
  dyn = await startDynalite();
  const ddb = createDocumentClient({ region: 'us-east-1', endpoint: dyn.endpoint });
  await ensureTable(ddb, recordingsTable('recs'));
  store = new RecordingStore(ddb, 'recs');
});
afterAll(() => dyn.close());

function deps() {
  const bus = recordingBus();
  const egress = new FakeLiveKitEgress();
  const objects = new FakeRecordingObjects();
  return {
    bus,
    egress,
    objects,
    d: { bus, egress, objects, store, logger: silentLogger, bucket: 'b', prefix: 'rec/' },
  };
}
const cmd = (type: string, data: object) => makeEnvelope({ type, source: 'test', data });

describe('recording handlers', () => {
  it('start, 409 while recording, stop, delete; a redelivered start answers the same event', async () => {
    const { bus, egress, objects, d } = deps();
    const start = cmd('onair.recording.start.v1', { recordingId: 'r1', actor, roomName: 'demo' });
    const started = (await startRecording(d)(start, ctx)) as Envelope;
    expect(started.data).toMatchObject({
      status: 'recording',
      egressId: 'EG_fake1',
      s3Key: expect.stringMatching(/^rec\/demo-\d+\.mp4$/),
    });
    expect(((await startRecording(d)(start, ctx)) as Envelope).id).toBe(started.id);
    await expect(
      startRecording(d)(cmd('onair.recording.start.v1', { recordingId: 'r2', actor, roomName: 'demo' }), ctx),
    ).rejects.toMatchObject({ status: 409 });
    await expect(
      deleteRecording(d)(cmd('onair.recording.delete.v1', { recordingId: 'r1', actor }), ctx),
    ).rejects.toMatchObject({
      status: 409,
    });

    const stopped = (await stopRecording(d)(
      cmd('onair.recording.stop.v1', { actor, roomName: 'demo' }),
      ctx,
    )) as Envelope;
    expect(stopped.data).toMatchObject({ status: 'ready', size: 1234 });
    expect(await store.lockHolder('demo')).toBeUndefined();
    await expect(
      stopRecording(d)(cmd('onair.recording.stop.v1', { actor, roomName: 'demo' }), ctx),
    ).rejects.toMatchObject({
      status: 409,
    });

    const key = (stopped.data as { s3Key: string }).s3Key;
    objects.objects.add(`b/${key}`);
    await deleteRecording(d)(cmd('onair.recording.delete.v1', { recordingId: 'r1', actor }), ctx);
    expect(objects.objects.size).toBe(0);
    expect(await store.get('r1')).toBeUndefined();
    expect(bus.published.map((e) => e.type)).toEqual([
      'onair.recording.updated.v1',
      'onair.recording.updated.v1',
      'onair.recording.updated.v1',
      'onair.recording.deleted.v1',
    ]);
    expect(egress.egresses.size).toBe(1);
  });

  it('leaves nothing behind when LiveKit refuses the egress', async () => {
    const { d } = deps();
    await expect(
      startRecording(d)(cmd('onair.recording.start.v1', { recordingId: 'r3', actor, roomName: 'gone' }), ctx),
    ).rejects.toMatchObject({ status: 404 });
    expect(await store.get('r3')).toBeUndefined();
    expect(await store.lockHolder('gone')).toBeUndefined();
  });

  it('matches an early webhook through the room lock, and reconciliation finishes a lost end', async () => {
    const { bus, egress, d } = deps();
    egress.rooms.add('early');
    // A recording whose start has not stored the egress id yet (the webhook won the race).
    await store.lock('early', 'r4');
    const now = new Date().toISOString();
    await store.put(
      {
        recordingId: 'r4',
        source: 'livekit',
        roomName: 'early',
        fileName: 'f.mp4',
        s3Bucket: 'b',
        s3Key: 'rec/f.mp4',
        status: 'starting',
        createdAt: now,
        updatedAt: now,
      },
      null,
    );
    const snap = await egress.startRoomRecording({ roomName: 'early', s3Key: 'rec/f.mp4' });
    await onEgressWebhook(d)(
      cmd('onair.livekit.webhook-received.v1', {
        webhookId: 'EV_1',
        event: 'egress_updated',
        egressInfo: { egressId: snap.egressId, roomName: 'early', status: 'EGRESS_ACTIVE' },
      }),
      ctx,
    );
    expect(await store.get('r4')).toMatchObject({ status: 'recording', egressId: snap.egressId });
    await egress.stop(snap.egressId); // ...and its egress_ended webhook is lost
    expect(await reconcile(d)).toBe(1);
    expect(await store.get('r4')).toMatchObject({ status: 'ready', size: 1234 });
    expect(await reconcile(d)).toBe(0);
    expect(bus.published.at(-1)?.data).toMatchObject({ recordingId: 'r4', status: 'ready' });
  });
});

describe('without LiveKit settings', () => {
  it('start and stop answer 501 naming the settings; delete still works', async () => {
    const ddb = createDocumentClient({ region: 'us-east-1', endpoint: dyn.endpoint });
    const mod = recordingsModule({
      bus: recordingBus(),
      logger: silentLogger,
      ddb,
      table: 'recs',
      objects: new FakeRecordingObjects(),
      bucket: 'b',
      prefix: 'p/',
      reconcileMs: 1000,
    });
    const router = new MessageRouter('recording-svc');
    mod.register(router);
    await expect(
      router.handle(cmd('onair.recording.start.v1', { recordingId: 'x', actor, roomName: 'demo' }), ctx),
    ).rejects.toMatchObject({
      status: 501,
      message: expect.stringMatching(/LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET/),
    });
    await expect(
      router.handle(cmd('onair.recording.delete.v1', { recordingId: 'missing', actor }), ctx),
    ).rejects.toMatchObject({ status: 404 });
    expect(await mod.reconcile()).toBe(0);
  });
});
