// Native chat over real parts, for the chat delivery tests of the gateway and fanout-svc (several
// gateways, fanout restarts, gap fill, fuzzing): chat-svc on a chat table of its own, gateways
// serving the chat sockets on free ports, the bus requests that make a native room and a chat
// token, and a socket client that keeps every frame it receives. Not re-exported from ./index:
// it loads chat-svc and the gateway, which most tests do not need.
import type { AddressInfo } from 'node:net';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ChatTokenCreated, makeEnvelope } from '@onair/contracts';
import {
  type Bus,
  createDocumentClient,
  ensureTable,
  Metrics,
  replyData,
  silentLogger,
} from '@onair/runtime';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { buildService as buildChat } from '../../services/chat-svc/src/app';
import { FakeIvsChat } from '../../services/chat-svc/src/ivs-chat/fake';
import { CHAT_TABLE_INDEXES } from '../../services/chat-svc/src/rooms/store';
import { buildService as buildFanout } from '../../services/fanout-svc/src/app';
import { buildApp } from '../../services/gateway/src/app';
import { createTokenVerifier } from '../../services/gateway/src/auth';
import { ChatBansReadModel } from '../../services/gateway/src/read-models/chat-bans';
import { ChatHistoryReadModel } from '../../services/gateway/src/read-models/chat-history';
import { ChatRoomsReadModel } from '../../services/gateway/src/read-models/chat-rooms';
import { TEST_SECRET } from '../../services/gateway/test/helpers';
import { startDynalite } from './dynalite';
import { testBuses } from './bus';

/**
 * chat-svc (fake IVS Chat, native rooms) on `table`, which it creates first with the chat
 * table's indexes; started. The caller stops it.
 */
export async function startChatService(o: {
  bus: Bus;
  ddb: DynamoDBDocumentClient;
  table: string;
  chatTokenSecret: string;
  instanceId?: string;
}): Promise<ReturnType<typeof buildChat>> {
  await ensureTable(o.ddb, { name: o.table, indexes: CHAT_TABLE_INDEXES });
  const chat = buildChat({
    bus: o.bus,
    logger: silentLogger,
    instanceId: o.instanceId ?? 'chat-1',
    ddb: o.ddb,
    tableName: o.table,
    ivsChat: new FakeIvsChat(),
    chatTokenSecret: o.chatTokenSecret,
  });
  await chat.start();
  return chat;
}

/**
 * What every chat delivery test starts first: an in-memory DynamoDB, buses on RabbitMQ in a
 * namespace of their own, and chat-svc on `table` (what started is undone if a step fails). The
 * caller stops chat, then cleans up the buses and closes the database.
 */
export async function startChatBackend(o: {
  table: string;
  chatTokenSecret: string;
  /** The bus's transport (default RabbitMQ; component tests use the memory one). */
  transport?: 'memory' | 'rabbitmq';
}) {
  const db = await startDynalite();
  const buses = await testBuses({ transport: o.transport }).catch(async (e: unknown) => {
    await db.close();
    throw e;
  });
  const ddb = createDocumentClient({ region: 'us-east-1', endpoint: db.endpoint });
  try {
    const chat = await startChatService({
      bus: await buses.make('chat-svc'),
      ddb,
      table: o.table,
      chatTokenSecret: o.chatTokenSecret,
    });
    return { db, buses, ddb, chat };
  } catch (e) {
    await buses.cleanup();
    await db.close();
    throw e;
  }
}

/**
 * Undo what a chat test started, in this order: its gateways (errors ignored: a test may have
 * closed one), then each of `stops` (the services), then the buses and the database. Parts a
 * failed set-up never made are skipped.
 */
export async function stopChatParts(o: {
  gateways: Array<{ app: { close(): Promise<unknown> } }>;
  stops: Array<() => Promise<unknown>>;
  buses?: { cleanup(): Promise<void> };
  db?: { close(): Promise<void> };
}): Promise<void> {
  for (const g of o.gateways) await g.app.close().catch(() => {});
  for (const s of o.stops) await s();
  await o.buses?.cleanup();
  await o.db?.close();
}

