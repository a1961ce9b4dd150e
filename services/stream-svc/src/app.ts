import type { Bus, Consumer, Logger } from '@onair/runtime';
import { MessageRouter } from '@onair/runtime';

export interface Deps {
  bus: Bus;
  logger: Logger;
  instanceId: string;
}

/**
 * stream-svc as a factory: tests build it with real or fake ports, main.ts with the real ones.
 * Commands it does not handle yet are answered 501 by the router, naming the type.
 */
export function buildService(deps: Deps) {
  const router = new MessageRouter('stream-svc').withPing(deps.instanceId);
  let commands: Consumer | undefined;
  return {
    router,
    async start() {
      commands = await deps.bus.consumeCommands('stream-svc', router.handle);
    },
    async stop() {
      await commands?.stop();
    },
  };
}
