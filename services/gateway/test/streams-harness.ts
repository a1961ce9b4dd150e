// The whole path for IVS streams and chat rooms, in one test file's process: gateway -> bus (in
// memory: the broker is not under test here) -> stream-svc + chat-svc -> IVS / IVS Chat stand-in (real SDK clients) -> dynalite,
// and IVS events -> EventBridge stand-in -> fauxqs SQS -> stream-svc's queue consumer.
import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { IvsClient } from '@aws-sdk/client-ivs';
import { IvschatClient } from '@aws-sdk/client-ivschat';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Envelope } from '@onair/contracts';
import { type Bus, createDocumentClient, ensureTable, Metrics, silentLogger } from '@onair/runtime';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { startEventBridgeStandIn } from '../../../devstack/src/eventbridge';
import { type IvsStandIn, startIvsStandIn } from '../../../devstack/src/ivs';
import { startDynalite, startFauxqsProcess, testBuses } from '../../../test/support';
import { buildService as buildChatSvc } from '../../chat-svc/src/app';
import { SdkIvsChat } from '../../chat-svc/src/ivs-chat/sdk-adapter';
import { CHAT_TABLE_INDEXES } from '../../chat-svc/src/rooms/store';
import { buildService as buildStreamSvc } from '../../stream-svc/src/app';
import { SdkIvs } from '../../stream-svc/src/ivs/sdk-adapter';
import { STREAM_TABLE_INDEXES } from '../../stream-svc/src/streams';
import { buildApp } from '../src/app';
import { createTokenVerifier } from '../src/auth';
import { ChatRoomsReadModel } from '../src/read-models/chat-rooms';
import { StreamsReadModel } from '../src/read-models/streams';
import { TEST_SECRET, tokenFor } from './helpers';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const region = 'us-east-1';

export type Harness = Awaited<ReturnType<typeof startStreamsHarness>>;

export async function startStreamsHarness(
  opts: { chatDefaultProvider?: 'ivs' | 'native'; provisioningTimeoutMs?: number } = {},
) {
  const buses = await testBuses({ transport: 'memory' });
  const db = await startDynalite();
  const fauxqs = await startFauxqsProcess();
  const ddb = createDocumentClient({ region, endpoint: db.endpoint });
  const tables = { streams: `streams-${randomUUID().slice(0, 8)}`, chat: `chat-${randomUUID().slice(0, 8)}` };
  await ensureTable(ddb, { name: tables.streams, indexes: STREAM_TABLE_INDEXES });
  await ensureTable(ddb, { name: tables.chat, indexes: CHAT_TABLE_INDEXES });

  // EventBridge rule (source aws.ivs) -> SQS queue, as deployed; the IVS stand-in publishes there.
  const sqs = new SQSClient({ region, endpoint: fauxqs.address, credentials });
  const queueName = `ivs-events-${randomUUID().slice(0, 8)}`;
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: queueName }))).QueueUrl as string;
  const eb = await startEventBridgeStandIn({
    sqsEndpoint: fauxqs.address,
    logger: { warn: () => {}, error: () => {} },
  });
  const ebClient = new EventBridgeClient({ region, endpoint: eb.url, credentials });
  await ebClient.send(
    new PutRuleCommand({ Name: 'ivs-events', EventPattern: JSON.stringify({ source: ['aws.ivs'] }) }),
  );
  await ebClient.send(
    new PutTargetsCommand({
      Rule: 'ivs-events',
      Targets: [{ Id: 'stream-svc', Arn: `arn:aws:sqs:${region}:000000000000:${queueName}` }],
    }),
  );
  const ivs: IvsStandIn = await startIvsStandIn({
    region,
    publishEvent: async (e) => {
      eb.injectEvent(e);
    },
  });
  // maxAttempts 1: tests inject 429/500 and must see them, not the SDK's retries.
  const sdk = { region, endpoint: ivs.url, credentials, maxAttempts: 1 };
  const ivsAdapter = new SdkIvs(sdk);
  const chatAdapter = new SdkIvsChat(sdk);
  const ivsClient = new IvsClient(sdk);
  const chatClient = new IvschatClient(sdk);

  const chatSvc = buildChatSvc({
    bus: await buses.make('chat-svc'),
    logger: silentLogger,
    instanceId: 'chat-1',
    ddb,
    tableName: tables.chat,
    ivsChat: chatAdapter,
  });
  await chatSvc.start();
  const streamSvc = buildStreamSvc({
    bus: await buses.make('stream-svc'),
    logger: silentLogger,
    instanceId: 'stream-1',
    streams: {
      ddb,
      table: tables.streams,
      ivs: ivsAdapter,
      chatRequestTimeoutMs: 5000,
      events: { sqs, queueUrl, waitSeconds: 1 },
      compensationDelaysMs: [20, 50],
      // The timer stays long: tests run passes themselves with reconciler().runOnce().
      reconcile: { intervalMs: 3_600_000, provisioningTimeoutMs: opts.provisioningTimeoutMs ?? 120_000 },
    },
  });
  await streamSvc.start();

  // Everything stream-svc and chat-svc publish, for assertions on events.
  const events: Envelope[] = [];
  const observer = await buses.make('observer');
  await observer.subscribe('observer', ['onair.stream.#', 'onair.chat.#'], async (e) => {
    events.push(e);
  });

  const gwBus: Bus = await buses.make('gateway');
  const app: FastifyInstance = await buildApp({
    bus: gwBus,
    logger: silentLogger,
    metrics: new Metrics({ defaultMetrics: false }),
    verifier: createTokenVerifier({ JWT_SECRET: TEST_SECRET }),
    instanceId: 'gw-1',
    requestTimeoutMs: 8000,
    streams: {
      streams: new StreamsReadModel(ddb, tables.streams),
      chatRooms: new ChatRoomsReadModel(ddb, tables.chat),
      chatDefaultProvider: opts.chatDefaultProvider ?? 'native',
    },
  });

  /** An API call as `user` (roles default to streamer); `user: null` sends no token. */
  async function api(
    method: InjectOptions['method'],
    url: string,
    o: { body?: unknown; user?: string | null; roles?: string[]; headers?: Record<string, string> } = {},
  ) {
    const user = o.user === undefined ? 'alice' : o.user;
    const headers: Record<string, string> = { ...o.headers };
    if (user) headers.authorization = `Bearer ${await tokenFor(user, o.roles ?? ['streamer'])}`;
    return app.inject({
      method,
      url,
      headers,
      ...(o.body !== undefined ? { payload: o.body as object } : {}),
    });
  }

  return {
    app,
    api,
    ivs,
    eb,
    ivsClient,
    chatClient,
    /** The IVS events queue stream-svc reads, and a client for it. */
    sqs,
    queueUrl,
    events,
    streamSvc,
    chatSvc,
    reconciler: () => {
      const r = streamSvc.streams?.reconciler;
      if (!r) throw new Error('streams not configured');
      return r;
    },
    async close() {
      await app.close();
      await streamSvc.stop();
      await chatSvc.stop();
      await buses.cleanup();
      ivsAdapter.destroy();
      chatAdapter.destroy();
      ivsClient.destroy();
      chatClient.destroy();
      ebClient.destroy();
      sqs.destroy();
      await ivs.close();
      await eb.close();
      await fauxqs.stop();
      await db.close();
    },
  };
}
