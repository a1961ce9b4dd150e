import { runService } from '@onair/runtime';
import { buildService } from './app';
import { Config } from './config';
import { liveKitCredentials } from './livekit/config';
import { LiveKitRoomsAdapter } from './livekit/rooms-adapter';

void runService({
  name: 'stream-svc',
  configSchema: Config,
  table: (c) => ({ name: c.TABLE_NAME }),
  build: async ({ bus, logger, instanceId, ddb, config }) => {
    const lk = liveKitCredentials(config);
    return buildService({
      bus,
      logger,
      instanceId,
      ...(lk ? { rooms: { ddb, table: config.TABLE_NAME, livekit: new LiveKitRoomsAdapter(lk) } } : {}),
    });
  },
});
