// The gateway with every part of the API switched on (LiveKit, streams, chat, history, bans,
// sockets, recordings, signed media URLs, the development routes), built only for its documents
// (/openapi.json, /asyncapi.json): the generated client and the document tests read them from it.
// Nothing listens and no request reaches a table or a provider: the read models point at nothing,
// and the bus, unless a test passes a real one, accepts consumers and refuses messages.
import type { Consumer } from '@onair/runtime';
import { type Bus, createDocumentClient, Metrics, silentLogger } from '@onair/runtime';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app';
import { createTokenVerifier } from './auth';
import { MediaUrlSigner } from './http/signed-media';
import type { RecordingMedia } from './livekit/recording-media';
import { LiveKitJoinTokens } from './livekit/tokens';
import { LiveKitWebhookVerifier } from './livekit/webhooks';
import { ChatBansReadModel } from './read-models/chat-bans';
import { ChatHistoryReadModel } from './read-models/chat-history';
import { ChatRoomsReadModel } from './read-models/chat-rooms';
import { RecordingsReadModel } from './read-models/recordings';
import { RoomsReadModel } from './read-models/rooms';
import { StreamsReadModel } from './read-models/streams';

const refuse = async (): Promise<never> => {
  throw new Error('this gateway only builds its OpenAPI document');
};
const consumer: Consumer = { stop: async () => {} };
const refusingBus: Bus = {
  instanceId: 'openapi-document',
  start: async () => {},
  send: refuse,
  publish: refuse,
  request: refuse,
  consumeCommands: async () => consumer,
  subscribe: async () => consumer,
  isReady: async () => false,
  close: async () => {},
};
const media: RecordingMedia = { head: refuse, read: refuse, presign: refuse };
const SECRET = 'openapi-document-secret-not-used';

/** The gateway app for its documents; `close()` also frees its DynamoDB client. */
export async function buildDocumentsApp(
  o: { bus?: Bus } = {},
): Promise<{ app: FastifyInstance; close(): Promise<void> }> {
  const bus = o.bus ?? refusingBus;
  // Port 9 (discard): nothing listens, and nothing here sends a request anyway.
  const ddb = createDocumentClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9' });
  const chatRooms = new ChatRoomsReadModel(ddb, 'chat');
  const bans = new ChatBansReadModel(ddb, 'chat');
  const history = ChatHistoryReadModel.inTable(ddb, 'chat');
  const app = await buildApp({
    bus,
    logger: silentLogger,
    metrics: new Metrics({ defaultMetrics: false }),
    verifier: createTokenVerifier({ JWT_SECRET: SECRET }),
    instanceId: 'openapi-document',
    livekit: {
      bus,
      timeoutMs: 1000,
      rooms: new RoomsReadModel(ddb, 'streams'),
      recordings: new RecordingsReadModel(ddb, 'recordings'),
      media,
      tokens: new LiveKitJoinTokens('devkey', SECRET),
      webhooks: new LiveKitWebhookVerifier('devkey', SECRET),
      livekitUrl: 'ws://127.0.0.1:7880',
      tokenTtlSeconds: 3600,
      downloadUrlTtlSeconds: 600,
    },
    streams: { streams: new StreamsReadModel(ddb, 'streams'), chatRooms, chatDefaultProvider: 'native' },
    chatHistory: history,
    chatBans: bans,
    chat: { chatTokenSecret: SECRET, history, access: { rooms: chatRooms, bans } },
    mediaUrls: new MediaUrlSigner(SECRET, 600),
    // The development routes are documented too (they exist only under npm start).
    dev: { jwtSecret: SECRET, ivsEndpoint: 'http://127.0.0.1:9', ivsChatUrl: 'ws://127.0.0.1:9' },
  });
  return {
    app,
    async close() {
      await app.close();
      ddb.destroy();
    },
  };
}

/** The OpenAPI 3.1 document the gateway serves at /openapi.json, every part configured. */
export async function gatewayOpenApiDocument(): Promise<Record<string, unknown>> {
  const { app, close } = await buildDocumentsApp();
  try {
    return JSON.parse(JSON.stringify(app.swagger())) as Record<string, unknown>;
  } finally {
    await close();
  }
}
