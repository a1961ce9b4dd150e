import { randomBytes } from 'node:crypto';
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
  follow,
  makeEnvelope,
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
import type { MessageStore, RequestClaim, StoredMessage } from '../messages/store';

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
  /** How long a ban lookup is reused when no ban event drops it first (default 5 s). */
  banCacheTtlMs?: number;
}

/**
 * How old a claim without a sequence number must be before another send of the same RequestId
 * takes it over. Taking a number takes milliseconds; a claim this old belongs to a send whose
 * process died (a redelivery of that send finishes it sooner, under its own command id).
 */
const CLAIM_TAKEOVER_MS = 10_000;

const stillInProgress = () =>
  new AppError('IN_PROGRESS', 503, 'This message is still being processed; retry in 1 s');

/**
 * onair's own chat engine for `native` rooms: what IVS Chat does for `ivs` rooms, plus sequence
 * numbers, history, bans, rate limits and slow mode. The room lives only in onair's table, so
 * provisioning and settings need no provider call.
 */
export class NativeChatEngine implements ChatEngine {
  private readonly limits: RateLimiter;
  private readonly bans: BanCache;
  /** One warning per room per minute about its failing review webhook, not one per message. */
  private readonly reviewWarnings = new Throttle(60_000);

  constructor(private readonly deps: NativeEngineDeps) {
    this.bans = new BanCache(deps.store, { ttlMs: deps.banCacheTtlMs ?? 5000 });
    this.limits = deps.limits ?? new MemoryRateLimits();
  }

  /** Some instance banned or lifted a ban on this user (an `onair.chat.user.banned.v1` event). */
  banChanged(roomId: string, userId: string): void {
    this.bans.forget(roomId, userId);
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  readonly send = async (cmd: MessageOf<typeof ChatMessageSend>, room: RoomRecord): Promise<Envelope> => {
    const c = cmd.data;
    const s = room.settings;
    const userId = c.sender.userId;
    const ban = await this.bans.activeBan(room.roomId, userId, this.now());
    if (ban) {
      throw new AppError(
        'BANNED',
        403,
        ban.until ? `You are timed out in this room until ${ban.until}` : 'You are banned from this room',
      );
    }
    // A resend is answered with the message its first attempt made, before anything is checked
    // or counted again: it takes no rate-limit token and no sequence number.
    const known = await this.deps.store.requestClaim(room.roomId, userId, c.requestId);
    if (known) return this.finish(known, cmd);
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
    const messageId = randomBytes(9).toString('base64url');
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
    if (verdict.result === 'DENY')
      throw new AppError('MESSAGE_REJECTED', 406, 'Message rejected by moderation');

    // The claim comes before the sequence number: of two sends with one RequestId only the
    // one that claims it takes a number, and the other is answered with its message.
    const claim: RequestClaim = {
      requestId: c.requestId,
      owner: cmd.id,
      claimedAt: this.now().toISOString(),
      message: {
        roomId: room.roomId,
        messageId,
        requestId: c.requestId,
        sender: c.sender,
        content: verdict.content,
        ...(verdict.attributes && Object.keys(verdict.attributes).length
          ? { attributes: verdict.attributes }
          : {}),
        sendTime: this.now().toISOString(),
      },
    };
    const earlier = await this.deps.store.claimRequest(claim);
    return this.finish(earlier ?? claim, cmd);
  };

  /**
   * Take a claimed request to its end: a sequence number, the stored message, the event. Each
   * step happens once, whoever gets there: the send that claimed it, a redelivery of that send
   * (same command id), or a client's resend (another command) once the number is taken.
   */
  private async finish(claim: RequestClaim, cmd: Envelope): Promise<Envelope> {
    const { roomId } = claim.message;
    if (claim.seq === undefined) {
      if (claim.owner !== cmd.id) {
        // Another send holds the claim and is taking its number now, or stopped before it did
        // (its process died and its command is gone): only then is the claim taken over.
        const age = this.now().getTime() - Date.parse(claim.claimedAt);
        if (!(age > CLAIM_TAKEOVER_MS)) throw stillInProgress();
        if (!(await this.deps.store.takeOverClaim(claim, cmd.id, this.now().toISOString())))
          throw stillInProgress();
        claim = { ...claim, owner: cmd.id };
      }
      const seq = await this.deps.store.nextSeq(roomId);
      // Taken over meanwhile (this send was that slow): the other send answers, and this
      // number stays unused, which readers skip.
      if (!(await this.deps.store.setClaimSeq(claim, seq))) throw stillInProgress();
      const message: StoredMessage = { ...claim.message, seq };
      await this.deps.store.putMessage(message);
      const evt = this.messageEvent(message, cmd.correlationid, cmd.id);
      await this.deps.bus.publish(evt);
      return evt;
    }
    // The number is taken. The message is stored unless the send that took it stopped first:
    // then it is stored now, from the claim.
    let message = await this.deps.store.getMessage(roomId, claim.seq);
    if (!message) {
      message = { ...claim.message, seq: claim.seq };
      await this.deps.store.putMessageIfAbsent(message);
    }
    if (message.deleted)
      throw new AppError('MESSAGE_DELETED', 404, 'This message was sent and has since been deleted');
    // Published again: when the first publish was lost, this is how the room gets it (fanout
    // drops it as a copy otherwise); the reply answers the sender whatever fanout does.
    const evt = this.messageEvent(message, cmd.correlationid, cmd.id);
    await this.deps.bus.publish(evt);
    return evt;
  }

  /** The event of a stored message: its id derives from the message, so a replay publishes the same one. */
  private messageEvent(m: StoredMessage, correlationid?: string, causationid?: string): Envelope {
    const { deleted: _d, ...data } = m;
    return makeEnvelope({
      id: deriveId('chat.message', m.roomId, m.messageId),
      type: ChatMessageSent.type,
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
    const evt = follow(cmd, {
      type: ChatMessageDeleted.type,
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
    const evt = follow(cmd, {
      type: ChatUserDisconnected.type,
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
    const evt = follow(cmd, {
      type: ChatUserBanned.type,
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
    const evt = follow(cmd, {
      type: ChatEventSent.type,
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
    return follow(cmd, {
      type: ChatTokenCreated.type,
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

  /** Release what the engine holds open (the Redis connection of its rate limits). */
  async close(): Promise<void> {
    await this.limits.close();
  }
}