/** A fanout-svc instance in this process, started; the caller stops it. */
export async function startFanoutService(
  bus: Bus,
  instanceId: string,
): Promise<ReturnType<typeof buildFanout>> {
  const fanout = buildFanout({ bus, logger: silentLogger, instanceId });
  await fanout.start();
  return fanout;
}

/** A gateway the tests connect to: its app (close it) and the port it listens on. */
export interface ChatGateway {
  app: FastifyInstance;
  port: number;
}

/** A gateway serving the chat sockets over the chat table `table`, listening on a free port. */
export async function startChatGateway(o: {
  bus: Bus;
  instanceId: string;
  ddb: DynamoDBDocumentClient;
  table: string;
  chatTokenSecret: string;
  jwtSecret?: string;
  /** The gateway's bus request timeout and its chat sends' (default: the gateway's). */
  requestTimeoutMs?: number;
  gapWaitMs?: number;
  /** The chat table's history reader (a test's subclass can hold its reads); default: the plain one. */
  history?: ChatHistoryReadModel;
}): Promise<ChatGateway> {
  const { ddb, table } = o;
  const app = await buildApp({
    bus: o.bus,
    logger: silentLogger,
    metrics: new Metrics({ defaultMetrics: false }),
    verifier: createTokenVerifier({ JWT_SECRET: o.jwtSecret ?? TEST_SECRET }),
    instanceId: o.instanceId,
    requestTimeoutMs: o.requestTimeoutMs,
    chat: {
      chatTokenSecret: o.chatTokenSecret,
      messagesPerSecond: 100,
      gapWaitMs: o.gapWaitMs,
      requestTimeoutMs: o.requestTimeoutMs,
      access: { rooms: new ChatRoomsReadModel(ddb, table), bans: new ChatBansReadModel(ddb, table) },
    },
    chatHistory: o.history ?? ChatHistoryReadModel.inTable(ddb, table),
    chatBans: new ChatBansReadModel(ddb, table),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, port: (app.server.address() as AddressInfo).port };
}

/** Creates a native room (owner `owner`, 100 messages/s) through chat-svc. */
export async function createNativeRoom(client: Bus, roomId: string, name: string): Promise<void> {
  await client.request(
    makeEnvelope({
      type: 'onair.chat.room.create.v1',
      source: 'test',
      data: {
        roomId,
        actor: { userId: 'owner', roles: ['streamer'] },
        provider: 'native',
        name,
        settings: { maximumMessageRatePerSecond: 100 },
      },
    }),
  );
}

/** A chat token for `userId` in `roomId`, minted by chat-svc (onair.chat.token.create.v1). */
export async function chatToken(
  client: Bus,
  roomId: string,
  userId: string,
  roles: Array<'viewer' | 'streamer' | 'moderator'> = ['streamer'],
): Promise<string> {
  const r = await client.request(
    makeEnvelope({
      type: 'onair.chat.token.create.v1',
      source: 'test',
      data: { roomId, actor: { userId, roles } },
    }),
  );
  return replyData(ChatTokenCreated, r).token;
}

/** A frame a chat socket received, parsed (the IVS Chat protocol's JSON). */
export type ChatFrame = Record<string, unknown> & { Attributes?: Record<string, string> };

/**
 * A chat socket to `url` with `token` as its protocol, open (it rejects if the socket fails
 * first), keeping every frame it receives in `frames`, in order.
 */
export async function openChatSocket(
  url: string,
  token: string,
): Promise<{ ws: WebSocket; frames: ChatFrame[] }> {
  const ws = new WebSocket(url, token);
  const frames: ChatFrame[] = [];
  ws.on('message', (d) => frames.push(JSON.parse(d.toString()) as ChatFrame));
  await new Promise((r, j) => {
    ws.once('open', r);
    ws.once('error', j);
  });
  return { ws, frames };
}
