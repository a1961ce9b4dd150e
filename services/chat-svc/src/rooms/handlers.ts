import {
  type Actor,
  ChatEventSend,
  ChatEventSent,
  ChatMessageDelete,
  ChatMessageDeleted,
  ChatRoomCreate,
  ChatRoomCreated,
  ChatRoomDelete,
  ChatRoomDeleted,
  ChatRoomUpdate,
  ChatRoomUpdated,
  ChatTokenCreate,
  ChatTokenCreated,
  ChatUserDisconnect,
  ChatUserDisconnected,
  type Envelope,
  follow,
  ownsOrAdmin,
} from '@onair/contracts';
import {
  badRequest,
  type Bus,
  conflict,
  forbidden,
  type Logger,
  type MessageContext,
  notFound,
  notImplemented,
} from '@onair/runtime';
import type { Static } from '@sinclair/typebox';
import { dataOf } from '@onair/runtime';
import type { IvsChatPort } from '../ivs-chat/port';
import type { NativeChat } from '../messages/handlers';
import type { WebhookUrlPolicy } from '../messages/review-webhook';
import { capabilitiesFor, isModerator } from './capabilities';
import { DEFAULT_SETTINGS } from './settings';
import { type RoomRecord, type RoomSettings, type RoomStore, toView } from './store';

export { DEFAULT_SETTINGS };

/**
 * The IVS message review handler for these settings. On update an empty uri removes a handler the
 * room had; on create no handler means no field at all.
 */
function reviewHandlerOf(s: RoomSettings, update: boolean) {
  const arn = s.moderation.reviewHandlerArn;
  if (!arn && !update) return {};
  return { messageReviewHandler: { uri: arn ?? '', fallbackResult: s.moderation.fallbackResult } };
}

/** This chat-svc was built without the native engine (NativeChat): a wiring mistake, said plainly. */
const NATIVE_ENGINE_MISSING =
  'native chat rooms on this chat-svc instance: it runs without the native message engine (check how chat-svc is built)';

export interface RoomHandlerDeps {
  bus: Bus;
  store: RoomStore;
  ivsChat: IvsChatPort;
  /** The native message engine; without it native rooms answer 501 for messaging. */
  native?: NativeChat;
  /** Which review webhook URLs a room may be given. */
  webhooks: WebhookUrlPolicy;
  logger: Logger;
  now?: () => Date;
}

/**
 * chat-svc's command handlers for rooms, tokens and IVS Chat moderation. Every handler is
 * idempotent: creates and deletes go through conditional writes and tombstones, and events are
 * published with ids derived from the command id, so a redelivered command repeats them exactly.
 */
export class RoomHandlers {
  constructor(private readonly d: RoomHandlerDeps) {}

  private now(): string {
    return (this.d.now?.() ?? new Date()).toISOString();
  }

  private reply<T>(cmd: Envelope, type: string, data: T, idParts: string[] = []): Envelope<T> {
    return follow(cmd, {
      type,
      source: 'chat-svc',
      subject: (data as { roomId?: string }).roomId,
      data,
      idParts,
    });
  }

  /** A room that exists and is usable, or a 404 naming the id. */
  private async activeRoom(idOrArn: string): Promise<RoomRecord> {
    const r = idOrArn.startsWith('arn:')
      ? await this.d.store.getByArn(idOrArn)
      : await this.d.store.get(idOrArn);
    if (r?.state !== 'active') throw notFound(`Chat room ${idOrArn} not found`);
    return r;
  }

  /**
   * A review webhook URL in these settings may be set by the room's owner, its moderators and
   * admins only (403), and must follow the URL rules (400; docs/chat.md, "Review webhook URLs").
   * Only a URL that changes is checked: a room keeps working when other settings change.
   */
  private checkReviewWebhook(
    roomId: string,
    actor: Static<typeof Actor>,
    ownerId: string,
    given: Partial<RoomSettings>,
    before?: RoomSettings,
  ): void {
    const url = given.moderation?.reviewWebhookUrl;
    if (url === undefined || url === before?.moderation.reviewWebhookUrl) return;
    if (!isModerator(actor, ownerId)) {
      throw forbidden(
        `Only the owner of chat room ${roomId}, its moderators and admins may set moderation.reviewWebhookUrl`,
      );
    }
    const checked = this.d.webhooks.check(url);
    if (!checked.ok)
      throw badRequest(`Invalid field 'settings.moderation.reviewWebhookUrl': it ${checked.refusal}`);
  }

