import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { LiveKitWebhookReceived, RecordingDelete, RecordingStart, RecordingStop } from '@onair/contracts';
import {
  type Bus,
  type Consumer,
  handling,
  type Logger,
  type MessageRouter,
  notImplemented,
  periodicJob,
} from '@onair/runtime';
import { SqsEventQueue } from '@onair/runtime';
import { ivsRecordingHandler } from '../ivs/recording-events';
import type { LiveKitEgress } from '../livekit/egress-port';
import type { RecordingObjects } from '../storage/objects-port';
import { deleteRecording, onEgressWebhook, reconcile, startRecording, stopRecording } from './handlers';
import { RecordingStore } from './store';

export interface RecordingsModuleDeps {
  bus: Bus;
  logger: Logger;
  ddb: DynamoDBDocumentClient;
  table: string;
  /** LiveKit egress; without it start/stop answer 501 (IVS auto-recordings and delete still work). */
  egress?: LiveKitEgress;
  objects: RecordingObjects;
  bucket: string;
  prefix: string;
  /** How often open recordings are compared with ListEgress (EGRESS_RECONCILE_MS). */
  reconcileMs: number;
  /** IVS auto-recordings: the SQS queue an EventBridge rule fills with `IVS Recording State Change`. */
  ivsEvents?: { sqs: SQSClient; queueUrl: string; waitSeconds: number };
}

/** recording-svc's subscriber queue and what it receives (deploy/aws creates the same rule). */
export const EGRESS_WEBHOOK_SUBSCRIBER = 'recording-svc';
export const EGRESS_WEBHOOK_PATTERNS = [LiveKitWebhookReceived.type];

/** The recording commands, the egress webhook subscription and the reconciliation timer. */
export function recordingsModule(o: RecordingsModuleDeps) {
  const store = new RecordingStore(o.ddb, o.table);
  const base = { ...o, store };
  const egress = o.egress;
  const d = egress && { ...base, egress };
  let webhooks: Consumer | undefined;
  const ivsQueue =
    o.ivsEvents &&
    new SqsEventQueue({
      client: o.ivsEvents.sqs,
      queueUrl: o.ivsEvents.queueUrl,
      waitSeconds: o.ivsEvents.waitSeconds,
      logger: o.logger,
      handle: ivsRecordingHandler({ store, bus: o.bus, logger: o.logger }),
    });
  const reconciliation =
    d &&
    periodicJob({
      run: () => reconcile(d),
      everyMs: o.reconcileMs,
      logger: o.logger,
      failureMessage: 'reconciliation with ListEgress failed; will try again',
    });

  return {
    store,
    reconcile: async () => (d ? reconcile(d) : 0),
    register(router: MessageRouter): void {
      router.on(RecordingDelete, deleteRecording(base));
      if (d) router.on(RecordingStart, startRecording(d)).on(RecordingStop, stopRecording(d));
      else refuseLiveKitCommands(router);
    },
    async start(): Promise<void> {
      if (d) {
        webhooks = await o.bus.subscribe(
          EGRESS_WEBHOOK_SUBSCRIBER,
          EGRESS_WEBHOOK_PATTERNS,
          handling(LiveKitWebhookReceived, onEgressWebhook(d)),
        );
        reconciliation?.start();
      }
      ivsQueue?.start();
    },
    async stop(): Promise<void> {
      await reconciliation?.stop();
      await ivsQueue?.stop();
      await webhooks?.stop();
    },
  };
}

const LIVEKIT_MISSING =
  'LiveKit recordings are not configured in recording-svc: set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET';

/** Without LiveKit settings, starting and stopping say what is missing instead of pretending. */
function refuseLiveKitCommands(router: MessageRouter): void {
  const refuse = async () => {
    throw notImplemented(LIVEKIT_MISSING);
  };
  router.on(RecordingStart, refuse).on(RecordingStop, refuse);
}

/** Without a table and S3 (tests of other services) every recording command says so. */
export function recordingsNotConfigured(router: MessageRouter): void {
  const refuse = async () => {
    throw notImplemented(LIVEKIT_MISSING);
  };
  router.on(RecordingStart, refuse).on(RecordingStop, refuse).on(RecordingDelete, refuse);
}
