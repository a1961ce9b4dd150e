import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  ChatEventSend,
  ChatMessageDelete,
  ChatRoomCreate,
  ChatRoomDelete,
  ChatRoomUpdate,
  ChatTokenCreate,
  ChatUserDisconnect,
} from '@onair/contracts';
import type { Bus, Consumer, Logger } from '@onair/runtime';
import { MessageRouter } from '@onair/runtime';
import type { IvsChatPort } from './ivs-chat/port';
import { RoomHandlers } from './rooms/handlers';
import { RoomStore } from './rooms/store';

export interface Deps {
  bus: Bus;
  logger: Logger;
  instanceId: string;
  ddb: DynamoDBDocumentClient;
  tableName: string;
  ivsChat: IvsChatPort;
  now?: () => Date;
}

/**
 * chat-svc as a factory: tests build it with real or fake ports, main.ts with the real ones.
 * Commands it does not handle yet (the native message engine) are answered 501 by the router.
 */
export function buildService(deps: Deps) {
  const store = new RoomStore(deps.ddb, deps.tableName);
  const rooms = new RoomHandlers({
    bus: deps.bus,
    store,
    ivsChat: deps.ivsChat,
    logger: deps.logger,
    now: deps.now,
  });
  const router = new MessageRouter('chat-svc')
    .withPing(deps.instanceId)
    .on(ChatRoomCreate, rooms.create)
    .on(ChatRoomUpdate, rooms.update)
    .on(ChatRoomDelete, rooms.remove)
    .on(ChatTokenCreate, rooms.token)
    .on(ChatMessageDelete, rooms.deleteMessage)
    .on(ChatUserDisconnect, rooms.disconnectUser)
    .on(ChatEventSend, rooms.sendEvent);
  let commands: Consumer | undefined;
  return {
    router,
    store,
    async start() {
      commands = await deps.bus.consumeCommands('chat-svc', router.handle);
    },
    async stop() {
      await commands?.stop();
    },
  };
}
