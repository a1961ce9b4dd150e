import {
  ChatEventSent,
  ChatMessageDeleted,
  ChatMessageSent,
  ChatUserBanned,
  ChatUserDisconnected,
  type Envelope,
  StreamStateChanged,
  wire,
} from '@onair/contracts';

/** What one event means for a room's sockets: the frames (serialized once) and whom they are for. */
export interface Delivery {
  roomId: string;
  frames: { ivs?: string; seed003?: string };
  seq?: number;
  userIds?: string[];
  close?: { code: number; reason: string; userIds?: string[] };
}

type Data<T> = T extends { schema: infer S } ? (S extends { static: infer D } ? D : never) : never;

/** fanout-svc's shared subscriber queue (one copy per event, instances compete). */
export const ROUTED_SUBSCRIBER = 'fanout-svc';

/** The event types fanout routes to clients, and how each becomes frames. */
export const ROUTED_TYPES = [
  ChatMessageSent.type,
  ChatMessageDeleted.type,
  ChatUserDisconnected.type,
  ChatUserBanned.type,
  ChatEventSent.type,
  StreamStateChanged.type,
];

export function deliveryFor(evt: Envelope): Delivery | undefined {
  switch (evt.type) {
    case ChatMessageSent.type: {
      const d = evt.data as Data<typeof ChatMessageSent>;
      return { roomId: d.roomId, seq: d.seq, frames: wire.chatMessageFrames(d) };
    }
    case ChatMessageDeleted.type: {
      const d = evt.data as Data<typeof ChatMessageDeleted>;
      return {
        roomId: d.roomId,
        frames: {
          ivs: wire.deleteMessageFrame({
            messageId: d.messageId,
            reason: d.reason,
            requestId: d.requestId,
            sendTime: evt.time,
          }),
        },
      };
    }
    case ChatUserDisconnected.type: {
      const d = evt.data as Data<typeof ChatUserDisconnected>;
      return {
        roomId: d.roomId,
        frames: {
          ivs: wire.disconnectUserFrame({
            userId: d.userId,
            reason: d.reason,
            requestId: d.requestId,
            sendTime: evt.time,
          }),
        },
        // Everyone sees the event; the user's own sockets then close cleanly (1000), which the
        // IVS client library reports as a server disconnect and does not retry.
        close: { code: 1000, reason: d.reason ?? 'disconnected', userIds: [d.userId] },
      };
    }
    case ChatUserBanned.type: {
      const d = evt.data as Data<typeof ChatUserBanned>;
      if (d.lifted) return undefined;
      return {
        roomId: d.roomId,
        userIds: [d.userId],
        frames: {
          ivs: wire.disconnectUserFrame({
            userId: d.userId,
            reason: d.reason ?? 'banned',
            sendTime: evt.time,
          }),
        },
        close: { code: 1000, reason: 'banned' },
      };
    }
    case ChatEventSent.type: {
      const d = evt.data as Data<typeof ChatEventSent>;
      return {
        roomId: d.roomId,
        frames: {
          ivs: wire.eventFrame({
            id: d.eventId,
            eventName: d.eventName,
            sendTime: d.sendTime,
            attributes: d.attributes,
          }),
        },
      };
    }
    case StreamStateChanged.type: {
      const d = evt.data as Data<typeof StreamStateChanged>;
      if (!d.chatRoomId) return undefined;
      return {
        roomId: d.chatRoomId,
        frames: {
          ivs: wire.eventFrame({
            eventName: 'onair:STREAM_STATE',
            sendTime: d.at,
            attributes: { streamId: d.streamId, status: d.status, ...(d.reason ? { reason: d.reason } : {}) },
          }),
        },
      };
    }
    default:
      return undefined;
  }
}
