import type { Bus, DeadLetters, Logger, Metrics } from '@onair/runtime';
import { AppError, createHttpBase } from '@onair/runtime';
import type { FastifyInstance } from 'fastify';
import type { TokenVerifier } from './auth';
import { adminDeadLetterRoutes } from './routes/v1/admin-dead-letters';
import { chatRoutes } from './routes/v1/chat';
import { chatBanRoutes } from './routes/v1/chat-bans';
import { chatHistoryRoutes } from './routes/v1/chat-history';
import { consoleRoutes } from './routes/console';
import { type DevRouteDeps, devRoutes } from './routes/v1/dev';
import { registerPlugins } from './http/plugins';
import type { RateLimitSettings } from './http/rate-limits';
import type { MediaUrlSigner } from './http/signed-media';
import { seed000Routes } from './routes/seed/seed000';
import { seed002Routes } from './routes/seed/seed002';
import { streamRoutes } from './routes/v1/streams';
import { systemRoutes } from './routes/v1/system';
import type { LiveKitApiDeps } from './livekit/deps';
import { registerLiveKitApi } from './routes/livekit';
import type { BanLookup } from './read-models/chat-bans';
import type { ChatHistoryReadModel } from './read-models/chat-history';
import type { ChatRoomsReadModel } from './read-models/chat-rooms';
import type { StreamsReadModel } from './read-models/streams';
import { type ChatSocketOptions, registerChatSockets } from './sockets/chat-sockets';

export interface GatewayDeps {
  bus: Bus;
  logger: Logger;
  metrics: Metrics;
  verifier: TokenVerifier;
  instanceId: string;
  corsOrigins?: string;
  /** REST rate limits (main.ts passes the configured ones); none when absent. */
  rateLimits?: RateLimitSettings;
  requestTimeoutMs?: number;
  /** LiveKit rooms, tokens, recordings, the LiveKit webhook and the seed 001 / 004 routes. */
  livekit?: LiveKitApiDeps;
  /** IVS streams and chat rooms (/v1/streams, /v1/chat/rooms, seed 000 and 002 routes). */
  streams?: {
    streams: StreamsReadModel;
    chatRooms: ChatRoomsReadModel;
    chatDefaultProvider: 'ivs' | 'native';
  };
  /** Native chat over WebSocket; off when no chat token secret is configured. */
  chat?: Omit<ChatSocketOptions, 'bus' | 'logger' | 'gatewayId' | 'userVerifier'>;
  /** Native rooms' message history (GET …/messages, and recovery on reconnect). */
  chatHistory?: ChatHistoryReadModel;
  /** Bans and timeouts in native rooms (chat-svc's table): a banned user reads no history. */
  chatBans?: BanLookup;
  /** The bus's dead letters for the admin API (main.ts: from the bus settings); 501 when absent. */
  deadLetters?: DeadLetters;
  /** Signed media URLs (`<video src>` cannot send a bearer token); off when absent. */
  mediaUrls?: MediaUrlSigner;
  /** The development routes (main.ts: only when devRoutesEnabled); absent in production. */
  dev?: DevRouteDeps;
  /** The web console at /console, from this folder of built files. */
  console?: { dir: string };
}

/** Every API route on an existing Fastify instance (main.ts passes the runtime's base). */
export async function registerApi(app: FastifyInstance, deps: GatewayDeps): Promise<void> {
  await registerPlugins(app, {
    verifier: deps.verifier,
    corsOrigins: deps.corsOrigins ?? '',
    version: '0.1.0',
    rateLimits: deps.rateLimits,
    mediaUrls: deps.mediaUrls,
  });
  systemRoutes(app, { bus: deps.bus, timeoutMs: deps.requestTimeoutMs ?? 10_000 });
  if (deps.livekit) await registerLiveKitApi(app, { ...deps.livekit, mediaUrls: deps.mediaUrls });
  if (deps.streams) {
    const { streams, chatRooms, chatDefaultProvider } = deps.streams;
    const timeoutMs = deps.requestTimeoutMs ?? 10_000;
    const s = { bus: deps.bus, streams, chatDefaultProvider, timeoutMs };
    const c = { bus: deps.bus, rooms: chatRooms, defaultProvider: chatDefaultProvider, timeoutMs };
    streamRoutes(app, s);
    chatRoutes(app, c);
    seed000Routes(app, { ...s, createTimeoutMs: timeoutMs * 3 });
    seed002Routes(app, { ...c, verifier: deps.verifier });
  }
  if (deps.chatHistory) {
    if (!deps.chatBans) {
      throw new AppError(
        'CONFIG',
        500,
        'The chat history route needs chatBans (a ChatBansReadModel) to refuse banned users',
      );
    }
    chatHistoryRoutes(app, {
      history: deps.chatHistory,
      bans: deps.chatBans,
      rooms: deps.streams?.chatRooms,
    });
  }
  chatBanRoutes(app, { bus: deps.bus, timeoutMs: deps.requestTimeoutMs ?? 10_000 });
  adminDeadLetterRoutes(app, { deadLetters: deps.deadLetters });
  if (deps.dev) devRoutes(app, { ...deps.dev, streams: deps.dev.streams ?? deps.streams?.streams });
  if (deps.console) await consoleRoutes(app, deps.console);
  if (deps.chat) {
    await registerChatSockets(app, {
      history: deps.chatHistory,
      ...deps.chat,
      bus: deps.bus,
      logger: deps.logger,
      gatewayId: deps.instanceId,
      userVerifier: deps.verifier,
    });
  }
}

/** The gateway as a factory, for tests: health, metrics, docs and the whole API, not listening. */
export async function buildApp(deps: GatewayDeps): Promise<FastifyInstance> {
  const app = createHttpBase({
    service: 'gateway',
    logger: deps.logger,
    metrics: deps.metrics,
    readiness: { bus: () => deps.bus.isReady() },
  });
  await registerApi(app, deps);
  await app.ready();
  return app;
}
