// A gateway serving native chat sockets over one chat table, listening on a free port, and the
// bus request that creates a native room: the chat delivery tests (several gateways, fanout
// restarts, gap fill) each start gateways the same way.
import type { AddressInfo } from 'node:net';
import { makeEnvelope } from '@onair/contracts';
import { type Bus, Metrics, silentLogger } from '@onair/runtime';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app';
import { createTokenVerifier } from '../src/auth';
import { ChatBansReadModel } from '../src/read-models/chat-bans';
import { ChatHistoryReadModel } from '../src/read-models/chat-history';
import { ChatRoomsReadModel } from '../src/read-models/chat-rooms';
import { TEST_SECRET } from './helpers';

export interface ChatGateway {
  app: FastifyInstance;
  port: number;
}

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
    chatHistory: o.history ?? new ChatHistoryReadModel(ddb, table),
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
