import type { Static } from '@sinclair/typebox';
import type { ChatMessageSent } from '../chat';
import { messageFrame } from './ivs-chat';
import { seed003MessageFrame } from './seed003';

type SentMessage = Static<(typeof ChatMessageSent)['schema']>;

/**
 * A stored chat message as each client protocol shows it. Live delivery (fanout) and recovery
 * (history) both use this, so a recovered message is byte-for-byte the frame a live client got.
 */
export function chatMessageFrames(d: SentMessage): { ivs: string; seed003: string } {
  const senderAttrs =
    d.sender.attributes && Object.keys(d.sender.attributes).length ? d.sender.attributes : undefined;
  return {
    ivs: messageFrame({
      id: d.messageId,
      requestId: d.requestId,
      content: d.content,
      attributes: d.attributes,
      sendTime: d.sendTime,
      sender: { userId: d.sender.userId, attributes: senderAttrs },
      seq: d.seq,
    }),
    seed003: seed003MessageFrame({
      messageId: d.messageId,
      groupId: d.roomId,
      message: d.content,
      sender: d.sender.userId,
      createdAt: d.sendTime,
      seq: d.seq,
    }),
  };
}
