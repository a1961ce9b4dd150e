// recording-svc's handlers with fakes for LiveKit egress, S3 and the bus; dynalite for the table.
import {
  type Actor as ActorSchema,
  type ContractDef,
  type Envelope,
  envelopeOf,
  LiveKitWebhookReceived,
  RecordingDelete,
  RecordingStart,
  RecordingStop,
} from '@onair/contracts';
import type { Static, TSchema } from '@sinclair/typebox';

type Actor = Static<typeof ActorSchema>;
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
import { recordingsTable } from '../src/table';
import { FakeRecordingObjects } from '../src/storage/objects-fake';

const actor = { userId: 'alice', roles: ['streamer' as const] };
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
const cmd = <S extends TSchema>(def: ContractDef<S>, data: Static<S>) =>
  envelopeOf(def, { source: 'test', data });

describe('recording handlers', () => {
  it('start, 409 while recording, stop, delete; a redelivered start answers the same event', async () => {
    const { bus, egress, objects, d } = deps();
    const start = cmd(RecordingStart, { recordingId: 'r1', actor, roomName: 'demo' });
    const started = (await startRecording(d)(start, ctx)) as Envelope;
    expect(started.data).toMatchObject({
      status: 'recording',
      egressId: 'EG_fake1',
      s3Key: expect.stringMatching(/^rec\/demo-\d+\.mp4$/),
    });
    expect(((await startRecording(d)(start, ctx)) as Envelope).id).toBe(started.id);
    await expect(
      startRecording(d)(cmd(RecordingStart, { recordingId: 'r2', actor, roomName: 'demo' }), ctx),
    ).rejects.toMatchObject({ status: 409 });
    await expect(
      deleteRecording(d)(cmd(RecordingDelete, { recordingId: 'r1', actor }), ctx),
    ).rejects.toMatchObject({
      status: 409,
    });

    const stopped = (await stopRecording(d)(
      cmd(RecordingStop, { actor, roomName: 'demo' }),
      ctx,
    )) as Envelope;
    expect(stopped.data).toMatchObject({ status: 'ready', size: 1234 });
    expect(await store.lockHolder('demo')).toBeUndefined();
    await expect(
      stopRecording(d)(cmd(RecordingStop, { actor, roomName: 'demo' }), ctx),
    ).rejects.toMatchObject({
      status: 409,
    });

    const key = (stopped.data as { s3Key: string }).s3Key;
    objects.objects.add(`b/${key}`);
    await deleteRecording(d)(cmd(RecordingDelete, { recordingId: 'r1', actor }), ctx);
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

  it("lets the room's owner stop and delete what someone else recorded there; a stranger gets 403", async () => {
    const { egress, objects, d } = deps();
    egress.rooms.add('alices-room');
    const bob: Actor = { userId: 'bob', roles: ['streamer'] };
    const carol: Actor = { userId: 'carol', roles: ['streamer'] };
    const alice: Actor = { userId: 'alice', roles: ['streamer'] };
    const admin: Actor = { userId: 'root', roles: ['admin'] };
    const start = (recordingId: string, actor: Actor) =>
      startRecording(d)(
        cmd(RecordingStart, {
          recordingId,
          actor,
          roomName: 'alices-room',
          roomOwnerId: 'alice',
        }),
        ctx,
      ) as Promise<Envelope>;
    const stop = (actor: Actor) =>
      stopRecording(d)(cmd(RecordingStop, { actor, roomName: 'alices-room' }), ctx);
    const del = (recordingId: string, actor: Actor) =>
      deleteRecording(d)(cmd(RecordingDelete, { recordingId, actor }), ctx);

    expect((await start('r10', bob)).data).toMatchObject({ ownerId: 'bob', roomOwnerId: 'alice' });
    await expect(stop(carol)).rejects.toMatchObject({
      status: 403,
      message: expect.stringMatching(/room's owner, who started the recording, or an admin/),
    });
    expect(((await stop(alice)) as Envelope).data).toMatchObject({ recordingId: 'r10', status: 'ready' });
    // The room is free again: its owner records it.
    expect((await start('r11', alice)).data).toMatchObject({ ownerId: 'alice', status: 'recording' });
    await stop(admin);

    await expect(del('r10', carol)).rejects.toMatchObject({ status: 403 });
    await del('r10', alice);
    expect(await store.get('r10')).toBeUndefined();
    await expect(del('r11', carol)).rejects.toMatchObject({ status: 403 });
    await del('r11', admin);
    expect(await store.get('r11')).toBeUndefined();
    expect(objects.objects.size).toBe(0);
  });

  it('without a room owner (a LiveKit room onair does not know) only who started it or an admin stops it', async () => {
    const { egress, d } = deps();
    egress.rooms.add('loose');
    await startRecording(d)(
      cmd(RecordingStart, {
        recordingId: 'r12',
        actor: { userId: 'bob', roles: ['streamer'] },
        roomName: 'loose',
      }),
      ctx,
    );
    await expect(
      stopRecording(d)(cmd(RecordingStop, { actor, roomName: 'loose' }), ctx),
    ).rejects.toMatchObject({ status: 403 });
    const stopped = (await stopRecording(d)(
      cmd(RecordingStop, { actor: { userId: 'bob', roles: ['streamer'] }, roomName: 'loose' }),
      ctx,
    )) as Envelope;
    expect(stopped.data).toMatchObject({ status: 'ready' });
    expect(stopped.data).not.toHaveProperty('roomOwnerId');
    // Egress ids repeat across fakes and the table is shared: leave no recording behind.
    await deleteRecording(d)(
      cmd(RecordingDelete, { recordingId: 'r12', actor: { userId: 'root', roles: ['admin'] } }),
      ctx,
    );
  });

  it('leaves nothing behind when LiveKit refuses the egress', async () => {
    const { d } = deps();
    await expect(
      startRecording(d)(cmd(RecordingStart, { recordingId: 'r3', actor, roomName: 'gone' }), ctx),
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
      cmd(LiveKitWebhookReceived, {
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
      router.handle(cmd(RecordingStart, { recordingId: 'x', actor, roomName: 'demo' }), ctx),
    ).rejects.toMatchObject({
      status: 501,
      message: expect.stringMatching(/LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET/),
    });
    await expect(
      router.handle(cmd(RecordingDelete, { recordingId: 'missing', actor }), ctx),
    ).rejects.toMatchObject({ status: 404 });
    expect(await mod.reconcile()).toBe(0);
  });
});
