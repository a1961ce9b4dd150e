// recording-svc against the LiveKit stand-in (real EgressClient), fauxqs S3, dynalite and the in-memory bus:
// both 409s, the status lifecycle from webhooks (one lost, one duplicated), reconciliation with
// ListEgress repairing what was lost, and delete removing the S3 object.
import { CreateBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { deriveId, type Envelope, LiveKitWebhookReceived, makeEnvelope } from '@onair/contracts';
import { type Bus, createDocumentClient, ensureTable, silentLogger } from '@onair/runtime';
import { RoomServiceClient } from 'livekit-server-sdk';
import { type LiveKitStandIn, startLiveKitStandIn } from '../../../devstack/src/livekit';
import { startDynalite, startFauxqsProcess, testBuses, waitFor } from '../../../test/support';
import { buildService } from '../src/app';
import { LiveKitEgressAdapter } from '../src/livekit/egress-adapter';
import { recordingsTable } from '../src/table';
import { S3RecordingObjects } from '../src/storage/s3-adapter';

const API_KEY = 'devkey';
const API_SECRET = 'devsecret-that-is-long-enough-for-hs256';
const BUCKET = 'onair-recordings';
const actor = { userId: 'alice', roles: ['streamer' as const] };

describe('recording-svc: LiveKit egress to S3', () => {
  let buses: Awaited<ReturnType<typeof testBuses>>;
  let dyn: Awaited<ReturnType<typeof startDynalite>>;
  let fauxqs: Awaited<ReturnType<typeof startFauxqsProcess>>;
  let lk: LiveKitStandIn;
  let gw: Bus;
  let s3: S3Client;
  let objects: S3RecordingObjects;
  let svc: ReturnType<typeof buildService>;
  let forwarded = 0;
  const events: Envelope[] = [];

  beforeAll(async () => {
    buses = await testBuses({ transport: 'memory' });
    [dyn, fauxqs] = await Promise.all([startDynalite(), startFauxqsProcess()]);
    s3 = new S3Client({ endpoint: fauxqs.address, region: 'us-east-1', forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    lk = await startLiveKitStandIn({ apiKey: API_KEY, apiSecret: API_SECRET });
    await new RoomServiceClient(lk.url, API_KEY, API_SECRET).createRoom({ name: 'demo' });
    const ddb = createDocumentClient({ region: 'us-east-1', endpoint: dyn.endpoint });
    await ensureTable(ddb, recordingsTable('recs'));
    gw = await buses.make('gateway');
    await gw.subscribe('observer', ['onair.recording.#'], async (m) => {
      events.push(m);
    });
    objects = new S3RecordingObjects({ region: 'us-east-1', forcePathStyle: true, endpoint: fauxqs.address });
    svc = buildService({
      bus: await buses.make('recording-svc'),
      logger: silentLogger,
      instanceId: 'rec-1',
      recordings: {
        ddb,
        table: 'recs',
        egress: new LiveKitEgressAdapter({
          url: lk.url,
          apiKey: API_KEY,
          apiSecret: API_SECRET,
          s3: {
            bucket: BUCKET,
            region: 'us-east-1',
            endpoint: fauxqs.address,
            forcePathStyle: true,
            accessKey: 'test',
            secret: 'test',
          },
        }),
        objects,
        bucket: BUCKET,
        prefix: 'recordings/',
        reconcileMs: 150,
      },
    });
    await svc.start();
  }, 90_000);
  afterAll(async () => {
    await svc?.stop();
    await buses?.cleanup();
    await lk?.close();
    objects?.close();
    s3?.destroy();
    await Promise.all([dyn?.close(), fauxqs?.stop()]);
  }, 90_000);

  const command = (type: string, data: unknown) =>
    gw.request(makeEnvelope({ type, source: 'test', data }), { timeoutMs: 8000 });

  /** Deliver the stand-in's webhooks as the gateway would; `dropped` ones never arrive (as with real LiveKit). */
  const forwardWebhooks = async () => {
    await lk.idle();
    for (const w of lk.webhooks.slice(forwarded)) {
      if (w.status === 'dropped') continue;
      for (let copy = 0; copy < Math.max(1, w.deliveries); copy++) {
        await gw.publish(
          makeEnvelope({
            id: deriveId('livekit-webhook', w.id),
            type: LiveKitWebhookReceived.type,
            source: 'gateway',
            data: {
              webhookId: w.id,
              event: w.event,
              egressInfo: w.payload.egressInfo as Record<string, unknown>,
            },
          }),
        );
      }
    }
    forwarded = lk.webhooks.length;
  };

  it('records a room: 409 on a second start, webhook lifecycle, 409 on stop when not recording', async () => {
    const started = await command('onair.recording.start.v1', {
      recordingId: 'rec-1',
      actor,
      roomName: 'demo',
    });
    expect(started.data).toMatchObject({
      recordingId: 'rec-1',
      source: 'livekit',
      roomName: 'demo',
      s3Bucket: BUCKET,
      ownerId: 'alice',
    });
    const rec = started.data as { fileName: string; s3Key: string; egressId: string };
    expect(rec.fileName).toMatch(/^demo-\d+\.mp4$/);
    expect(rec.s3Key).toBe(`recordings/${rec.fileName}`);
    expect(rec.egressId).toMatch(/^EG_/);

    await expect(
      command('onair.recording.start.v1', { recordingId: 'rec-2', actor, roomName: 'demo' }),
    ).rejects.toMatchObject({
      status: 409,
      message: 'Room demo is already being recorded',
    });
    await lk.idle();
    lk.injectFault({ type: 'webhook_duplicate', event: 'egress_ended' });
    await forwardWebhooks();
    await waitFor(async () => (await svc.recordings!.store.get('rec-1'))?.status === 'recording', {
      what: 'recording',
    });

    const stopped = await command('onair.recording.stop.v1', { actor, roomName: 'demo' });
    expect(['stopping', 'ready']).toContain((stopped.data as { status: string }).status);
    await forwardWebhooks();
    const ready = await waitFor(
      async () => {
        const r = await svc.recordings!.store.get('rec-1');
        return r?.status === 'ready' ? r : undefined;
      },
      { what: 'ready' },
    );
    expect(ready.size).toBeGreaterThan(0);
    expect(ready.durationMs).toBe(3000);
    expect(ready.endedAt).toBeDefined();
    expect(ready.roomSid).toMatch(/^RM_/);
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: ready.s3Key }));
    expect(head.ContentLength).toBe(ready.size);
    // One `ready` event although egress_ended arrived twice.
    await waitFor(() => events.some((e) => (e.data as { status: string }).status === 'ready'));
    await forwardWebhooks();
    expect(
      events.filter((e) => e.subject === 'rec-1' && (e.data as { status: string }).status === 'ready'),
    ).toHaveLength(1);

    await expect(command('onair.recording.stop.v1', { actor, roomName: 'demo' })).rejects.toMatchObject({
      status: 409,
      message: 'Room demo is not being recorded',
    });
  });

  it('repairs lost webhooks with ListEgress, then deletes object and metadata (409 while recording)', async () => {
    lk.injectFault({ type: 'webhook_drop', count: 10 }); // nothing arrives any more
    await command('onair.recording.start.v1', { recordingId: 'rec-3', actor, roomName: 'demo' });
    await expect(command('onair.recording.delete.v1', { recordingId: 'rec-3', actor })).rejects.toMatchObject(
      { status: 409 },
    );
    await command('onair.recording.stop.v1', { actor, roomName: 'demo' });
    await forwardWebhooks();
    const ready = await waitFor(
      async () => {
        const r = await svc.recordings!.store.get('rec-3');
        return r?.status === 'ready' ? r : undefined;
      },
      { what: 'reconciled to ready' },
    );
    expect(ready.size).toBeGreaterThan(0);
    lk.clearFaults();

    await expect(
      command('onair.recording.delete.v1', {
        recordingId: 'rec-3',
        actor: { userId: 'bob', roles: ['viewer'] },
      }),
    ).rejects.toMatchObject({ status: 403 });
    const deleted = await command('onair.recording.delete.v1', { recordingId: 'rec-3', actor });
    expect(deleted).toMatchObject({ type: 'onair.recording.deleted.v1', data: { recordingId: 'rec-3' } });
    await expect(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: ready.s3Key }))).rejects.toMatchObject({
      name: 'NotFound',
    });
    expect(await svc.recordings!.store.get('rec-3')).toBeUndefined();
    await expect(command('onair.recording.delete.v1', { recordingId: 'rec-3', actor })).rejects.toMatchObject(
      { status: 404 },
    );
  });

  it('answers 404 for a room LiveKit does not have, leaving nothing behind', async () => {
    await expect(
      command('onair.recording.start.v1', { recordingId: 'rec-4', actor, roomName: 'nope' }),
    ).rejects.toMatchObject({ status: 404 });
    expect(await svc.recordings!.store.get('rec-4')).toBeUndefined();
    expect(await svc.recordings!.store.lockHolder('nope')).toBeUndefined();
  });
});
