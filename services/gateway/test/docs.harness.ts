// A gateway with every route registered (streams, chat, history, bans, sockets, LiveKit rooms,
// recordings, seeds) for tests that read its documents: /openapi.json and /asyncapi.json. No
// request reaches a table or a provider, so the read models point at nothing; the bus is real
// (the chat sockets consume from it) and namespaced.
import { createDocumentClient, Metrics, silentLogger } from '@onair/runtime';
import type { FastifyInstance } from 'fastify';
import { testBuses } from '../../../test/support';
import { buildApp } from '../src/app';
import { createTokenVerifier } from '../src/auth';
import type { RecordingMedia } from '../src/livekit/recording-media';
import { LiveKitJoinTokens } from '../src/livekit/tokens';
import { LiveKitWebhookVerifier } from '../src/livekit/webhooks';
import { ChatBansReadModel } from '../src/read-models/chat-bans';
import { ChatHistoryReadModel } from '../src/read-models/chat-history';
import { ChatRoomsReadModel } from '../src/read-models/chat-rooms';
import { RecordingsReadModel } from '../src/read-models/recordings';
import { RoomsReadModel } from '../src/read-models/rooms';
import { StreamsReadModel } from '../src/read-models/streams';
import { TEST_SECRET } from './helpers';

const unused = (): never => {
  throw new Error('this gateway serves documents only');
};
const media: RecordingMedia = { head: unused, read: unused, presign: unused };

export async function startDocsGateway(): Promise<{ app: FastifyInstance; stop(): Promise<void> }> {
  const buses = await testBuses();
  const bus = await buses.make('gateway');
  // Port 9 (discard): nothing listens, and nothing here sends a request anyway.
  const ddb = createDocumentClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9' });
  const chatRooms = new ChatRoomsReadModel(ddb, 'chat');
  const bans = new ChatBansReadModel(ddb, 'chat');
  const history = new ChatHistoryReadModel(ddb, 'chat');
  const app = await buildApp({
    bus,
    logger: silentLogger,
    metrics: new Metrics({ defaultMetrics: false }),
    verifier: createTokenVerifier({ JWT_SECRET: TEST_SECRET }),
    instanceId: 'gw-docs',
    livekit: {
      bus,
      timeoutMs: 1000,
      rooms: new RoomsReadModel(ddb, 'streams'),
      recordings: new RecordingsReadModel(ddb, 'recordings'),
      media,
      tokens: new LiveKitJoinTokens('devkey', 'devsecret-that-is-long-enough-for-hs256'),
      webhooks: new LiveKitWebhookVerifier('devkey', 'devsecret-that-is-long-enough-for-hs256'),
      livekitUrl: 'ws://127.0.0.1:7880',
      tokenTtlSeconds: 3600,
      downloadUrlTtlSeconds: 600,
    },
    streams: { streams: new StreamsReadModel(ddb, 'streams'), chatRooms, chatDefaultProvider: 'native' },
    chatHistory: history,
    chatBans: bans,
    chat: {
      chatTokenSecret: 'chat-token-secret-at-least-16-chars',
      history,
      access: { rooms: chatRooms, bans },
    },
  });
  return {
    app,
    async stop() {
      await app.close();
      ddb.destroy();
      await buses.cleanup();
    },
  };
}

export type Json = Record<string, unknown>;
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A local JSON pointer (`#/components/schemas/Problem`) in the document, if it points somewhere. */
export function resolve(doc: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let cur: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const k = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(cur) || !(k in cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** Every `$ref` in the document, with where it is. */
export function refsOf(v: unknown, at = '#', out: Array<{ at: string; ref: string }> = []) {
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) refsOf(x, `${at}/${i}`, out);
  } else if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') out.push({ at, ref: x });
      else refsOf(x, `${at}/${k}`, out);
    }
  }
  return out;
}
