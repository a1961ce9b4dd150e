import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { LiveKitWebhookReceived, RecordingDelete, RecordingStart, RecordingStop } from '@onair/contracts';
import { type Bus, type Consumer, type Logger, type MessageRouter, notImplemented } from '@onair/runtime';
import { SqsEventQueue } from '../ivs/events-queue';
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
  egress: LiveKitEgress;
  objects: RecordingObjects;
  bucket: string;
  prefix: string;
  /** How often open recordings are compared with ListEgress (EGRESS_RECONCILE_MS). */
  reconcileMs: number;
  /** IVS auto-recordings: the SQS queue an EventBridge rule fills with `IVS Recording State Change`. */
  ivsEvents?: { sqs: SQSClient; queueUrl: string; waitSeconds: number };
}

/** The recording commands, the egress webhook subscription and the reconciliation timer. */
export function recordingsModule(o: RecordingsModuleDeps) {
  const store = new RecordingStore(o.ddb, o.table);
  const d = { ...o, store };
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
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;

  const tick = () => {
    running = reconcile(d)
      .catch((err) => o.logger.warn({ err }, 'reconciliation with ListEgress failed; will try again'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, o.reconcileMs);
      });
  };

  return {
    store,
    reconcile: () => reconcile(d),
    register(router: MessageRouter): void {
      router
        .on(RecordingStart, startRecording(d))
        .on(RecordingStop, stopRecording(d))
        .on(RecordingDelete, deleteRecording(d));
    },
    async start(): Promise<void> {
      stopped = false;
      webhooks = await o.bus.subscribe('recording-svc', [LiveKitWebhookReceived.type], onEgressWebhook(d));
      timer = setTimeout(tick, o.reconcileMs);
      ivsQueue?.start();
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await ivsQueue?.stop();
      await webhooks?.stop();
    },
  };
}

/** Without LiveKit settings the recording commands say what is missing instead of pretending. */
export function recordingsNotConfigured(router: MessageRouter): void {
  const refuse = async () => {
    throw notImplemented(
      'LiveKit recordings are not configured in recording-svc: set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET',
    );
  };
  router.on(RecordingStart, refuse).on(RecordingStop, refuse).on(RecordingDelete, refuse);
}
