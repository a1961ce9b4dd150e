import { runService } from '@onair/runtime';
import { buildService } from './app';
import { Config } from './config';
import { SdkIvsChat } from './ivs-chat/sdk-adapter';
import { openMessageLog, recordMessageLogSetting } from './message-log';
import { CHAT_TABLE_INDEXES } from './rooms/store';

void runService({
  name: 'chat-svc',
  configSchema: Config,
  table: (c) => ({ name: c.TABLE_NAME, indexes: CHAT_TABLE_INDEXES }),
  build: async ({ bus, logger, instanceId, ddb, config }) => {
    // The endpoint comes from AWS_ENDPOINT_URL_IVSCHAT when set (the SDK reads it natively).
    const ivsChat = new SdkIvsChat({ region: config.AWS_REGION });
    const messageLog = openMessageLog(config.CHAT_MESSAGE_LOG, ddb, config.TABLE_NAME);
    // Gateways compare it with theirs: one reading another log would show empty histories.
    await recordMessageLogSetting(ddb, config.TABLE_NAME, config.CHAT_MESSAGE_LOG, instanceId);
    const svc = buildService({
      bus,
      logger,
      instanceId,
      ddb,
      tableName: config.TABLE_NAME,
      ivsChat,
      chatTokenSecret: config.CHAT_TOKEN_SECRET,
      reviewWebhookAllowedHosts: config.REVIEW_WEBHOOK_ALLOWED_HOSTS,
      redisUrl: config.REDIS_URL,
      commitPaceMs: config.CHAT_COMMIT_PACE_MS,
      messageLog,
      redisKeyPrefix: `${config.BUS_NAMESPACE}:chat-svc:rl:`,
    });
    return {
      start: () => svc.start(),
      async stop() {
        await svc.stop(); // closes the Redis connection too
        ivsChat.destroy();
        messageLog.close();
      },
    };
  },
});