  readonly create = async (cmd: Envelope, ctx: MessageContext): Promise<Envelope> => {
    const c = dataOf(ChatRoomCreate, cmd);
    this.checkReviewWebhook(c.roomId, c.actor, c.actor.userId, c.settings);
    const now = this.now();
    const record: RoomRecord = {
      roomId: c.roomId,
      ownerId: c.actor.userId,
      provider: c.provider,
      name: c.name,
      settings: { ...DEFAULT_SETTINGS, ...c.settings },
      lastSeq: 0,
      createdAt: now,
      updatedAt: now,
      state: 'creating',
      createCommandId: cmd.id,
      ...(c.streamId ? { streamId: c.streamId } : {}),
    };
    if (!(await this.d.store.putCreating(record))) {
      const existing = await this.d.store.get(c.roomId);
      if (existing?.state === 'deleted') throw conflict(`Chat room ${c.roomId} was deleted; use a new id`);
      if (existing?.createCommandId !== cmd.id) throw conflict(`Chat room ${c.roomId} already exists`);
      if (existing.state === 'active') return this.created(cmd, existing);
      // The same command, redelivered after a crash half way: resume with the stored record.
      Object.assign(record, { createdAt: existing.createdAt, updatedAt: existing.createdAt });
    }
    if (record.provider === 'ivs') {
      try {
        // The IVS room is named after our id, so a resumed create finds the room it made.
        const room =
          (await this.d.ivsChat.findRoomByName(record.roomId)) ??
          (await this.d.ivsChat.createRoom({
            name: record.roomId,
            maximumMessageRatePerSecond: record.settings.maximumMessageRatePerSecond,
            maximumMessageLength: record.settings.maximumMessageLength,
            ...reviewHandlerOf(record.settings, false),
            tags: { 'onair:roomId': record.roomId, 'onair:ownerId': record.ownerId },
          }));
        record.arn = room.arn;
      } catch (e) {
        await this.d.store.dropCreating(record.roomId, cmd.id);
        throw e;
      }
    }
    if (!(await this.d.store.activate(record))) {
      // Deleted while we were creating it (a compensating delete overtook us): leave nothing behind.
      if (record.arn) await this.d.ivsChat.deleteRoom(record.arn);
      throw conflict(`Chat room ${c.roomId} was deleted while it was being created`);
    }
    ctx.log.info({ roomId: record.roomId, provider: record.provider }, 'chat room created');
    return this.created(cmd, { ...record, state: 'active' });
  };

  private async created(cmd: Envelope, r: RoomRecord): Promise<Envelope> {
    const evt = this.reply(cmd, ChatRoomCreated.type, toView(r));
    await this.d.bus.publish(evt);
    return evt;
  }

  readonly update = async (cmd: Envelope): Promise<Envelope> => {
    const c = dataOf(ChatRoomUpdate, cmd);
    const room = await this.activeRoom(c.roomId);
    this.checkReviewWebhook(c.roomId, c.actor, room.ownerId, c.settings, room.settings);
    if (!ownsOrAdmin(c.actor, room.ownerId))
      throw forbidden(`Only the owner of chat room ${c.roomId} or an admin may change it`);
    const settings: RoomSettings = { ...room.settings, ...c.settings };
    const name = c.name ?? room.name;
    if (room.provider === 'ivs' && room.arn) {
      await this.d.ivsChat.updateRoom(room.arn, {
        maximumMessageRatePerSecond: settings.maximumMessageRatePerSecond,
        maximumMessageLength: settings.maximumMessageLength,
        ...reviewHandlerOf(settings, true),
      });
    }
    const updated = await this.d.store.update(room.roomId, name, settings, this.now());
    if (!updated) throw notFound(`Chat room ${c.roomId} not found`);
    const evt = this.reply(cmd, ChatRoomUpdated.type, toView(updated));
    await this.d.bus.publish(evt);
    return evt;
  };

  readonly remove = async (cmd: Envelope, ctx: MessageContext): Promise<Envelope> => {
    const c = dataOf(ChatRoomDelete, cmd);
    const existing = await this.d.store.get(c.roomId);
    if (existing && existing.state !== 'deleted' && !ownsOrAdmin(c.actor, existing.ownerId))
      throw forbidden(`Only the owner of chat room ${c.roomId} or an admin may delete it`);
    // Tombstone first: a create still in flight then fails its activation and cleans up itself.
    const before = await this.d.store.tombstone(c.roomId, c.actor.userId, this.now());
    const arn = before?.arn ?? existing?.arn;
    if (arn) await this.d.ivsChat.deleteRoom(arn);
    ctx.log.info({ roomId: c.roomId, existed: before?.state === 'active' }, 'chat room deleted');
    const evt = this.reply(cmd, ChatRoomDeleted.type, { roomId: c.roomId, ...(arn ? { arn } : {}) });
    await this.d.bus.publish(evt);
    return evt;
  };

