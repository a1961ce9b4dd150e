import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoMessageLog, type MessageLog } from '@onair/chat-svc/message-log';
import { MAX_SEQ, type StoredMessage } from '@onair/chat-svc/table';
import { type ChatMessageSent, wire } from '@onair/contracts';
import type { Static } from '@sinclair/typebox';
import type { HistoryReader } from '../sockets/recovery';

export type HistoryMessage = Static<(typeof ChatMessageSent)['schema']>;

/** A stored message as the history shows it: tombstones have no message. */
function shown(stored: StoredMessage): { seq: number; message?: HistoryMessage } {
  const { deleted, ...message } = stored;
  const seq = Number(message.seq);
  return deleted ? { seq } : { seq, message };
}

/**
 * A native room's message history, read from chat-svc's message log (chat-svc writes it: its
 * table, or the local SQLite file of the embedded stack). Deleted messages are tombstones and
 * are left out.
 */
export class ChatHistoryReadModel implements HistoryReader {
  constructor(private readonly log: MessageLog) {}

  /** The history in chat-svc's DynamoDB table. */
  static inTable(ddb: DynamoDBDocumentClient, table: string): ChatHistoryReadModel {
    return new ChatHistoryReadModel(new DynamoMessageLog(ddb, table));
  }

  /** Messages with seq > afterSeq, oldest first; `hasMore` when the page was cut at `limit`. */
  async page(
    roomId: string,
    afterSeq: number,
    limit: number,
  ): Promise<{ messages: HistoryMessage[]; hasMore: boolean }> {
    const messages: HistoryMessage[] = [];
    let from = afterSeq + 1;
    // Tombstones take places in the range: keep reading until `limit` live messages or the end.
    for (;;) {
      const out = await this.log.range(roomId, from, MAX_SEQ, limit + 1 - messages.length);
      for (const stored of out.messages) {
        const { message } = shown(stored);
        if (message) messages.push(message);
      }
      const hasMore = messages.length > limit;
      if (hasMore) return { messages: messages.slice(0, limit), hasMore };
      const last = out.messages.at(-1);
      if (!out.more || !last) return { messages, hasMore: false };
      from = Number(last.seq) + 1;
    }
  }

  async after(roomId: string, afterSeq: number, limit: number) {
    const { messages, hasMore } = await this.page(roomId, afterSeq, limit);
    return {
      frames: messages.map((m) => ({ seq: m.seq, ...wire.chatMessageFrames(m) })),
      complete: !hasMore,
    };
  }

  /**
   * The room's last stored sequence number (0 when nothing was stored): where a socket joining
   * now starts. Not the room's counter: a number taken and not yet stored is still to come.
   */
  lastStoredSeq(roomId: string): Promise<number> {
    return this.log.lastSeq(roomId);
  }

  /**
   * Everything stored with afterSeq < seq <= uptoSeq, oldest first, deleted messages included
   * (as a bare seq: their place is taken, nothing is shown): what a gateway fills a gap with.
   */
  async between(
    roomId: string,
    afterSeq: number,
    uptoSeq: number,
  ): Promise<Array<{ seq: number; frames?: { ivs: string; seed003: string } }>> {
    const out: Array<{ seq: number; frames?: { ivs: string; seed003: string } }> = [];
    if (uptoSeq <= afterSeq) return out;
    const { messages } = await this.log.range(roomId, afterSeq + 1, uptoSeq);
    for (const stored of messages) {
      const { seq, message } = shown(stored);
      if (!Number.isSafeInteger(seq)) continue;
      out.push(message ? { seq, frames: wire.chatMessageFrames(message) } : { seq });
    }
    return out;
  }
}
