import { LiveKitWebhookReceived, RoomCreate, RoomDelete } from '@onair/contracts';
import {
  type Bus,
  type Consumer,
  handling,
  type Logger,
  type MessageRouter,
  notImplemented,
  periodicJob,
} from '@onair/runtime';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LiveKitRooms } from '../livekit/rooms-port';
import { createRoom, deleteRoom, onRoomWebhook } from './handlers';
import { reconcileRooms } from './reconcile';
import { RoomStore } from './store';

export interface RoomsDeps {
  bus: Bus;
  ddb: DynamoDBDocumentClient;
  table: string;
  livekit: LiveKitRooms;
  logger: Logger;
  /** How often active rooms are compared with ListRooms (ROOMS_RECONCILE_MS). */
  reconcileMs?: number;
}

/** Its own subscriber queue, so IVS event consumers of stream-svc never compete with it. */
export const ROOMS_SUBSCRIBER = 'stream-svc-rooms';
/** What that queue receives (deploy/aws creates the same rule). */
export const ROOMS_PATTERNS = [LiveKitWebhookReceived.type];

/** LiveKit rooms: the two commands on stream-svc's router, and the webhook subscription. */
export function roomsModule(deps: RoomsDeps) {
  const store = new RoomStore(deps.ddb, deps.table);
  const d = { bus: deps.bus, store, livekit: deps.livekit };
  let webhooks: Consumer | undefined;
  const reconcile = () => reconcileRooms({ ...d, logger: deps.logger });
  const reconciliation = periodicJob({
    run: reconcile,
    everyMs: deps.reconcileMs ?? 60_000,
    logger: deps.logger,
    failureMessage: 'room reconciliation with ListRooms failed; will try again',
  });
  return {
    store,
    reconcile,
    register(router: MessageRouter): void {
      router.on(RoomCreate, createRoom(d)).on(RoomDelete, deleteRoom(d));
    },
    async start(): Promise<void> {
      webhooks = await deps.bus.subscribe(
        ROOMS_SUBSCRIBER,
        ROOMS_PATTERNS,
        handling(LiveKitWebhookReceived, onRoomWebhook(d)),
      );
      reconciliation.start();
    },
    async stop(): Promise<void> {
      await reconciliation.stop();
      await webhooks?.stop();
    },
  };
}

/** Without LiveKit settings the room commands say what is missing instead of pretending. */
export function roomsNotConfigured(router: MessageRouter): void {
  const refuse = async () => {
    throw notImplemented(
      'LiveKit rooms are not configured in stream-svc: set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET',
    );
  };
  router.on(RoomCreate, refuse).on(RoomDelete, refuse);
}
