// IVS Chat control plane: rooms, chat tokens and the server-side moderation calls
// (docs/protocols/ivs-chat.md#control-plane). Delivery to connected clients goes through a ChatHub, which the messaging
// WebSocket (messaging-ws.ts) implements.
import { ServiceError, notFound, validation } from './errors';
import { opaqueToken, resourceId } from './ids';
import {
  type Input,
  optionalEnum,
  optionalInt,
  optionalString,
  optionalStringMap,
  optionalTags,
  paginate,
  requireString,
} from './validate';

const ROOM_ARN = /^arn:aws:ivschat:[a-z0-9-]+:[0-9]+:room\/[a-zA-Z0-9-]+$/;
const NAME = /^[a-zA-Z0-9-_]*$/;
const LAMBDA_ARN = /^$|^arn:aws:lambda:[a-z0-9-]+:[0-9]{12}:function:.+$/;
const LOGGING_CONFIGURATION = /^arn:aws:ivschat:[a-z0-9-]+:[0-9]+:logging-configuration\/[a-zA-Z0-9-]+$/;
export const CAPABILITIES = ['SEND_MESSAGE', 'DELETE_MESSAGE', 'DISCONNECT_USER'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export interface RoomRecord {
  seq: number;
  id: string;
  arn: string;
  name: string;
  createTime: string;
  updateTime: string;
  maximumMessageRatePerSecond: number;
  maximumMessageLength: number;
  messageReviewHandler?: { uri: string; fallbackResult: string };
  tags: Record<string, string>;
  loggingConfigurationIdentifiers: string[];
}

/** What a chat token stands for. The token itself is an opaque random string looked up here. */
export interface ChatSession {
  roomArn: string;
  userId: string;
  capabilities: Capability[];
  attributes: Record<string, string>;
  tokenExpiresAt: number;
  sessionExpiresAt: number;
}

/** Delivery to connected clients; the same calls serve the control plane and WebSocket requests. */
export interface ChatHub {
  sendEvent(
    roomArn: string,
    eventName: string,
    attributes?: Record<string, string>,
    requestId?: string,
  ): string;
  deleteMessage(roomArn: string, messageId: string, reason?: string, requestId?: string): string;
  disconnectUser(roomArn: string, userId: string, reason?: string, requestId?: string): void;
  closeRoom(roomArn: string): void;
}

export interface ChatRoomsOptions {
  region: string;
  accountId: string;
  /** Rooms per account before CreateRoom answers ServiceQuotaExceededException (402). */
  maxRooms: number;
  /** Upper bound on tokenExpirationTime, from creation (capped by the session expiry). */
  tokenTtlMs: number;
}

export type TokenRedemption =
  | { ok: true; session: ChatSession; room: RoomRecord }
  | { ok: false; status: 401 | 404; reason: string };

export class ChatRooms {
  private readonly rooms = new Map<string, RoomRecord>();
  private readonly tokens = new Map<string, ChatSession>();
  private seq = 0;
  hub?: ChatHub;

  constructor(private readonly opts: ChatRoomsOptions) {}

  // ---- rooms ----------------------------------------------------------------------------------

  createRoom(input: Input) {
    const fields = this.roomFields(input);
    const tags = optionalTags(input) ?? {};
    if (this.rooms.size >= this.opts.maxRooms) {
      throw new ServiceError('ServiceQuotaExceededException', 'Room quota exceeded', {
        resourceId: '',
        resourceType: 'ROOM',
        limit: this.opts.maxRooms,
      });
    }
    const id = resourceId();
    const now = new Date().toISOString();
    const room: RoomRecord = {
      seq: ++this.seq,
      id,
      arn: `arn:aws:ivschat:${this.opts.region}:${this.opts.accountId}:room/${id}`,
      name: '',
      createTime: now,
      updateTime: now,
      maximumMessageRatePerSecond: 10,
      maximumMessageLength: 500,
      loggingConfigurationIdentifiers: [],
      ...fields,
      tags,
    };
    this.rooms.set(room.arn, room);
    return roomOut(room);
  }

  getRoom(input: Input) {
    return roomOut(this.room(requireString(input, 'identifier', ROOM_ARN)));
  }

  updateRoom(input: Input) {
    const room = this.room(requireString(input, 'identifier', ROOM_ARN));
    Object.assign(room, this.roomFields(input));
    // An empty uri removes the handler (docs/protocols/ivs-chat.md#control-plane).
    if (room.messageReviewHandler?.uri === '') room.messageReviewHandler = undefined;
    room.updateTime = new Date(Math.max(Date.now(), Date.parse(room.updateTime) + 1)).toISOString();
    return roomOut(room);
  }

  deleteRoom(input: Input): void {
    const room = this.room(requireString(input, 'identifier', ROOM_ARN));
    this.rooms.delete(room.arn);
    for (const [token, session] of this.tokens) if (session.roomArn === room.arn) this.tokens.delete(token);
    this.hub?.closeRoom(room.arn);
  }

  listRooms(input: Input) {
    const name = optionalString(input, 'name', NAME, 128);
    const uri = optionalString(input, 'messageReviewHandlerUri', LAMBDA_ARN, 170);
    const logging = optionalString(input, 'loggingConfigurationIdentifier', LOGGING_CONFIGURATION);
    const maxResults = optionalInt(input, 'maxResults', 1, 50) ?? 50;
    const nextToken = optionalString(input, 'nextToken');
    const matching = [...this.rooms.values()]
      .filter((r) => name === undefined || r.name === name)
      .filter((r) => uri === undefined || r.messageReviewHandler?.uri === uri)
      .filter((r) => logging === undefined || r.loggingConfigurationIdentifiers.includes(logging))
      // Sorted by updateTime descending (docs/protocols/ivs-chat.md#control-plane); newest-created first on ties.
      .sort((a, b) => b.updateTime.localeCompare(a.updateTime) || b.seq - a.seq);
    const { page, nextToken: next } = paginate(matching, nextToken, maxResults);
    return {
      rooms: page.map((r) => ({
        arn: r.arn,
        id: r.id,
        name: r.name,
        ...(r.messageReviewHandler ? { messageReviewHandler: { ...r.messageReviewHandler } } : {}),
        createTime: r.createTime,
        updateTime: r.updateTime,
        tags: { ...r.tags },
        loggingConfigurationIdentifiers: [...r.loggingConfigurationIdentifiers],
      })),
      ...(next ? { nextToken: next } : {}),
    };
  }

  // ---- tokens ---------------------------------------------------------------------------------

  createChatToken(input: Input) {
    const room = this.room(requireString(input, 'roomIdentifier', ROOM_ARN));
    const userId = requireString(input, 'userId', undefined, 128);
    if (userId.length < 1) throw validation('userId must not be empty', 'userId');
    const capabilities = input.capabilities ?? [];
    if (
      !Array.isArray(capabilities) ||
      capabilities.some((c) => !CAPABILITIES.includes(c as Capability)) ||
      new Set(capabilities).size !== capabilities.length
    ) {
      throw validation(`capabilities must be a subset of ${CAPABILITIES.join(', ')}`, 'capabilities');
    }
    const sessionMinutes = optionalInt(input, 'sessionDurationInMinutes', 1, 180) ?? 60;
    const attributes = optionalStringMap(input, 'attributes', { maxTotalBytes: 1024 }) ?? {};
    const now = Date.now();
    const sessionExpiresAt = now + sessionMinutes * 60_000;
    const tokenExpiresAt = Math.min(sessionExpiresAt, now + this.opts.tokenTtlMs);
    this.dropExpiredTokens(now);
    // Base64url without padding: only RFC 7230 token characters, so it works as a subprotocol.
    const token = `AQICAH${opaqueToken()}`;
    this.tokens.set(token, {
      roomArn: room.arn,
      userId,
      capabilities: capabilities as Capability[],
      attributes,
      tokenExpiresAt,
      sessionExpiresAt,
    });
    return {
      token,
      tokenExpirationTime: new Date(tokenExpiresAt).toISOString(),
      sessionExpirationTime: new Date(sessionExpiresAt).toISOString(),
    };
  }

  /** A token opens one connection only (docs/protocols/ivs-chat.md#chat-tokens). */
  redeemToken(token: string): TokenRedemption {
    const session = this.tokens.get(token);
    if (!session) return { ok: false, status: 401, reason: 'Invalid or already used token' };
    this.tokens.delete(token);
    if (session.tokenExpiresAt <= Date.now()) return { ok: false, status: 401, reason: 'Token expired' };
    const room = this.rooms.get(session.roomArn);
    if (!room) return { ok: false, status: 404, reason: 'Room not found' };
    return { ok: true, session, room };
  }

  findRoom(arn: string): RoomRecord | undefined {
    return this.rooms.get(arn);
  }

  // ---- server-side moderation -----------------------------------------------------------------

  sendEvent(input: Input) {
    const room = this.room(requireString(input, 'roomIdentifier', ROOM_ARN));
    const eventName = requireString(input, 'eventName', undefined, 100);
    if (eventName.length < 1) throw validation('eventName must not be empty', 'eventName');
    const attributes = optionalStringMap(input, 'attributes', { maxTotalBytes: 1024 });
    return { id: this.requireHub().sendEvent(room.arn, eventName, attributes) };
  }

  deleteMessage(input: Input) {
    const room = this.room(requireString(input, 'roomIdentifier', ROOM_ARN));
    const id = requireString(input, 'id', /^[a-zA-Z0-9]+$/, 128);
    const reason = optionalReason(input);
    return { id: this.requireHub().deleteMessage(room.arn, id, reason) };
  }

  disconnectUser(input: Input): Record<string, never> {
    const room = this.room(requireString(input, 'roomIdentifier', ROOM_ARN));
    const userId = requireString(input, 'userId', undefined, 128);
    this.requireHub().disconnectUser(room.arn, userId, optionalReason(input));
    return {};
  }

  taggable(arn: string): { tags: Record<string, string> } | undefined {
    return this.rooms.get(arn);
  }

  // ---- helpers --------------------------------------------------------------------------------

  private roomFields(input: Input): Partial<RoomRecord> {
    const fields: Partial<RoomRecord> = {};
    const name = optionalString(input, 'name', NAME, 128);
    if (name !== undefined) fields.name = name;
    const rate = optionalInt(input, 'maximumMessageRatePerSecond', 1, 100);
    if (rate !== undefined) fields.maximumMessageRatePerSecond = rate;
    const length = optionalInt(input, 'maximumMessageLength', 1, 500);
    if (length !== undefined) fields.maximumMessageLength = length;
    const handler = input.messageReviewHandler;
    if (handler !== undefined && handler !== null) {
      if (typeof handler !== 'object' || Array.isArray(handler)) {
        throw validation('messageReviewHandler must be an object', 'messageReviewHandler');
      }
      const h = handler as Input;
      fields.messageReviewHandler = {
        uri: optionalString(h, 'uri', LAMBDA_ARN, 170) ?? '',
        fallbackResult: optionalEnum(h, 'fallbackResult', ['ALLOW', 'DENY'] as const) ?? 'ALLOW',
      };
    }
    const logging = input.loggingConfigurationIdentifiers;
    if (logging !== undefined && logging !== null) {
      if (
        !Array.isArray(logging) ||
        logging.length > 3 ||
        logging.some((l) => typeof l !== 'string' || !LOGGING_CONFIGURATION.test(l))
      ) {
        throw validation('loggingConfigurationIdentifiers is invalid', 'loggingConfigurationIdentifiers');
      }
      fields.loggingConfigurationIdentifiers = [...(logging as string[])];
    }
    return fields;
  }

  private room(arn: string): RoomRecord {
    const room = this.rooms.get(arn);
    if (!room) throw notFound(arn, 'ROOM');
    return room;
  }

  private requireHub(): ChatHub {
    if (!this.hub) throw new ServiceError('InternalServerException', 'Messaging is not running');
    return this.hub;
  }

  private dropExpiredTokens(now: number): void {
    for (const [token, session] of this.tokens) if (session.tokenExpiresAt <= now) this.tokens.delete(token);
  }
}

function optionalReason(input: Input): string | undefined {
  const reason = optionalString(input, 'reason', undefined, 256);
  if (reason === '') throw validation('reason must not be empty', 'reason');
  return reason;
}

function roomOut(r: RoomRecord) {
  return {
    arn: r.arn,
    id: r.id,
    name: r.name,
    createTime: r.createTime,
    updateTime: r.updateTime,
    maximumMessageRatePerSecond: r.maximumMessageRatePerSecond,
    maximumMessageLength: r.maximumMessageLength,
    ...(r.messageReviewHandler ? { messageReviewHandler: { ...r.messageReviewHandler } } : {}),
    tags: { ...r.tags },
    loggingConfigurationIdentifiers: [...r.loggingConfigurationIdentifiers],
  };
}
