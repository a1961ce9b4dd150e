import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { badRequest } from '@onair/runtime';
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
  Id,
} from '@onair/contracts';
import type { Bus, Consumer, Logger } from '@onair/runtime';
import { MessageRouter } from '@onair/runtime';
import { Type } from '@sinclair/typebox';
import { dataOf } from '@onair/runtime';
import type { IvsChatPort } from './ivs-chat/port';
import { NativeChat } from './messages/handlers';
import type { ReviewCall } from './messages/moderation';
import { MemoryRateLimits, type RateLimiter } from './messages/rate-limits';
import { RedisRateLimits } from './messages/redis-rate-limits';
import { createHttpReview, parseAllowedHosts, WebhookUrlPolicy } from './messages/review-webhook';
import { MessageStore } from './messages/store';
import { RoomHandlers } from './rooms/handlers';
import { RoomStore } from './rooms/store';

/** The room a send or ban is for (the rest of the command is checked by its handler). */
const RoomOf = { type: 'chat command', schema: Type.Object({ roomId: Id }) };

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
  /** How long a ban lookup is reused when no ban event drops it first (default 5 s). */
  banCacheTtlMs?: number;
}

/**
 * chat-svc as a factory: tests build it with real or fake ports, main.ts with the real ones.
 * Commands it does not handle yet (the native message engine) are answered 501 by the router.
 */
export function buildService(deps: Deps) {
  const store = new RoomStore(deps.ddb, deps.tableName);
  const messages = new MessageStore(deps.ddb, deps.tableName);
  const webhooks = new WebhookUrlPolicy(parseAllowedHosts(deps.reviewWebhookAllowedHosts));
  const httpReview = createHttpReview({ policy: webhooks });
  const redisLimits = deps.redisUrl
    ? new RedisRateLimits({ url: deps.redisUrl, keyPrefix: deps.redisKeyPrefix, logger: deps.logger })
    : undefined;
  const limits: RateLimiter = redisLimits ?? new MemoryRateLimits();
  const native = new NativeChat({
    bus: deps.bus,
    store: messages,
    chatTokenSecret: deps.chatTokenSecret,
    review: deps.review ?? httpReview,
    limits,
    logger: deps.logger,
    now: deps.now,
    banCacheTtlMs: deps.banCacheTtlMs,
  });
  const rooms = new RoomHandlers({
    native,
    bus: deps.bus,
    store,
    ivsChat: deps.ivsChat,
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
    .on(ChatMessageSend, async (cmd) =>
      native.send(cmd, await nativeRoomOf(cmd, 'clients send through IVS Chat')),
    )
    .on(ChatUserBan, async (cmd) =>
      native.ban(
        cmd,
        await nativeRoomOf(cmd, 'IVS Chat has no bans; disconnect the user (POST …/disconnections) instead'),
      ),
    );

  /** Sends and bans go through onair only for native rooms; IVS rooms are moderated on IVS. */
  // Every message needs its room's settings; a second-old copy is fine (a deleted room still
  // refuses messages: its sequence counter only moves while the room is active).
  const recentRooms = new Map<string, { room: Awaited<ReturnType<typeof rooms.nativeRoom>>; at: number }>();
  /** The command's native room; for an IVS room, a 400 that ends with `why` (what to do instead). */
  async function nativeRoomOf(cmd: { data: unknown }, why: string) {
    const { roomId } = dataOf(RoomOf, cmd);
    const now = Date.now();
    let hit = recentRooms.get(roomId);
    if (!hit || now - hit.at > 1000) {
      hit = { room: await rooms.nativeRoom(roomId), at: now };
      recentRooms.set(roomId, hit);
      if (recentRooms.size > 10_000) recentRooms.clear();
    }
    if (!hit.room) throw badRequest(`Chat room ${roomId} is an IVS Chat room: ${why}`);
    return hit.room;
  }
  const consumers: Consumer[] = [];
  return {
    router,
    store,
    messages,
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
      consumers.push(await deps.bus.consumeCommands('chat-svc', router.handle));
    },
    async stop() {
      await Promise.all(consumers.splice(0).map((c) => c.stop()));
      await native.close();
      httpReview.close();
    },
  };
}
