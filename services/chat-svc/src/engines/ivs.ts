import {
  type ChatEventSend,
  ChatEventSent,
  type ChatMessageDelete,
  ChatMessageDeleted,
  type ChatMessageSend,
  type ChatTokenCreate,
  ChatTokenCreated,
  type ChatUserBan,
  type ChatUserDisconnect,
  ChatUserDisconnected,
  type Envelope,
} from '@onair/contracts';
import { AppError, badRequest, type Bus, type MessageOf } from '@onair/runtime';
import type { IvsChatPort } from '../ivs-chat/port';
import { capabilitiesFor, mustModerate } from '../rooms/capabilities';
import type { RoomRecord, RoomSettings } from '../rooms/store';
import { type ChatEngine, roomReply } from './engine';

/**
 * The IVS message review handler for these settings. On update an empty uri removes a handler the
 * room had; on create no handler means no field at all.
 */
function reviewHandlerOf(s: RoomSettings, update: boolean) {
  const arn = s.moderation.reviewHandlerArn;
  if (!arn && !update) return {};
  return { messageReviewHandler: { uri: arn ?? '', fallbackResult: s.moderation.fallbackResult } };
}

/**
 * The engine of `ivs` rooms: the room, its tokens and its moderation live on AWS IVS Chat, and
 * clients send and receive on IVS's own socket. Sends and bans never reach onair for these rooms.
 */
export class IvsChatEngine implements ChatEngine {
  constructor(private readonly deps: { bus: Bus; ivsChat: IvsChatPort; now?: () => Date }) {}

  async provision(room: RoomRecord): Promise<{ arn?: string }> {
    // The IVS room is named after our id, so a resumed create finds the room it made.
    const made =
      (await this.deps.ivsChat.findRoomByName(room.roomId)) ??
      (await this.deps.ivsChat.createRoom({
        name: room.roomId,
        maximumMessageRatePerSecond: room.settings.maximumMessageRatePerSecond,
        maximumMessageLength: room.settings.maximumMessageLength,
        ...reviewHandlerOf(room.settings, false),
        tags: { 'onair:roomId': room.roomId, 'onair:ownerId': room.ownerId },
      }));
    return { arn: made.arn };
  }

  async release(room: Pick<RoomRecord, 'arn'>): Promise<void> {
    if (room.arn) await this.deps.ivsChat.deleteRoom(room.arn);
  }

  async applySettings(room: RoomRecord, settings: RoomSettings): Promise<void> {
    await this.deps.ivsChat.updateRoom(this.arnOf(room), {
      maximumMessageRatePerSecond: settings.maximumMessageRatePerSecond,
      maximumMessageLength: settings.maximumMessageLength,
      ...reviewHandlerOf(settings, true),
    });
  }

  readonly token = async (cmd: MessageOf<typeof ChatTokenCreate>, room: RoomRecord): Promise<Envelope> => {
    const c = cmd.data;
    const capabilities = capabilitiesFor(c.actor, room.ownerId, c.defaultCapabilities ?? []);
    const attributes: Record<string, string> = { ...c.attributes };
    if (c.displayName) attributes.displayName = c.displayName;
    const t = await this.deps.ivsChat.createChatToken({
      roomArn: this.arnOf(room),
      userId: c.actor.userId,
      capabilities,
      sessionDurationInMinutes: c.sessionDurationInMinutes,
      attributes: Object.keys(attributes).length > 0 ? attributes : undefined,
    });
    // A reply only: a token is a secret and is never published.
    return roomReply(cmd, ChatTokenCreated, room.roomId, { roomId: room.roomId, ...t, capabilities });
  };

  readonly send = async (_cmd: MessageOf<typeof ChatMessageSend>, room: RoomRecord): Promise<Envelope> => {
    throw badRequest(`Chat room ${room.roomId} is an IVS Chat room: clients send through IVS Chat`);
  };

  readonly ban = async (_cmd: MessageOf<typeof ChatUserBan>, room: RoomRecord): Promise<Envelope> => {
    throw badRequest(
      `Chat room ${room.roomId} is an IVS Chat room: IVS Chat has no bans; disconnect the user (POST …/disconnections) instead`,
    );
  };

  readonly deleteMessage = async (
    cmd: MessageOf<typeof ChatMessageDelete>,
    room: RoomRecord,
  ): Promise<Envelope> => {
    const c = cmd.data;
    mustModerate(c.actor, room, 'delete messages');
    await this.deps.ivsChat.deleteMessage(this.arnOf(room), c.messageId, c.reason);
    return this.published(
      roomReply(cmd, ChatMessageDeleted, room.roomId, {
        roomId: room.roomId,
        messageId: c.messageId,
        deletedBy: c.actor.userId,
        ...(c.reason ? { reason: c.reason } : {}),
        ...(c.requestId ? { requestId: c.requestId } : {}),
      }),
    );
  };

  readonly disconnectUser = async (
    cmd: MessageOf<typeof ChatUserDisconnect>,
    room: RoomRecord,
  ): Promise<Envelope> => {
    const c = cmd.data;
    mustModerate(c.actor, room, 'disconnect users');
    await this.deps.ivsChat.disconnectUser(this.arnOf(room), c.userId, c.reason);
    return this.published(
      roomReply(cmd, ChatUserDisconnected, room.roomId, {
        roomId: room.roomId,
        userId: c.userId,
        ...(c.reason ? { reason: c.reason } : {}),
        ...(c.requestId ? { requestId: c.requestId } : {}),
      }),
    );
  };

  readonly sendEvent = async (cmd: MessageOf<typeof ChatEventSend>, room: RoomRecord): Promise<Envelope> => {
    const c = cmd.data;
    mustModerate(c.actor, room, 'send events');
    const eventId = await this.deps.ivsChat.sendEvent(this.arnOf(room), c.eventName, c.attributes);
    return this.published(
      roomReply(cmd, ChatEventSent, room.roomId, {
        roomId: room.roomId,
        eventId,
        eventName: c.eventName,
        ...(c.attributes ? { attributes: c.attributes } : {}),
        sendTime: (this.deps.now?.() ?? new Date()).toISOString(),
      }),
    );
  };

  private async published(evt: Envelope): Promise<Envelope> {
    await this.deps.bus.publish(evt);
    return evt;
  }

  /** An active IVS room always has its ARN (it is set before the room becomes active). */
  private arnOf(room: RoomRecord): string {
    if (!room.arn) throw new AppError('INTERNAL', 500, `IVS chat room ${room.roomId} has no ARN`);
    return room.arn;
  }
}
