import { Type } from '@sinclair/typebox';
import { Actor, Attributes, Id, IsoTime, MessageId, Role, UserId } from './common';
import { ChatProvider } from './streams';
import { command, event } from './registry';

/**
 * Objects that describe client input are closed: an unknown key is refused (400 at the gateway,
 * 400 from chat-svc) instead of being carried along and stored.
 */
const closed = { additionalProperties: false } as const;

export const Capability = Type.Union([
  Type.Literal('SEND_MESSAGE'),
  Type.Literal('DELETE_MESSAGE'),
  Type.Literal('DISCONNECT_USER'),
]);

export const ModerationSettings = Type.Object(
  {
    /** Words refused (case-insensitive, whole words). */
    wordFilter: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 1000 }),
    /**
     * Optional review webhook with the IVS message review handler contract. https only (http only
     * for the hosts chat-svc's REVIEW_WEBHOOK_ALLOWED_HOSTS lists); chat-svc refuses private,
     * loopback and link-local addresses when it calls it (docs/chat.md, "Review webhook URLs").
     */
    reviewWebhookUrl: Type.Optional(
      Type.String({ format: 'uri', maxLength: 2048, pattern: '^[Hh][Tt][Tt][Pp][Ss]?://' }),
    ),
    /**
     * IVS Chat rooms: the Lambda IVS Chat calls to review each message (the room's message review
     * handler); `fallbackResult` applies when it fails or times out.
     */
    reviewHandlerArn: Type.Optional(
      Type.String({ maxLength: 170, pattern: '^arn:aws:lambda:[a-z0-9-]+:[0-9]{12}:function:.+$' }),
    ),
    fallbackResult: Type.Union([Type.Literal('ALLOW'), Type.Literal('DENY')]),
  },
  closed,
);

export const ChatRoomSettings = Type.Object(
  {
    maximumMessageRatePerSecond: Type.Integer({ minimum: 1, maximum: 100 }),
    maximumMessageLength: Type.Integer({ minimum: 1, maximum: 500 }),
    /** Slow mode: at least this many seconds between two messages of one user. 0 = off. */
    slowModeSeconds: Type.Integer({ minimum: 0, maximum: 3600 }),
    moderation: ModerationSettings,
  },
  closed,
);

export const ChatRoomView = Type.Object({
  roomId: Id,
  ownerId: UserId,
  provider: ChatProvider,
  name: Type.String({ maxLength: 128 }),
  arn: Type.Optional(Type.String()),
  streamId: Type.Optional(Id),
  settings: ChatRoomSettings,
  lastSeq: Type.Integer({ minimum: 0 }),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

export const ChatRoomCreate = command(
  'onair.chat.room.create.v1',
  'chat-svc',
  'Create a chat room on IVS Chat or natively.',
  Type.Object(
    {
      roomId: Id,
      actor: Actor,
      provider: ChatProvider,
      name: Type.String({ maxLength: 128 }),
      streamId: Type.Optional(Id),
      settings: Type.Partial(ChatRoomSettings),
    },
    closed,
  ),
);
export const ChatRoomUpdate = command(
  'onair.chat.room.update.v1',
  'chat-svc',
  'Change a chat room settings.',
  Type.Object(
    {
      roomId: Id,
      actor: Actor,
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
      settings: Type.Partial(ChatRoomSettings),
    },
    closed,
  ),
  { partitionBy: 'roomId' },
);
export const ChatRoomDelete = command(
  'onair.chat.room.delete.v1',
  'chat-svc',
  'Delete a chat room. Idempotent.',
  Type.Object({ roomId: Id, actor: Actor }, closed),
  { partitionBy: 'roomId' },
);
export const ChatTokenCreate = command(
  'onair.chat.token.create.v1',
  'chat-svc',
  'Mint a chat token; capabilities follow the caller role.',
  Type.Object(
    {
      roomId: Type.String({ minLength: 1, maxLength: 256 }),
      actor: Actor,
      displayName: Type.Optional(Type.String({ maxLength: 128 })),
      sessionDurationInMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 180 })),
      attributes: Type.Optional(Attributes),
      /**
       * Capabilities granted whatever the caller's role (added to those the role gives). The seed
       * 002 route sets SEND_MESSAGE: in that seed every signed-in user could chat.
       */
      defaultCapabilities: Type.Optional(Type.Array(Capability, { maxItems: 3 })),
    },
    closed,
  ),
);
export const ChatTokenCreated = event(
  'onair.chat.token.created.v1',
  'A chat token (only ever a reply, never published).',
  Type.Object({
    roomId: Id,
    token: Type.String(),
    sessionExpirationTime: IsoTime,
    tokenExpirationTime: IsoTime,
    capabilities: Type.Array(Capability),
  }),
);

