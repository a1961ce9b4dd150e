import {
  type Actor,
  type ChatProvider,
  type ChatEventSend,
  type ChatMessageDelete,
  type ChatMessageSend,
  type ChatRoomCreate,
  ChatRoomCreated,
  type ChatRoomDelete,
  ChatRoomDeleted,
  type ChatRoomUpdate,
  ChatRoomUpdated,
  type ChatTokenCreate,
  type ChatUserBan,
  type ChatUserDisconnect,
  type Envelope,
  ownsOrAdmin,
} from '@onair/contracts';
import {
  badRequest,
  type Bus,
  conflict,
  forbidden,
  type Logger,
  type MessageContext,
  type MessageOf,
  notFound,
} from '@onair/runtime';
import type { Static } from '@sinclair/typebox';
import { type ChatEngine, roomReply } from '../engines/engine';
import type { WebhookUrlPolicy } from '../messages/review-webhook';
import { isModerator } from './capabilities';
import { DEFAULT_SETTINGS } from './settings';
import { type RoomRecord, type RoomSettings, type RoomStore, toView } from './store';

type ChatProviderName = Static<typeof ChatProvider>;

export { DEFAULT_SETTINGS };

/**
 * How long a room's record is reused for its messages and bans. Its updates and deletes come on
 * its partition, to its owner, which drops the copy at once, and a take-over drops it too
 * (forgetRoom): the expiry is only a safety net.
 */
const ROOM_CACHE_MS = 300_000;

export interface RoomHandlerDeps {
  bus: Bus;
  store: RoomStore;
  /** The engine of each provider: what a room's commands do depends only on its provider. */
  engines: Record<ChatProviderName, ChatEngine>;
  /** Which review webhook URLs a room may be given. */
  webhooks: WebhookUrlPolicy;
  logger: Logger;
  now?: () => Date;
}

/**
 * chat-svc's command handlers for rooms: the room's lifecycle and settings here, and every other
 * room command handed to the room's engine (engines/: IVS Chat or onair's native engine). Every
 * handler is idempotent: creates and deletes go through conditional writes and tombstones, and
 * events are published with ids derived from the command id, so a redelivered command repeats
 * them exactly.
 */
export class RoomHandlers {
  /** Rooms as a send or ban read them, reused for ROOM_CACHE_MS (see `recentRoom`). */
  private readonly recentRooms = new Map<string, { room: RoomRecord; at: number }>();

  constructor(private readonly deps: RoomHandlerDeps) {}

  private now(): string {
    return (this.deps.now?.() ?? new Date()).toISOString();
  }

  private engineOf(room: RoomRecord): ChatEngine {
    return this.deps.engines[room.provider];
  }

  /** A room that exists and is usable, or a 404 naming the id. */
  private async activeRoom(idOrArn: string): Promise<RoomRecord> {
    const r = idOrArn.startsWith('arn:')
      ? await this.deps.store.getByArn(idOrArn)
      : await this.deps.store.get(idOrArn);
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
    const checked = this.deps.webhooks.check(url);
    if (!checked.ok)
      throw badRequest(`Invalid field 'settings.moderation.reviewWebhookUrl': it ${checked.refusal}`);
  }

  readonly create = async (cmd: MessageOf<typeof ChatRoomCreate>, ctx: MessageContext): Promise<Envelope> => {
    const c = cmd.data;
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
    if (!(await this.deps.store.putCreating(record))) {
      const existing = await this.deps.store.get(c.roomId);
      if (existing?.state === 'deleted') throw conflict(`Chat room ${c.roomId} was deleted; use a new id`);
      if (existing?.createCommandId !== cmd.id) throw conflict(`Chat room ${c.roomId} already exists`);
      if (existing.state === 'active') return this.created(cmd, existing);
      // The same command, redelivered after a crash half way: resume with the stored record.
      Object.assign(record, { createdAt: existing.createdAt, updatedAt: existing.createdAt });
    }
    try {
      Object.assign(record, await this.engineOf(record).provision(record));
    } catch (e) {
      await this.deps.store.dropCreating(record.roomId, cmd.id);
      throw e;
    }
    if (!(await this.deps.store.activate(record))) {
      // Deleted while we were creating it (a compensating delete overtook us): leave nothing behind.
      await this.engineOf(record).release(record);
      throw conflict(`Chat room ${c.roomId} was deleted while it was being created`);
    }
    ctx.log.info({ roomId: record.roomId, provider: record.provider }, 'chat room created');
    return this.created(cmd, { ...record, state: 'active' });
  };

  private async created(cmd: Envelope, r: RoomRecord): Promise<Envelope> {
    const evt = roomReply(cmd, ChatRoomCreated, r.roomId, toView(r));
    await this.deps.bus.publish(evt);
    return evt;
  }

