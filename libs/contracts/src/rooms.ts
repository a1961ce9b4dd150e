import { Type } from '@sinclair/typebox';
import { Actor, Id, IsoTime, UserId } from './common';
import { command, event } from './registry';

/** A LiveKit room. `roomId` is ours; `livekitName` is the LiveKit room name it maps to. */
export const RoomView = Type.Object({
  roomId: Id,
  livekitName: Type.String(),
  sid: Type.Optional(Type.String()),
  ownerId: UserId,
  /** The display name the creator gave (seed 004 `userName`), when there was one. */
  createdBy: Type.Optional(Type.String({ maxLength: 128 })),
  topic: Type.String({ maxLength: 200 }),
  description: Type.String({ maxLength: 2000 }),
  maxParticipants: Type.Integer({ minimum: 1, maximum: 10000 }),
  emptyTimeout: Type.Integer({ minimum: 0 }),
  metadata: Type.String({ maxLength: 10000 }),
  participantCount: Type.Integer({ minimum: 0 }),
  status: Type.Union([Type.Literal('active'), Type.Literal('finished'), Type.Literal('deleted')]),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

/**
 * A participant in a LiveKit room now, as LiveKit's webhooks told stream-svc (one per identity:
 * a second session of the same identity replaces the first).
 */
export const ParticipantView = Type.Object({
  identity: Type.String(),
  /** The display name in the participant's token, when it had one. */
  name: Type.Optional(Type.String()),
  /** LiveKit's id of the participant's session. */
  sid: Type.String(),
  joinedAt: Type.Optional(IsoTime),
});

export const RoomCreate = command(
  'onair.room.create.v1',
  'stream-svc',
  'Create a LiveKit room.',
  Type.Object({
    roomId: Id,
    actor: Actor,
    createdBy: Type.Optional(Type.String({ maxLength: 128 })),
    topic: Type.String({ maxLength: 200 }),
    description: Type.String({ maxLength: 2000 }),
    maxParticipants: Type.Integer({ minimum: 1, maximum: 10000 }),
    emptyTimeout: Type.Integer({ minimum: 0 }),
    metadata: Type.String({ maxLength: 10000 }),
  }),
);
export const RoomDelete = command(
  'onair.room.delete.v1',
  'stream-svc',
  'Delete a LiveKit room.',
  Type.Object({ roomId: Id, actor: Actor }),
);
export const RoomCreated = event('onair.room.created.v1', 'A LiveKit room was created.', RoomView);
export const RoomUpdated = event(
  'onair.room.updated.v1',
  'A LiveKit room changed (participants, status).',
  RoomView,
);
export const RoomDeleted = event(
  'onair.room.deleted.v1',
  'A LiveKit room was deleted.',
  Type.Object({ roomId: Id }),
);

/** A verified LiveKit webhook, as the gateway received it (raw body checked against its JWT). */
export const LiveKitWebhookReceived = event(
  'onair.livekit.webhook-received.v1',
  'LiveKit reported something (room, participant, egress).',
  Type.Object({
    webhookId: Type.String(),
    event: Type.String(),
    createdAt: Type.Optional(Type.String()),
    room: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    participant: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    egressInfo: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    track: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  }),
);
