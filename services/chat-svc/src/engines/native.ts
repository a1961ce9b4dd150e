import {
  type ChatEventSend,
  ChatEventSent,
  type ChatMessageDelete,
  ChatMessageDeleted,
  type ChatMessageSend,
  ChatMessageSent,
  type ChatTokenCreate,
  ChatTokenCreated,
  type ChatUserBan,
  ChatUserBanned,
  type ChatUserDisconnect,
  ChatUserDisconnected,
  deriveId,
  type Envelope,
  followWith,
  envelopeOf,
} from '@onair/contracts';
import { AppError, type Bus, badRequest, type Logger, mintChatToken, notFound } from '@onair/runtime';
import type { MessageOf } from '@onair/runtime';
import { capabilitiesFor, mustModerate } from '../rooms/capabilities';
import type { RoomRecord } from '../rooms/store';
import type { ChatEngine } from './engine';
import { Throttle } from '../throttle';
import { BanCache } from '../messages/ban-cache';
import { moderate, type ReviewCall } from '../messages/moderation';
import { MemoryRateLimits, type RateLimiter } from '../messages/rate-limits';
import { MessageCommits } from '../messages/commits';
import { type OwnedRoom, OwnedRooms, type OwnedRoomsOptions, requestKey } from '../messages/owned-rooms';
import type { MessageStore, StoredMessage } from '../messages/store';
import { messageIdFor } from '../table';
import { randomIdPart } from '../messages/random-ids';

export interface NativeEngineDeps {
  bus: Bus;
  store: MessageStore;
  /** Secret the gateway checks native chat tokens with. */
  chatTokenSecret?: string;
  /** How long a native chat token lasts before the client refreshes it (the session lasts longer). */
  tokenTtlSeconds?: number;
  /** How review webhooks are called (the SSRF-safe HTTP client in production). */
  review: ReviewCall;
  /** Per room and per user rate limits and slow mode (in memory unless given: Redis). */
  limits?: RateLimiter;
  logger?: Logger;
  now?: () => Date;
  /**
   * How long a ban lookup is reused when nothing drops it first (default 5 min). A room's bans
   * come on its partition, so its owner drops the entry the moment it bans, and drops all of the
   * room's entries when it takes the room over; every other instance drops it on the ban event.
   * The expiry only covers an event missed in a reconnect.
   */
  banCacheTtlMs?: number;
  /**
   * How rooms are owned: numbers reserved per lease write, idle check, RequestIds remembered, and
   * who else drops what it cached of a room this instance takes over (RoomHandlers' records).
   */
  ownership?: OwnedRoomsOptions;
  /** Under load, one group commit this often (MessageCommits; default 20 ms). */
  commitPaceMs?: number;
}

/**
 * onair's own chat engine for `native` rooms: what IVS Chat does for `ivs` rooms, plus sequence
 * numbers, history, bans, rate limits and slow mode. The room lives only in onair's table, so
 * provisioning and settings need no provider call.
 */
export class NativeChatEngine implements ChatEngine {
  private readonly limits: RateLimiter;
  private readonly bans: BanCache;
  /** The rooms this instance owns (their sequences and recent RequestIds, in memory). */
  private readonly rooms: OwnedRooms;
  private readonly commits: MessageCommits;
  /** One warning per room per minute about its failing review webhook, not one per message. */
  private readonly reviewWarnings = new Throttle(60_000);

  constructor(private readonly deps: NativeEngineDeps) {
    this.bans = new BanCache(deps.store, { ttlMs: deps.banCacheTtlMs ?? 300_000 });
    this.limits = deps.limits ?? new MemoryRateLimits();
    this.rooms = new OwnedRooms(deps.store, {
      now: () => this.now().getTime(),
      ...deps.ownership,
      onTakeOver: (roomId) => {
        this.bans.forgetRoom(roomId);
        deps.ownership?.onTakeOver?.(roomId);
      },
    });
    this.commits = new MessageCommits(deps.store, { paceMs: deps.commitPaceMs });
  }

  /** This instance's consumer of a partition lost its channel (see OwnedRooms.recheckPartition). */
  partitionDetached(partition: number): void {
    this.rooms.recheckPartition(partition);
  }