  readonly token = async (cmd: Envelope): Promise<Envelope> => {
    const c = dataOf(ChatTokenCreate, cmd);
    const room = await this.activeRoom(c.roomId);
    if (room.provider === 'native' && this.d.native) {
      return this.d.native.token(cmd, room, c.defaultCapabilities ?? []);
    }
    if (room.provider !== 'ivs' || !room.arn)
      throw notImplemented(`Chat tokens for ${NATIVE_ENGINE_MISSING}`);
    const capabilities = capabilitiesFor(c.actor, room.ownerId, c.defaultCapabilities ?? []);
    const attributes: Record<string, string> = { ...c.attributes };
    if (c.displayName) attributes.displayName = c.displayName;
    const t = await this.d.ivsChat.createChatToken({
      roomArn: room.arn,
      userId: c.actor.userId,
      capabilities,
      sessionDurationInMinutes: c.sessionDurationInMinutes,
      attributes: Object.keys(attributes).length > 0 ? attributes : undefined,
    });
    // A reply only: a token is a secret and is never published.
    return this.reply(cmd, ChatTokenCreated.type, { roomId: room.roomId, ...t, capabilities });
  };

  /** The room when it is an active native room (handled by the native engine), else undefined. */
  async nativeRoom(roomId: string): Promise<RoomRecord | undefined> {
    const room = await this.activeRoom(roomId);
    return room.provider === 'native' ? room : undefined;
  }

  /** An IVS room the actor moderates (owner, moderator or admin). */
  private async moderatedIvsRoom(roomId: string, actor: Static<typeof Actor>, what: string) {
    const room = await this.activeRoom(roomId);
    if (!isModerator(actor, room.ownerId))
      throw forbidden(`Only moderators of chat room ${roomId} may ${what}`);
    if (room.provider !== 'ivs' || !room.arn) throw notImplemented(`Moderation in ${NATIVE_ENGINE_MISSING}`);
    return room as RoomRecord & { arn: string };
  }

  readonly deleteMessage = async (cmd: Envelope): Promise<Envelope> => {
    const c = dataOf(ChatMessageDelete, cmd);
    const native = await this.nativeRoom(c.roomId);
    if (native && this.d.native) return this.d.native.deleteMessage(cmd, native);
    const room = await this.moderatedIvsRoom(c.roomId, c.actor, 'delete messages');
    await this.d.ivsChat.deleteMessage(room.arn, c.messageId, c.reason);
    const evt = this.reply(cmd, ChatMessageDeleted.type, {
      roomId: room.roomId,
      messageId: c.messageId,
      deletedBy: c.actor.userId,
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.requestId ? { requestId: c.requestId } : {}),
    });
    await this.d.bus.publish(evt);
    return evt;
  };

  readonly disconnectUser = async (cmd: Envelope): Promise<Envelope> => {
    const c = dataOf(ChatUserDisconnect, cmd);
    const native = await this.nativeRoom(c.roomId);
    if (native && this.d.native) return this.d.native.disconnectUser(cmd, native);
    const room = await this.moderatedIvsRoom(c.roomId, c.actor, 'disconnect users');
    await this.d.ivsChat.disconnectUser(room.arn, c.userId, c.reason);
    const evt = this.reply(cmd, ChatUserDisconnected.type, {
      roomId: room.roomId,
      userId: c.userId,
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.requestId ? { requestId: c.requestId } : {}),
    });
    await this.d.bus.publish(evt);
    return evt;
  };

  readonly sendEvent = async (cmd: Envelope): Promise<Envelope> => {
    const c = dataOf(ChatEventSend, cmd);
    const native = await this.nativeRoom(c.roomId);
    if (native && this.d.native) return this.d.native.sendEvent(cmd, native);
    const room = await this.moderatedIvsRoom(c.roomId, c.actor, 'send events');
    const eventId = await this.d.ivsChat.sendEvent(room.arn, c.eventName, c.attributes);
    const evt = this.reply(cmd, ChatEventSent.type, {
      roomId: room.roomId,
      eventId,
      eventName: c.eventName,
      ...(c.attributes ? { attributes: c.attributes } : {}),
      sendTime: this.now(),
    });
    await this.d.bus.publish(evt);
    return evt;
  };
}
