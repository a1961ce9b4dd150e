// The whole rooms + recordings stack for gateway integration tests: the gateway listening on a
// real port (the LiveKit stand-in POSTs signed webhooks to it), stream-svc and recording-svc on
// namespaced in-memory buses, dynalite tables, fauxqs S3 and the LiveKit stand-in.
import type { AddressInfo } from 'node:net';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { createDocumentClient, ensureTable, Metrics, silentLogger } from '@onair/runtime';
import type { FastifyInstance } from 'fastify';
import { TokenVerifier } from 'livekit-server-sdk';
import { type LiveKitStandIn, startLiveKitStandIn } from '../../../devstack/src/livekit';
import { startDynalite, startFauxqsProcess, testBuses } from '../../../test/support';
import { buildService as buildRecordingSvc } from '../../recording-svc/src/app';
import { LiveKitEgressAdapter } from '../../recording-svc/src/livekit/egress-adapter';
import { recordingsTable } from '../../recording-svc/src/table';
import { S3RecordingObjects } from '../../recording-svc/src/storage/s3-adapter';
import { buildService as buildStreamSvc } from '../../stream-svc/src/app';
import { LiveKitRoomsAdapter } from '../../stream-svc/src/livekit/rooms-adapter';
import { buildApp } from '../src/app';
import { MediaUrlSigner } from '../src/http/signed-media';
import { createTokenVerifier } from '../src/auth';
import { RecordingsReadModel } from '../src/read-models/recordings';
import { RoomsReadModel } from '../src/read-models/rooms';
import { S3RecordingMedia } from '../src/livekit/recording-media';
import { LiveKitJoinTokens } from '../src/livekit/tokens';
import { LiveKitWebhookVerifier } from '../src/livekit/webhooks';
import { TEST_SECRET, tokenFor } from './helpers';

export const API_KEY = 'devkey';
export const API_SECRET = 'devsecret-that-is-long-enough-for-hs256';
export const BUCKET = 'onair-recordings';
/** Signs the gateway's media URLs (GET /v1/recordings/{id}/media-url). */
export const MEDIA_URL_SECRET = 'media-url-secret-for-tests';
/** Starting the stack takes about a second; a busy machine (shared RabbitMQ, benchmarks) can take far longer. */
export const STACK_START_MS = 90_000;

export interface Stack {
  app: FastifyInstance;
  baseUrl: string;
  lk: LiveKitStandIn;
  s3: S3Client;
  recordingSvc: ReturnType<typeof buildRecordingSvc>;
  /** Verifies a LiveKit join token as a LiveKit server would (the real TokenVerifier). */
  verifyJoinToken(token: string): ReturnType<TokenVerifier['verify']>;
  /** Authorization header for a user with roles. */
  auth(userId: string, roles?: string[]): Promise<{ authorization: string }>;
  stop(): Promise<void>;
}

export async function startStack(o: { reconcileMs?: number } = {}): Promise<Stack> {
  const buses = await testBuses({ transport: 'memory' });
  const [dyn, fauxqs] = await Promise.all([startDynalite(), startFauxqsProcess()]);
  const s3 = new S3Client({ endpoint: fauxqs.address, region: 'us-east-1', forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const ddb = createDocumentClient({ region: 'us-east-1', endpoint: dyn.endpoint });
  await ensureTable(ddb, { name: 'onair-stream-svc' });
  await ensureTable(ddb, recordingsTable('onair-recording-svc'));
  const lk = await startLiveKitStandIn({ apiKey: API_KEY, apiSecret: API_SECRET });
  const lkCreds = { url: lk.url, apiKey: API_KEY, apiSecret: API_SECRET };

  const streamSvc = buildStreamSvc({
    bus: await buses.make('stream-svc'),
    logger: silentLogger,
    instanceId: 'stream-1',
    rooms: { ddb, table: 'onair-stream-svc', livekit: new LiveKitRoomsAdapter(lkCreds) },
  });
  const objects = new S3RecordingObjects({
    region: 'us-east-1',
    forcePathStyle: true,
    endpoint: fauxqs.address,
  });
  const recordingSvc = buildRecordingSvc({
    bus: await buses.make('recording-svc'),
    logger: silentLogger,
    instanceId: 'rec-1',
    recordings: {
      ddb,
      table: 'onair-recording-svc',
      egress: new LiveKitEgressAdapter({
        ...lkCreds,
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
      reconcileMs: o.reconcileMs ?? 60_000,
    },
  });
  await Promise.all([streamSvc.start(), recordingSvc.start()]);

  const media = new S3RecordingMedia({ region: 'us-east-1', forcePathStyle: true, endpoint: fauxqs.address });
  const gwBus = await buses.make('gateway');
  const app = await buildApp({
    bus: gwBus,
    logger: silentLogger,
    metrics: new Metrics({ defaultMetrics: false }),
    verifier: createTokenVerifier({ JWT_SECRET: TEST_SECRET }),
    instanceId: 'gw-1',
    requestTimeoutMs: 5000,
    livekit: {
      bus: gwBus,
      timeoutMs: 5000,
      rooms: new RoomsReadModel(ddb, 'onair-stream-svc'),
      recordings: new RecordingsReadModel(ddb, 'onair-recording-svc'),
      media,
      tokens: new LiveKitJoinTokens(API_KEY, API_SECRET),
      webhooks: new LiveKitWebhookVerifier(API_KEY, API_SECRET),
      livekitUrl: lk.url.replace(/^http/, 'ws'),
      tokenTtlSeconds: 3600,
      downloadUrlTtlSeconds: 600,
    },
    mediaUrls: new MediaUrlSigner(MEDIA_URL_SECRET, 600),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  lk.setWebhookUrl(`${baseUrl}/v1/webhooks/livekit`);
  const verifier = new TokenVerifier(API_KEY, API_SECRET);

  return {
    app,
    baseUrl,
    lk,
    s3,
    recordingSvc,
    verifyJoinToken: (t) => verifier.verify(t),
    auth: async (userId, roles = ['streamer']) => ({
      authorization: `Bearer ${await tokenFor(userId, roles)}`,
    }),
    async stop() {
      await app.close();
      await Promise.all([streamSvc.stop(), recordingSvc.stop()]);
      await buses.cleanup();
      await lk.close();
      objects.close();
      media.close();
      s3.destroy();
      await Promise.all([dyn.close(), fauxqs.stop()]);
    },
  };
}
