import type { Bus, Consumer, Logger } from '@onair/runtime';
import { MessageRouter } from '@onair/runtime';
import { type RecordingsModuleDeps, recordingsModule, recordingsNotConfigured } from './recordings';

export interface Deps {
  bus: Bus;
  logger: Logger;
  instanceId: string;
  /** LiveKit recordings; without them the recording commands answer 501 naming the missing settings. */
  recordings?: Omit<RecordingsModuleDeps, 'bus' | 'logger'>;
}

/**
 * recording-svc as a factory: tests build it with real or fake ports, main.ts with the real ones.
 * Commands it does not handle yet are answered 501 by the router, naming the type.
 */
export function buildService(deps: Deps) {
  const router = new MessageRouter('recording-svc').withPing(deps.instanceId);
  const recordings =
    deps.recordings && recordingsModule({ bus: deps.bus, logger: deps.logger, ...deps.recordings });
  if (recordings) recordings.register(router);
  else recordingsNotConfigured(router);
  let commands: Consumer | undefined;
  return {
    router,
    recordings,
    async start() {
      await recordings?.start();
      commands = await deps.bus.consumeCommands('recording-svc', router.handle);
    },
    async stop() {
      await commands?.stop();
      await recordings?.stop();
    },
  };
}
