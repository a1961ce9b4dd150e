import type { Bus, Logger, Metrics } from '@onair/runtime';
import { createHttpBase } from '@onair/runtime';
import type { FastifyInstance } from 'fastify';
import type { TokenVerifier } from './auth';
import { registerPlugins } from './http/plugins';
import { systemRoutes } from './http/system';
import type { LiveKitApiDeps } from './livekit/deps';
import { registerLiveKitApi } from './livekit/routes';
import { type ChatSocketOptions, registerChatSockets } from './ws/routes';

export interface GatewayDeps {
  bus: Bus;
  logger: Logger;
  metrics: Metrics;
  verifier: TokenVerifier;
  instanceId: string;
  corsOrigins?: string;
  requestTimeoutMs?: number;
  /** LiveKit rooms, tokens, recordings, the LiveKit webhook and the seed 001 / 004 routes. */
  livekit?: LiveKitApiDeps;
  /** Native chat over WebSocket; off when no chat token secret is configured. */
  chat?: Omit<ChatSocketOptions, 'bus' | 'logger' | 'gatewayId' | 'userVerifier'>;
}

/** Every API route on an existing Fastify instance (main.ts passes the runtime's base). */
export async function registerApi(app: FastifyInstance, deps: GatewayDeps): Promise<void> {
  await registerPlugins(app, {
    verifier: deps.verifier,
    corsOrigins: deps.corsOrigins ?? '',
    version: '0.1.0',
  });
  systemRoutes(app, { bus: deps.bus, timeoutMs: deps.requestTimeoutMs ?? 10_000 });
  if (deps.livekit) await registerLiveKitApi(app, deps.livekit);
  if (deps.chat) {
    await registerChatSockets(app, {
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
