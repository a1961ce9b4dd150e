import { ChatMessageSent, type Envelope, GatewayDeliver, GatewayDeliverBatch, wire } from '@onair/contracts';
import { type Bus, type Consumer, dataOf, type Logger, replyData } from '@onair/runtime';
import type { Static } from '@sinclair/typebox';
import type { SendingState } from './chat-commands';
import type { GroupNames } from './group-names';
import type { Delivery, Hub, HubConnection } from './hub';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isOptionalStrings = (v: unknown): boolean =>
  v === undefined || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
const isOptionalString = (v: unknown): boolean => v === undefined || typeof v === 'string';

/** A delivery from fanout as this gateway can write it; anything else on the queue is dropped. */
export function isDelivery(v: unknown): v is Delivery {
  if (!isRecord(v) || typeof v.roomId !== 'string' || !isRecord(v.frames)) return false;
  const { frames, close } = v;
  return (
    (v.seq === undefined || Number.isSafeInteger(v.seq)) &&
    isOptionalStrings(v.userIds) &&
    isOptionalString(frames.ivs) &&
    isOptionalString(frames.seed003) &&
    (close === undefined ||
      (isRecord(close) &&
        typeof close.code === 'number' &&
        typeof close.reason === 'string' &&
        isOptionalStrings(close.userIds)))
  );
}

/** Frames for this instance's sockets: fanout-svc sends them to the instance's own queue. */
export function consumeDeliveries(o: {
  bus: Bus;
  gatewayId: string;
  hub: Pick<Hub, 'deliver'>;
  groups: GroupNames;
  log: Logger;
}): Promise<Consumer> {
  return o.bus.consumeCommands(
    `gateway.${o.gatewayId}`,
    async (m: Envelope) => {
      if (m.type === GatewayDeliverBatch.type) {
        // Checked against its contract by the bus already; written in order.
        for (const d of dataOf(GatewayDeliverBatch, m).deliveries) o.hub.deliver(o.groups.asGroup(d));
        return;
      }
      if (m.type !== GatewayDeliver.type) return;
      if (!isDelivery(m.data)) {
        o.log.warn({ id: m.id }, 'dropping a malformed delivery');
        return;
      }
      o.hub.deliver(o.groups.asGroup(m.data));
    },
    // The hub puts each room back in sequence order, so deliveries need not wait for the
    // previous one's ack; writing them is synchronous anyway.
    { ephemeral: true, concurrency: 64 },
  );
}

/**
 * chat-svc's reply to a socket's message is the stored message: the sender is answered from
 * it (in room order, with the other local sockets of the room when they have not had it yet),
 * so its echo never depends on fanout, and a resend gets the original message back.
 */
export function senderEcho(
  hub: Pick<Hub, 'answer'>,
  groups: GroupNames,
  log: Logger,
): (c: HubConnection, reply: Envelope, state: SendingState) => void {
  return (c, reply, state) => {
    let m: Static<(typeof ChatMessageSent)['schema']>;
    try {
      m = replyData(ChatMessageSent, reply); // checked before it is written to a socket
    } catch (err) {
      log.warn({ err, type: reply.type }, 'chat-svc answered a message with something else');
      return;
    }
    hub.answer(c, groups.asGroup({ roomId: m.roomId, seq: m.seq, frames: wire.chatMessageFrames(m) }), {
      resentAt: state.resend ? state.receivedAt : undefined,
    });
  };
}