  /** Some instance banned or lifted a ban on this user (an `onair.chat.user.banned.v1` event). */
  banChanged(roomId: string, userId: string): void {
    this.bans.forget(roomId, userId);
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  readonly send = async (
    cmd: MessageOf<typeof ChatMessageSend>,
    seen: RoomRecord,
    current?: () => Promise<RoomRecord>,
  ): Promise<Envelope> => {
    const c = cmd.data;
    const userId = c.sender.userId;
    // Owned first: a take-over drops what this instance cached of the room and its bans, and
    // the record this send came with was read before it, so it is read again.
    const owned = await this.rooms.own(seen.roomId);
    const room = owned.recordStale && current ? await current() : seen;
    owned.recordStale = false;
    const ban = await this.bans.activeBan(room.roomId, userId, this.now());
    if (ban) {
      throw new AppError(
        'BANNED',
        403,
        ban.until ? `You are timed out in this room until ${ban.until}` : 'You are banned from this room',
      );
    }
    // A resend is answered with the message its first attempt made (or waits for that attempt),
    // before anything is checked or counted again: it takes no rate-limit token and no number.
    const key = requestKey(userId, c.requestId);
    const earlier = owned.requests.get(key);
    if (earlier !== undefined)
      return this.replay(
        typeof earlier === 'number' ? await this.stored(room.roomId, earlier) : await earlier,
        cmd,
      );
    const accepting = this.accept(cmd, room, owned);
    this.rooms.remember(owned, key, accepting);
    const message = await accepting;
    const evt = this.messageEvent(message, cmd.correlationid, cmd.id);
    await this.deps.bus.publish(evt);
    return evt;
  };

  /** Check a new message, give it the room's next number and store it (in a group commit). */
  private async accept(
    cmd: MessageOf<typeof ChatMessageSend>,
    room: RoomRecord,
    owned: OwnedRoom,
  ): Promise<StoredMessage> {
    const c = cmd.data;
    const s = room.settings;
    const userId = c.sender.userId;
    const length = [...c.content].length;
    if (length === 0) throw badRequest('The message is empty');
    if (length > s.maximumMessageLength) {
      throw new AppError(
        'TOO_LONG',
        413,
        `The message has ${length} characters; this room allows ${s.maximumMessageLength}`,
      );
    }
    const refusal = await this.limits.check(room.roomId, userId, s, this.now().getTime());
    if (refusal) throw new AppError('RATE_LIMITED', 429, refusal);
    // The number comes before moderation: the id a review webhook sees (it carries the number,
    // table.ts messageIdFor) is the id the message is stored and shown with.
    const seq = await this.rooms.nextSeq(owned);
    const messageId = messageIdFor(seq, randomIdPart());
    const verdict = await moderate(
      s,
      { content: c.content, attributes: c.attributes, roomId: room.roomId, userId, messageId },
      this.deps.review,
      (reason) => {
        if (this.reviewWarnings.ready(room.roomId)) {
          this.deps.logger?.warn(
            { roomId: room.roomId, reason, fallbackResult: s.moderation.fallbackResult },
            'review webhook failed; the room fallbackResult decided',
          );
        }
      },
    );
    const base = { roomId: room.roomId, messageId, seq, requestId: c.requestId, sender: c.sender };
    if (verdict.result === 'DENY') {
      // Its number is kept by a tombstone, so readers and the gateways' gap fill move past it at
      // once instead of waiting for a message that will never come.
      this.commits
        .commit({ ...base, content: '', deleted: true, sendTime: this.now().toISOString() })
        .catch((err: unknown) =>
          this.deps.logger?.warn(
            { err, roomId: room.roomId, seq },
            'the tombstone of a denied message was not stored',
          ),
        );
      throw new AppError('MESSAGE_REJECTED', 406, 'Message rejected by moderation');
    }
    const message: StoredMessage = {
      ...base,
      content: verdict.content,
      ...(verdict.attributes && Object.keys(verdict.attributes).length
        ? { attributes: verdict.attributes }
        : {}),
      sendTime: this.now().toISOString(),
    };
    // A number whose message is not stored (the write failed) stays unused; readers skip it.
    await this.commits.commit(message);
    return message;
  }

  /**
   * A resend of a stored message: answered with it, and its event published again (when the
   * first publish was lost, this is how the room gets it; fanout drops it as a copy otherwise).
   */
  private async replay(message: StoredMessage, cmd: Envelope): Promise<Envelope> {
    if (message.deleted)
      throw new AppError('MESSAGE_DELETED', 404, 'This message was sent and has since been deleted');
    const evt = this.messageEvent(message, cmd.correlationid, cmd.id);
    await this.deps.bus.publish(evt);
    return evt;
  }

  /** The event of a stored message: its id derives from the message, so a replay publishes the same one. */
  private messageEvent(m: StoredMessage, correlationid?: string, causationid?: string): Envelope {
    const { deleted: _d, ...data } = m;
    return envelopeOf(ChatMessageSent, {
      id: deriveId('chat.message', m.roomId, m.messageId),
      source: 'chat-svc',
      subject: m.roomId,
      correlationid,
      causationid,
      time: new Date(m.sendTime),
      data,
    });
  }

  readonly deleteMessage = async (
    cmd: MessageOf<typeof ChatMessageDelete>,
    room: RoomRecord,
  ): Promise<Envelope> => {
    const c = cmd.data;
    mustModerate(c.actor, room, 'delete messages');
    const seq = await this.deps.store.seqOf(room.roomId, c.messageId);
    if (seq === undefined) throw notFound(`Message ${c.messageId} not found in room ${room.roomId}`);
    await this.deps.store.tombstone(room.roomId, seq);
    const evt = followWith(ChatMessageDeleted, cmd, {
      source: 'chat-svc',
      subject: room.roomId,
      data: {
        roomId: room.roomId,
        messageId: c.messageId,
        seq,
        deletedBy: c.actor.userId,
        ...(c.reason ? { reason: c.reason } : {}),
        ...(c.requestId ? { requestId: c.requestId } : {}),
      },
    });
    await this.deps.bus.publish(evt);
    return evt;
  };

  readonly disconnectUser = async (
    cmd: MessageOf<typeof ChatUserDisconnect>,
    room: RoomRecord,
  ): Promise<Envelope> => {
    const c = cmd.data;
    mustModerate(c.actor, room, 'disconnect users');
    const evt = followWith(ChatUserDisconnected, cmd, {
      source: 'chat-svc',
      subject: room.roomId,
      data: {
        roomId: room.roomId,
        userId: c.userId,
        ...(c.reason ? { reason: c.reason } : {}),
        ...(c.requestId ? { requestId: c.requestId } : {}),
      },
    });
    await this.deps.bus.publish(evt);
    return evt;
  };

  /** Ban (no `until`), time out (`until`), or lift (`lift`). Bans are stored: they survive reconnects. */
  readonly ban = async (cmd: MessageOf<typeof ChatUserBan>, room: RoomRecord): Promise<Envelope> => {
    const c = cmd.data;
    mustModerate(c.actor, room, 'ban users');
    if (c.until && Date.parse(c.until) <= this.now().getTime())
      throw badRequest('`until` must be in the future');
    if (c.lift) await this.deps.store.liftBan(room.roomId, c.userId);
    else await this.deps.store.ban(room.roomId, c.userId, c.until, c.reason);
    this.bans.forget(room.roomId, c.userId); // other instances forget it on the event below
    const evt = followWith(ChatUserBanned, cmd, {
      source: 'chat-svc',
      subject: room.roomId,
      data: {
        roomId: room.roomId,
        userId: c.userId,
        lifted: Boolean(c.lift),
        ...(c.until ? { until: c.until } : {}),
        ...(c.reason ? { reason: c.reason } : {}),
      },
    });
    await this.deps.bus.publish(evt);
    return evt;
  };

  readonly sendEvent = async (cmd: MessageOf<typeof ChatEventSend>, room: RoomRecord): Promise<Envelope> => {
    const c = cmd.data;
    mustModerate(c.actor, room, 'send events');
    const evt = followWith(ChatEventSent, cmd, {
      source: 'chat-svc',
      subject: room.roomId,
      data: {
        roomId: room.roomId,
        eventId: deriveId(cmd.id, 'event'),
        eventName: c.eventName,
        ...(c.attributes ? { attributes: c.attributes } : {}),
        sendTime: this.now().toISOString(),
      },
    });
    await this.deps.bus.publish(evt);
    return evt;
  };

  /** Nothing to make, remove or change outside onair's own table. */
  async provision(): Promise<{ arn?: string }> {
    return {};
  }

  async release(): Promise<void> {}

  async applySettings(): Promise<void> {}

  readonly token = async (cmd: MessageOf<typeof ChatTokenCreate>, room: RoomRecord): Promise<Envelope> => {
    const c = cmd.data;
    const floor = c.defaultCapabilities ?? [];
    if (!this.deps.chatTokenSecret) {
      throw new AppError(
        'NOT_CONFIGURED',
        501,
        'Native chat tokens need CHAT_TOKEN_SECRET on chat-svc and the gateway',
      );
    }
    const ban = await this.bans.activeBan(room.roomId, c.actor.userId, this.now());
    if (ban)
      throw new AppError(
        'BANNED',
        403,
        ban.until ? `You are timed out in this room until ${ban.until}` : 'You are banned from this room',
      );
    const capabilities = capabilitiesFor(c.actor, room.ownerId, floor);
    const attributes: Record<string, string> = { ...c.attributes };
    if (c.displayName) attributes.displayName = c.displayName;
    const minutes = c.sessionDurationInMinutes ?? 60;
    const { token, grant } = await mintChatToken(
      this.deps.chatTokenSecret,
      {
        roomId: room.roomId,
        userId: c.actor.userId,
        capabilities,
        attributes,
        sessionExpirationTime: new Date(this.now().getTime() + minutes * 60_000).toISOString(),
      },
      this.deps.tokenTtlSeconds ?? 15 * 60,
    );
    return followWith(ChatTokenCreated, cmd, {
      source: 'chat-svc',
      subject: room.roomId,
      data: {
        roomId: room.roomId,
        token,
        sessionExpirationTime: grant.sessionExpirationTime,
        tokenExpirationTime: grant.tokenExpirationTime,
        capabilities,
      },
    });
  };

  /** A message this room's owner knows was stored (a resend's original, read back with its tombstone). */
  private async stored(roomId: string, seq: number): Promise<StoredMessage> {
    const m = await this.deps.store.getMessage(roomId, seq);
    if (!m) throw new AppError('IN_PROGRESS', 503, 'This message is still being stored; retry in 1 s');
    return m;
  }

  /**
   * A clean stop (after the consumers stopped): the last batches stored, every room's unused
   * numbers given back, the Redis connection of the rate limits closed.
   */
  async close(): Promise<void> {
    await this.commits.drain();
    await this.rooms.releaseAll();
    await this.limits.close();
  }
}
