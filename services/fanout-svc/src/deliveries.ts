import {
  ChatEventSent,
  ChatMessageDeleted,
  ChatMessageSent,
  ChatUserBanned,
  ChatUserDisconnected,
  type ContractDef,
  type Envelope,
  StreamStateChanged,
  wire,
} from '@onair/contracts';
import { dataOf } from '@onair/runtime';
import type { Static, TSchema } from '@sinclair/typebox';

/** What one event means for a room's sockets: the frames (serialized once) and whom they are for. */
export interface Delivery {
  roomId: string;
  frames: { ivs?: string; seed003?: string };
  seq?: number;
  userIds?: string[];
  close?: { code: number; reason: string; userIds?: string[] };
}

/** fanout-svc's shared subscriber queue (one copy per event, instances compete). */
export const ROUTED_SUBSCRIBER = 'fanout-svc';

/** How the events of one contract become a delivery (undefined: nothing for the sockets). */
function route<S extends TSchema>(
  def: ContractDef<S>,
  make: (d: Static<S>, evt: Envelope) => Delivery | undefined,
): [string, (evt: Envelope) => Delivery | undefined] {
  return [def.type, (evt) => make(dataOf(def, evt), evt)];
}

/** The event types fanout routes to clients, and how each becomes frames. */
const ROUTES = new Map([
  route(ChatMessageSent, (d) => {
    return { roomId: d.roomId, seq: d.seq, frames: wire.chatMessageFrames(d) };
  }),
  route(ChatMessageDeleted, (d, evt) => {
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
  }),
  route(ChatUserDisconnected, (d, evt) => {
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
  }),
  route(ChatUserBanned, (d, evt) => {
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
  }),
  route(ChatEventSent, (d) => {
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
  }),
  route(StreamStateChanged, (d) => {
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
  }),
]);

export const ROUTED_TYPES = [...ROUTES.keys()];

export function deliveryFor(evt: Envelope): Delivery | undefined {
  return ROUTES.get(evt.type)?.(evt);
}
