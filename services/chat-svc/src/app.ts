import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  ChatEventSend,
  ChatMessageDelete,
  ChatMessageSend,
  ChatUserBan,
  ChatUserBanned,
  ChatRoomCreate,
  ChatRoomDelete,
  ChatRoomUpdate,
  ChatTokenCreate,
  ChatUserDisconnect,
} from '@onair/contracts';
import type { Bus, Consumer, Logger } from '@onair/runtime';
import { consumeOwnedCommands, MessageRouter } from '@onair/runtime';
import { dataOf } from '@onair/runtime';
import type { IvsChatPort } from './ivs-chat/port';
import { IvsChatEngine } from './engines/ivs';
import { NativeChatEngine } from './engines/native';
import type { ReviewCall } from './messages/moderation';
import { MemoryRateLimits, type RateLimiter } from './messages/rate-limits';
import { RedisRateLimits } from './messages/redis-rate-limits';
import { createHttpReview, parseAllowedHosts, WebhookUrlPolicy } from './messages/review-webhook';
import type { OwnedRoomsOptions } from './messages/owned-rooms';
import type { MessageLog } from './message-log';
import { MessageStore } from './messages/store';
import { RoomHandlers } from './rooms/handlers';
import { RoomStore } from './rooms/store';

export interface Deps {
  bus: Bus;
  logger: Logger;
  instanceId: string;
  ddb: DynamoDBDocumentClient;
  tableName: string;
  ivsChat: IvsChatPort;
  /** HS256 secret of native chat tokens (the gateway checks them with the same secret). */
  chatTokenSecret?: string;
  /** Calls review webhooks; default: the SSRF-safe HTTP client under the URL rules below. */
  review?: ReviewCall;
  /** REVIEW_WEBHOOK_ALLOWED_HOSTS: hosts webhooks may reach over http and at private addresses. */
  reviewWebhookAllowedHosts?: string;
  /** REDIS_URL: rate limits and slow mode shared by every instance; in memory when unset. */
  redisUrl?: string;
  /** Namespace of the Redis keys (default `onair:chat-svc:rl:`). */
  redisKeyPrefix?: string;
  now?: () => Date;
  /** How long a ban lookup is reused when no ban event drops it first (default 30 s). */
  banCacheTtlMs?: number;
  /** How native rooms are owned (lease block size, idle check, RequestIds remembered). */
  ownership?: OwnedRoomsOptions;
  /** CHAT_COMMIT_PACE_MS: under load, one group commit this often (default 20 ms). */
  commitPaceMs?: number;
  /** CHAT_MESSAGE_LOG: where native messages are stored (default: the table); its opener closes it. */
  messageLog?: MessageLog;
}

/**
 * chat-svc as a factory: tests build it with real or fake ports, main.ts with the real ones.
 * Every room command goes to RoomHandlers, which hands it to the room's engine (engines/).
 */
export function buildService(deps: Deps) {
  const store = new RoomStore(deps.ddb, deps.tableName);
  const messages = new MessageStore(deps.ddb, deps.tableName, deps.messageLog);
  const webhooks = new WebhookUrlPolicy(parseAllowedHosts(deps.reviewWebhookAllowedHosts));
  const httpReview = createHttpReview({ policy: webhooks });
  const redisLimits = deps.redisUrl
    ? new RedisRateLimits({ url: deps.redisUrl, keyPrefix: deps.redisKeyPrefix, logger: deps.logger })
    : undefined;
  const limits: RateLimiter = redisLimits ?? new MemoryRateLimits();
  const native = new NativeChatEngine({
    bus: deps.bus,
    store: messages,
    chatTokenSecret: deps.chatTokenSecret,
    review: deps.review ?? httpReview,
    limits,
    logger: deps.logger,
    now: deps.now,
    banCacheTtlMs: deps.banCacheTtlMs,
    commitPaceMs: deps.commitPaceMs,
    ownership: { ...deps.ownership, onTakeOver: (roomId) => rooms.forgetRoom(roomId) },
  });
  const rooms = new RoomHandlers({
    engines: { native, ivs: new IvsChatEngine({ bus: deps.bus, ivsChat: deps.ivsChat, now: deps.now }) },
    bus: deps.bus,
    store,
    webhooks,
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
    .on(ChatEventSend, rooms.sendEvent)
    .on(ChatMessageSend, rooms.send)
    .on(ChatUserBan, rooms.ban);

  const consumers: Consumer[] = [];
  /** A partition's consumer lost its channel: its rooms' leases are checked on their next command. */
  const partitionDetached = (partition: number) => native.partitionDetached(partition);
  return {
    router,
    store,
    messages,
    partitionDetached,
    /** The rate limiter in use (tests look at it). */
    limits,
    async start() {
      // Not fatal: until Redis answers, each call falls back to this instance's own limits.
      await redisLimits?.ready();
      // Every instance hears every ban, so none keeps letting a banned user's messages through.
      consumers.push(
        await deps.bus.subscribe(
          `chat-svc.${deps.instanceId}.bans`,
          [ChatUserBanned.type],
          async (e) => {
            const d = dataOf(ChatUserBanned, e);
            native.banChanged(d.roomId, d.userId);
          },
          { ephemeral: true },
        ),
      );
      // A room's commands come on its partition's queue, which one instance reads at a time:
      // that instance owns the room (its sequence, recent RequestIds and rate limits in memory).
      // Another instance stands by and takes over when this one stops or dies.
      consumers.push(
        await consumeOwnedCommands(deps.bus, 'chat-svc', router.handle, {
          onPartitionDetached: partitionDetached,
        }),
      );
    },
    async stop() {
      await Promise.all(consumers.splice(0).map((c) => c.stop()));
      await native.close();
      httpReview.close();
    },
  };
}