export const ChatSender = Type.Object(
  {
    userId: UserId,
    attributes: Type.Optional(Attributes),
    role: Type.Optional(Role),
  },
  closed,
);

export const ChatMessageSend = command(
  'onair.chat.message.send.v1',
  'chat-svc',
  'A client sent a message to a native room.',
  Type.Object(
    {
      roomId: Id,
      sender: ChatSender,
      connectionId: Type.String(),
      gatewayId: Type.String(),
      requestId: Type.String({ minLength: 1, maxLength: 128 }),
      content: Type.String(),
      attributes: Type.Optional(Attributes),
    },
    closed,
  ),
  { partitionBy: 'roomId' },
);
export const ChatMessageSent = event(
  'onair.chat.message.sent.v1',
  'A message was accepted and stored with its room sequence number.',
  Type.Object({
    roomId: Id,
    messageId: Type.String(),
    seq: Type.Integer({ minimum: 1 }),
    requestId: Type.String(),
    sender: ChatSender,
    content: Type.String(),
    attributes: Type.Optional(Attributes),
    sendTime: IsoTime,
  }),
  { live: true },
);
export const ChatMessageDelete = command(
  'onair.chat.message.delete.v1',
  'chat-svc',
  'Delete a message (moderator).',
  Type.Object(
    {
      roomId: Id,
      messageId: MessageId,
      actor: Actor,
      reason: Type.Optional(Type.String({ maxLength: 256 })),
      requestId: Type.Optional(Type.String()),
    },
    closed,
  ),
  { partitionBy: 'roomId' },
);
export const ChatMessageDeleted = event(
  'onair.chat.message.deleted.v1',
  'A message was deleted (tombstoned).',
  Type.Object({
    roomId: Id,
    messageId: Type.String(),
    seq: Type.Optional(Type.Integer()),
    reason: Type.Optional(Type.String()),
    deletedBy: UserId,
    requestId: Type.Optional(Type.String()),
  }),
);
export const ChatUserDisconnect = command(
  'onair.chat.user.disconnect.v1',
  'chat-svc',
  'Disconnect every socket of a user from a room.',
  Type.Object(
    {
      roomId: Id,
      userId: UserId,
      actor: Actor,
      reason: Type.Optional(Type.String({ maxLength: 256 })),
      requestId: Type.Optional(Type.String()),
    },
    closed,
  ),
  { partitionBy: 'roomId' },
);
export const ChatUserDisconnected = event(
  'onair.chat.user.disconnected.v1',
  'Every socket of a user in a room must close.',
  Type.Object({
    roomId: Id,
    userId: UserId,
    reason: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
  }),
);
export const ChatUserBan = command(
  'onair.chat.user.ban.v1',
  'chat-svc',
  'Ban (or time out, with `until`) a user from a room; lift with `lift: true`.',
  Type.Object(
    {
      roomId: Id,
      userId: UserId,
      actor: Actor,
      until: Type.Optional(IsoTime),
      lift: Type.Optional(Type.Boolean()),
      reason: Type.Optional(Type.String({ maxLength: 256 })),
    },
    closed,
  ),
  { partitionBy: 'roomId' },
);
export const ChatUserBanned = event(
  'onair.chat.user.banned.v1',
  'A user was banned, timed out, or the ban lifted.',
  Type.Object({
    roomId: Id,
    userId: UserId,
    until: Type.Optional(IsoTime),
    lifted: Type.Boolean(),
    reason: Type.Optional(Type.String()),
  }),
);
export const ChatEventSend = command(
  'onair.chat.event.send.v1',
  'chat-svc',
  'Send a custom event to a room.',
  Type.Object(
    {
      roomId: Id,
      actor: Actor,
      eventName: Type.String({ minLength: 1, maxLength: 100 }),
      attributes: Type.Optional(Attributes),
    },
    closed,
  ),
  { partitionBy: 'roomId' },
);
export const ChatEventSent = event(
  'onair.chat.event.sent.v1',
  'A custom event for every member of a room.',
  Type.Object({
    roomId: Id,
    eventId: Type.String(),
    eventName: Type.String(),
    attributes: Type.Optional(Attributes),
    sendTime: IsoTime,
  }),
  { live: true },
);
export const ChatRoomCreated = event('onair.chat.room.created.v1', 'A chat room was created.', ChatRoomView);
export const ChatRoomUpdated = event('onair.chat.room.updated.v1', 'A chat room changed.', ChatRoomView);
export const ChatRoomDeleted = event(
  'onair.chat.room.deleted.v1',
  'A chat room was deleted.',
  Type.Object({ roomId: Id, arn: Type.Optional(Type.String()) }),
);
