import { runService } from '@onair/runtime';
import { buildService } from './app';
import { Config } from './config';

void runService({
  name: 'fanout-svc',
  configSchema: Config,
  table: (c) => ({ name: c.TABLE_NAME }),
  build: async ({ bus, logger, instanceId }) => buildService({ bus, logger, instanceId }),
});
