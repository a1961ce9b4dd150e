import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Bus, Consumer, Logger } from '@onair/runtime';
import { MessageRouter } from '@onair/runtime';
import type { LiveKitRooms } from './livekit/rooms-port';
import { roomsModule, roomsNotConfigured } from './rooms';

export interface Deps {
  bus: Bus;
  logger: Logger;
  instanceId: string;
  /** LiveKit rooms; without it the room commands answer 501 naming the missing settings. */
  rooms?: { ddb: DynamoDBDocumentClient; table: string; livekit: LiveKitRooms };
}

/**
 * stream-svc as a factory: tests build it with real or fake ports, main.ts with the real ones.
 * Commands it does not handle yet are answered 501 by the router, naming the type.
 */
export function buildService(deps: Deps) {
  const router = new MessageRouter('stream-svc').withPing(deps.instanceId);
  const rooms = deps.rooms && roomsModule({ bus: deps.bus, ...deps.rooms });
  if (rooms) rooms.register(router);
  else roomsNotConfigured(router);
  let commands: Consumer | undefined;
  return {
    router,
    async start() {
      await rooms?.start();
      commands = await deps.bus.consumeCommands('stream-svc', router.handle);
    },
    async stop() {
      await commands?.stop();
      await rooms?.stop();
    },
  };
}
