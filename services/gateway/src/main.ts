import { runService } from '@onair/runtime';
import { registerApi } from './app';
import { createTokenVerifier } from './auth';
import { Config } from './config';

void runService({
  name: 'gateway',
  configSchema: Config,
  bodyLimit: (c) => c.BODY_LIMIT_BYTES,
  build: async ({ bus, logger, metrics, instanceId, config }) => {
    const verifier = createTokenVerifier(config);
    return {
      async start() {},
      async stop() {},
      routes: (app) =>
        registerApi(app, {
          bus,
          logger,
          metrics,
          verifier,
          instanceId,
          corsOrigins: config.CORS_ORIGINS,
          requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
          chat: config.CHAT_TOKEN_SECRET ? { chatTokenSecret: config.CHAT_TOKEN_SECRET } : undefined,
        }),
    };
  },
});
