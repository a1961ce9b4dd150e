import { compareMessageLogSetting, openMessageLog } from '@onair/chat-svc/message-log';
import { createDeadLetters, periodicJob, runService } from '@onair/runtime';
import { Redis } from 'ioredis';
import { createBudget } from './sockets/group-budget';
import { registerApi } from './app';
import { createTokenVerifier } from './auth';
import { Config } from './config';
import { DEFAULT_CONSOLE_DIR } from './routes/console';
import { devRoutesEnabled } from './routes/v1/dev';
import { MediaUrlSigner, mediaUrlSecret } from './http/signed-media';
import { liveKitApiDeps } from './livekit/wiring';
import { ChatBansReadModel } from './read-models/chat-bans';
import { ChatHistoryReadModel } from './read-models/chat-history';
import { ChatRoomsReadModel } from './read-models/chat-rooms';
import { StreamsReadModel } from './read-models/streams';

void runService({
  name: 'gateway',
  configSchema: Config,
  bodyLimit: (c) => c.BODY_LIMIT_BYTES,
  build: async ({ bus, logger, metrics, instanceId, config, ddb }) => {
    const verifier = createTokenVerifier(config);
    // Commands fail at once while Redis is away (no offline queue): the limiter then lets requests through.
    const redis = config.REDIS_URL
      ? new Redis(config.REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true })
      : undefined;
    redis?.on('error', (err) => logger.warn({ err: err.message }, 'redis (rate limits) unavailable'));
    await redis?.connect().catch(() => {});
    const chatRooms = new ChatRoomsReadModel(ddb, config.CHAT_TABLE);
    const chatBans = new ChatBansReadModel(ddb, config.CHAT_TABLE);
    const messageLog = openMessageLog(config.CHAT_MESSAGE_LOG, ddb, config.CHAT_TABLE);
    // A gateway that reads another log than chat-svc writes shows empty histories and recovers
    // nothing: say so, loudly, once per setting seen (chat-svc may start after the gateway).
    let reported: string | undefined;
    const logCheck = periodicJob({
      everyMs: 30_000,
      runAtStart: true,
      logger,
      failureMessage: "could not read chat-svc's CHAT_MESSAGE_LOG",
      run: async () => {
        const { mismatch } = await compareMessageLogSetting(ddb, config.CHAT_TABLE, config.CHAT_MESSAGE_LOG);
        if (!mismatch || mismatch === reported) return;
        reported = mismatch;
        logger.error(
          { gateway: config.CHAT_MESSAGE_LOG, chatSvc: mismatch },
          "CHAT_MESSAGE_LOG differs from chat-svc's: this gateway reads native chat messages from another log than chat-svc writes them to (histories look empty, recovery replays nothing); give both the same value",
        );
      },
    });
    const mediaSecret = mediaUrlSecret(config);
    const deadLetters = createDeadLetters(config);
    const dev = devRoutesEnabled(config);
    if (config.DEV_ROUTES && !dev)
      logger.warn('DEV_ROUTES is ignored: JWT_SECRET is not the local development secret');
    return {
      async start() {
        logCheck.start();
      },
      async stop() {
        await logCheck.stop();
        redis?.disconnect();
        await deadLetters.close();
        messageLog.close();
      },
      routes: (app) =>
        registerApi(app, {
          bus,
          logger,
          metrics,
          verifier,
          instanceId,
          corsOrigins: config.CORS_ORIGINS,
          rateLimits: {
            perIpPerMinute: config.RATE_LIMIT_IP_PER_MINUTE,
            perUserPerMinute: config.RATE_LIMIT_USER_PER_MINUTE,
            createsPerMinute: config.RATE_LIMIT_CREATES_PER_MINUTE,
            tokensPerMinute: config.RATE_LIMIT_TOKENS_PER_MINUTE,
            redis,
            namespace: config.BUS_NAMESPACE,
          },
          requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
          livekit: liveKitApiDeps(config, { bus, ddb }),
          streams: {
            streams: new StreamsReadModel(ddb, config.STREAMS_TABLE),
            chatRooms,
            chatDefaultProvider: config.CHAT_DEFAULT_PROVIDER,
          },
          chat: config.CHAT_TOKEN_SECRET
            ? {
                chatTokenSecret: config.CHAT_TOKEN_SECRET,
                access: {
                  rooms: chatRooms,
                  bans: chatBans,
                  groupBudget: createBudget({
                    perMinute: config.RATE_LIMIT_CREATES_PER_MINUTE,
                    redis,
                    namespace: config.BUS_NAMESPACE,
                  }),
                },
                pingIntervalMs: config.WS_PING_INTERVAL_MS,
                gapWaitMs: config.CHAT_GAP_WAIT_MS,
              }
            : undefined,
          chatHistory: new ChatHistoryReadModel(messageLog),
          chatBans,
          deadLetters,
          mediaUrls: mediaSecret ? new MediaUrlSigner(mediaSecret, config.RECORDING_URL_TTL) : undefined,
          dev:
            dev && config.JWT_SECRET
              ? {
                  jwtSecret: config.JWT_SECRET,
                  ivsEndpoint: config.AWS_ENDPOINT_URL_IVS,
                  ivsChatUrl: config.AWS_ENDPOINT_URL_IVSCHAT?.replace(/^http/, 'ws'),
                }
              : undefined,
          console: { dir: config.CONSOLE_DIR ?? DEFAULT_CONSOLE_DIR },
        }),
    };
  },
});