  readonly update = async (cmd: MessageOf<typeof ChatRoomUpdate>): Promise<Envelope> => {
    const c = cmd.data;
    const room = await this.activeRoom(c.roomId);
    this.checkReviewWebhook(c.roomId, c.actor, room.ownerId, c.settings, room.settings);
    if (!ownsOrAdmin(c.actor, room.ownerId))
      throw forbidden(`Only the owner of chat room ${c.roomId} or an admin may change it`);
    const settings: RoomSettings = { ...room.settings, ...c.settings };
    const name = c.name ?? room.name;
    await this.engineOf(room).applySettings(room, settings);
    const updated = await this.deps.store.update(room.roomId, name, settings, this.now());
    this.recentRooms.delete(c.roomId); // the room's owner (this instance: same partition) sees it at once
    if (!updated) throw notFound(`Chat room ${c.roomId} not found`);
    const evt = roomReply(cmd, ChatRoomUpdated, updated.roomId, toView(updated));
    await this.deps.bus.publish(evt);
    return evt;
  };

  readonly remove = async (cmd: MessageOf<typeof ChatRoomDelete>, ctx: MessageContext): Promise<Envelope> => {
    const c = cmd.data;
    const existing = await this.deps.store.get(c.roomId);
    if (existing && existing.state !== 'deleted' && !ownsOrAdmin(c.actor, existing.ownerId))
      throw forbidden(`Only the owner of chat room ${c.roomId} or an admin may delete it`);
    // Tombstone first: a create still in flight then fails its activation and cleans up itself.
    const before = await this.deps.store.tombstone(c.roomId, c.actor.userId, this.now());
    this.recentRooms.delete(c.roomId);
    const arn = before?.arn ?? existing?.arn;
    const provider = before?.provider ?? existing?.provider;
    if (provider) await this.deps.engines[provider].release({ arn });
    ctx.log.info({ roomId: c.roomId, existed: before?.state === 'active' }, 'chat room deleted');
    const evt = roomReply(cmd, ChatRoomDeleted, c.roomId, { roomId: c.roomId, ...(arn ? { arn } : {}) });
    await this.deps.bus.publish(evt);
    return evt;
  };

  readonly token = async (cmd: MessageOf<typeof ChatTokenCreate>): Promise<Envelope> => {
    const room = await this.activeRoom(cmd.data.roomId);
    return this.engineOf(room).token(cmd, room);
  };

  readonly deleteMessage = async (cmd: MessageOf<typeof ChatMessageDelete>): Promise<Envelope> => {
    const room = await this.activeRoom(cmd.data.roomId);
    return this.engineOf(room).deleteMessage(cmd, room);
  };

  readonly disconnectUser = async (cmd: MessageOf<typeof ChatUserDisconnect>): Promise<Envelope> => {
    const room = await this.activeRoom(cmd.data.roomId);
    return this.engineOf(room).disconnectUser(cmd, room);
  };

  readonly sendEvent = async (cmd: MessageOf<typeof ChatEventSend>): Promise<Envelope> => {
    const room = await this.activeRoom(cmd.data.roomId);
    return this.engineOf(room).sendEvent(cmd, room);
  };

  readonly send = async (cmd: MessageOf<typeof ChatMessageSend>): Promise<Envelope> => {
    const room = await this.recentRoom(cmd.data.roomId);
    return this.engineOf(room).send(cmd, room, () => this.recentRoom(cmd.data.roomId));
  };

  readonly ban = async (cmd: MessageOf<typeof ChatUserBan>): Promise<Envelope> => {
    const room = await this.recentRoom(cmd.data.roomId);
    return this.engineOf(room).ban(cmd, room);
  };

  /** This instance took the room over: its record may have changed while another instance owned it. */
  forgetRoom(roomId: string): void {
    this.recentRooms.delete(roomId);
  }

  /**
   * The active room for a send or a ban. Every message needs its room's settings, and reading
   * them per message would cost a DynamoDB read each. Updates and deletes of a room come on its
   * partition, so its owner (this instance) drops the copy as soon as they happen, and drops it
   * when it takes the room over (another owner may have changed it meanwhile); the send that
   * takes it over reads it again (`current` of ChatEngine.send).
   */
  private async recentRoom(roomId: string): Promise<RoomRecord> {
    const now = Date.now();
    let hit = this.recentRooms.get(roomId);
    if (!hit || now - hit.at > ROOM_CACHE_MS) {
      hit = { room: await this.activeRoom(roomId), at: now };
      this.recentRooms.set(roomId, hit);
      if (this.recentRooms.size > 10_000) this.recentRooms.clear();
    }
    return hit.room;
  }
}
