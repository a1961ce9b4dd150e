import { runService } from '@onair/runtime';
import { buildService } from './app';
import { Config } from './config';
import { DynamoGatewayRegistry } from './gateways';

void runService({
  name: 'fanout-svc',
  configSchema: Config,
  table: (c) => ({ name: c.TABLE_NAME }),
  build: async ({ bus, logger, instanceId, ddb, config }) =>
    buildService({
      bus,
      logger,
      instanceId,
      gateways: new DynamoGatewayRegistry(ddb, config.TABLE_NAME),
      presenceWaitMs: config.PRESENCE_WAIT_MS,
    }),
});
