import { Type } from '@sinclair/typebox';
import { Id, UserId } from './common';
import { command, event } from './registry';

const Membership = Type.Object({ connectionId: Type.String(), roomId: Id, userId: UserId });

export const PresenceJoined = event(
  'onair.presence.joined.v1',
  'A socket on a gateway instance joined a room.',
  Type.Intersect([Type.Object({ gatewayId: Type.String() }), Membership]),
);
export const PresenceLeft = event(
  'onair.presence.left.v1',
  'A socket on a gateway instance left a room (or closed).',
  Type.Intersect([Type.Object({ gatewayId: Type.String() }), Membership]),
);
/**
 * Everything a gateway instance holds, sent at start-up, periodically, and when fanout asks
 * (after a fanout restart), so the presence index can always be rebuilt from the gateways.
 */
export const PresenceSnapshot = event(
  'onair.presence.snapshot.v1',
  'All memberships one gateway instance holds now.',
  Type.Object({
    gatewayId: Type.String(),
    memberships: Type.Array(Membership),
    ttlSeconds: Type.Integer({ minimum: 1 }),
  }),
);
export const PresenceSnapshotRequested = event(
  'onair.presence.snapshot-requested.v1',
  'Fanout asks every gateway for a snapshot (it has just started).',
  Type.Object({ fanoutId: Type.String() }),
);

/** One delivery: frames for the sockets of a room (or of some users in it) on one gateway instance. */
const Delivery = Type.Object({
  gatewayId: Type.String(),
  roomId: Id,
  /** Only these users (else every member of the room). */
  userIds: Type.Optional(Type.Array(UserId)),
  /** Room sequence number, when the frame is a chat message (for recovery bookkeeping). */
  seq: Type.Optional(Type.Integer({ minimum: 1 })),
  /** One frame per client protocol, each serialized once. */
  frames: Type.Object({ ivs: Type.Optional(Type.String()), seed003: Type.Optional(Type.String()) }),
  /**
   * After writing, close sockets: those of `close.userIds` when given (everyone else keeps the
   * frame), else those of `userIds`, else every socket of the room.
   */
  close: Type.Optional(
    Type.Object({
      code: Type.Integer(),
      reason: Type.String(),
      userIds: Type.Optional(Type.Array(UserId)),
    }),
  ),
});

/**
 * Frames for one gateway instance. The frame is serialized once by fanout; the gateway writes
 * it as is to each local socket in the room (or of the users) named.
 */
export const GatewayDeliver = command(
  'onair.gateway.deliver.v1',
  'addressed',
  'Write a frame to local sockets.',
  Delivery,
);

/**
 * Many deliveries for one gateway instance in one bus message: fanout batches what it routes to
 * a gateway at about the same time (a burst of a busy room, many rooms at once), so a message
 * costs the broker a fraction of a queue operation. Written in order, each like GatewayDeliver.
 */
export const GatewayDeliverBatch = command(
  'onair.gateway.deliver-batch.v1',
  'addressed',
  'Write the frames of several deliveries to local sockets, in order.',
  Type.Object({
    gatewayId: Type.String(),
    deliveries: Type.Array(Type.Omit(Delivery, ['gatewayId']), { minItems: 1, maxItems: 500 }),
  }),
);
