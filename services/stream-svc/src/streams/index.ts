import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { StreamCreate, StreamDelete, StreamStop, StreamUpdate } from '@onair/contracts';
import type { Bus, Logger, MessageRouter } from '@onair/runtime';
import { SqsEventQueue } from '@onair/runtime';
import type { IvsPort } from '../ivs/port';
import { BusChatRooms, type ChatRoomsPort } from './chat-rooms';
import { StreamHandlers } from './handlers';
import { ivsEventHandler } from './ivs-events';
import { Reconciler } from './reconciler';
import { StreamStore } from './store';

export interface StreamsDeps {
  bus: Bus;
  ddb: DynamoDBDocumentClient;
  table: string;
  ivs: IvsPort;
  logger: Logger;
  /** Defaults to chat-svc over the bus. */
  chat?: ChatRoomsPort;
  chatRequestTimeoutMs?: number;
  /** IVS events from SQS; without it statuses follow the reconciler only. */
  events?: { sqs: SQSClient; queueUrl: string; waitSeconds: number };
  reconcile?: { intervalMs: number; provisioningTimeoutMs: number };
  now?: () => Date;
  compensationDelaysMs?: number[];
}

/** IVS streams: the four commands on stream-svc's router, the IVS event queue, the reconciler. */
export function streamsModule(deps: StreamsDeps) {
  const store = new StreamStore(deps.ddb, deps.table);
  const saga = {
    bus: deps.bus,
    store,
    ivs: deps.ivs,
    chat: deps.chat ?? new BusChatRooms(deps.bus, deps.chatRequestTimeoutMs ?? 10_000),
    logger: deps.logger,
    now: deps.now ?? (() => new Date()),
    compensationDelaysMs: deps.compensationDelaysMs,
  };
  const handlers = new StreamHandlers(saga);
  const onEvent = ivsEventHandler(saga);
  const queue =
    deps.events &&
    new SqsEventQueue({
      client: deps.events.sqs,
      queueUrl: deps.events.queueUrl,
      waitSeconds: deps.events.waitSeconds,
      logger: deps.logger,
      handle: onEvent,
    });
  const reconciler = new Reconciler(
    saga,
    deps.reconcile ?? { intervalMs: 60_000, provisioningTimeoutMs: 120_000 },
  );
  return {
    store,
    reconciler,
    onEvent,
    register(router: MessageRouter): void {
      router
        .on(StreamCreate, handlers.create)
        .on(StreamUpdate, handlers.update)
        .on(StreamStop, handlers.stop)
        .on(StreamDelete, handlers.remove);
    },
    async start(): Promise<void> {
      if (!deps.events)
        deps.logger.warn('IVS_EVENTS_QUEUE_URL is not set: stream statuses follow the reconciler only');
      queue?.start();
      if (deps.reconcile) reconciler.start();
    },
    async stop(): Promise<void> {
      await queue?.stop();
      await reconciler.stop();
    },
  };
}

export { STREAM_TABLE_INDEXES } from '../table';
export { StreamsConfig } from './config';
