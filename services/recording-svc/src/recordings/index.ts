import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LiveKitWebhookReceived, RecordingDelete, RecordingStart, RecordingStop } from '@onair/contracts';
import { type Bus, type Consumer, type Logger, type MessageRouter, notImplemented } from '@onair/runtime';
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
}

/** The recording commands, the egress webhook subscription and the reconciliation timer. */
export function recordingsModule(o: RecordingsModuleDeps) {
  const store = new RecordingStore(o.ddb, o.table);
  const d = { ...o, store };
  let webhooks: Consumer | undefined;
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
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
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
