import type { Bus, Consumer, Logger } from '@onair/runtime';
import { MessageRouter } from '@onair/runtime';
import { type RoomsDeps, roomsModule, roomsNotConfigured } from './rooms';
import { type StreamsDeps, streamsModule } from './streams';

export interface Deps {
  bus: Bus;
  logger: Logger;
  instanceId: string;
  /** LiveKit rooms; without it the room commands answer 501 naming the missing settings. */
  rooms?: Omit<RoomsDeps, 'bus' | 'logger'>;
  /** IVS streams; without it the stream commands answer 501 (the router's default). */
  streams?: Omit<StreamsDeps, 'bus' | 'logger'>;
}

/**
 * stream-svc as a factory: tests build it with real or fake ports, main.ts with the real ones.
 * Commands it does not handle yet are answered 501 by the router, naming the type.
 */
export function buildService(deps: Deps) {
  const router = new MessageRouter('stream-svc').withPing(deps.instanceId);
  const rooms = deps.rooms && roomsModule({ bus: deps.bus, logger: deps.logger, ...deps.rooms });
  if (rooms) rooms.register(router);
  else roomsNotConfigured(router);
  const streams = deps.streams && streamsModule({ bus: deps.bus, logger: deps.logger, ...deps.streams });
  streams?.register(router);
  let commands: Consumer | undefined;
  return {
    router,
    rooms,
    streams,
    async start() {
      await rooms?.start();
      await streams?.start();
      commands = await deps.bus.consumeCommands('stream-svc', router.handle);
    },
    async stop() {
      await commands?.stop();
      await rooms?.stop();
      await streams?.stop();
    },
  };
}
