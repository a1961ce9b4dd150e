// The gateway's /openapi.json, built in this process with every part of the API switched on
// (LiveKit, streams, chat, recordings, signed media URLs and the development routes), so the
// generated client knows every operation. Nothing is listening and no request is sent: the bus is
// a stand-in that accepts consumers and refuses messages, and the tables point at nothing.
import type { Consumer } from '@onair/runtime';
import { type Bus, createDocumentClient, Metrics, silentLogger } from '@onair/runtime';
import { buildApp } from '../../../services/gateway/src/app';
import { createTokenVerifier } from '../../../services/gateway/src/auth';
import { MediaUrlSigner } from '../../../services/gateway/src/http/signed-media';
import type { RecordingMedia } from '../../../services/gateway/src/livekit/recording-media';
import { LiveKitJoinTokens } from '../../../services/gateway/src/livekit/tokens';
import { LiveKitWebhookVerifier } from '../../../services/gateway/src/livekit/webhooks';
import { ChatBansReadModel } from '../../../services/gateway/src/read-models/chat-bans';
import { ChatHistoryReadModel } from '../../../services/gateway/src/read-models/chat-history';
import { ChatRoomsReadModel } from '../../../services/gateway/src/read-models/chat-rooms';
import { RecordingsReadModel } from '../../../services/gateway/src/read-models/recordings';
import { RoomsReadModel } from '../../../services/gateway/src/read-models/rooms';
import { StreamsReadModel } from '../../../services/gateway/src/read-models/streams';

const refuse = async (): Promise<never> => {
  throw new Error('this gateway only builds its OpenAPI document');
};
const consumer: Consumer = { stop: async () => {} };
const bus: Bus = {
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

/** The OpenAPI 3.1 document the gateway serves at /openapi.json, every part configured. */
export async function gatewayOpenApiDocument(): Promise<Record<string, unknown>> {
  // Port 9 (discard): nothing listens, and nothing here sends a request anyway.
  const ddb = createDocumentClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9' });
  const chatRooms = new ChatRoomsReadModel(ddb, 'chat');
  const bans = new ChatBansReadModel(ddb, 'chat');
  const history = new ChatHistoryReadModel(ddb, 'chat');
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
  try {
    return JSON.parse(JSON.stringify(app.swagger())) as Record<string, unknown>;
  } finally {
    await app.close();
    ddb.destroy();
  }
}
