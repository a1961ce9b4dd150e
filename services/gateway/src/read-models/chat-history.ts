import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { queryAll, TableAccess } from '@onair/runtime';
import { type ChatMessageSent, wire } from '@onair/contracts';
import { messageFromItem, messagesBetween, messagesOf, type StoredMessage } from '@onair/chat-svc/table';
import type { Static } from '@sinclair/typebox';
import type { HistoryReader } from '../sockets/recovery';

export type HistoryMessage = Static<(typeof ChatMessageSent)['schema']>;

/** A stored message as the history shows it: tombstones have no message. */
function shown(item: Record<string, unknown>): { seq: number; message?: HistoryMessage } {
  const { deleted, ...message }: StoredMessage = messageFromItem(item);
  const seq = Number(message.seq);
  return deleted ? { seq } : { seq, message };
}

/**
 * A native room's message history, read from chat-svc's table through its table module (chat-svc
 * writes it). Deleted messages are tombstones and are left out.
 */
export class ChatHistoryReadModel extends TableAccess implements HistoryReader {
  /** Messages with seq > afterSeq, oldest first; `hasMore` when the page was cut at `limit`. */
  async page(
    roomId: string,
    afterSeq: number,
    limit: number,
  ): Promise<{ messages: HistoryMessage[]; hasMore: boolean }> {
    const messages: HistoryMessage[] = [];
    let from = afterSeq + 1;
    // Tombstones take places in the key range: keep reading until `limit` live messages or the end.
    for (;;) {
      const out = await this.ddb.send(
        new QueryCommand({
          TableName: this.tableName,
          ...messagesBetween(roomId, from),
          Limit: limit + 1 - messages.length,
          // A reconnecting client's recovery must see what was stored before it asked.
          ConsistentRead: true,
        }),
      );
      const items = out.Items ?? [];
      for (const it of items) {
        const { message } = shown(it);
        if (message) messages.push(message);
      }
      const hasMore = messages.length > limit;
      if (hasMore) return { messages: messages.slice(0, limit), hasMore };
      if (!out.LastEvaluatedKey || items.length === 0) return { messages, hasMore: false };
      from = Number(items[items.length - 1].seq) + 1;
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
  async lastStoredSeq(roomId: string): Promise<number> {
    const out = await this.ddb.send(
      new QueryCommand({
        TableName: this.tableName,
        ...messagesOf(roomId),
        ExpressionAttributeNames: { '#seq': 'seq' },
        ProjectionExpression: '#seq',
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const n = Number(out.Items?.[0]?.seq ?? 0);
    return Number.isSafeInteger(n) && n > 0 ? n : 0;
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
    const items = await queryAll(this.ddb, {
      TableName: this.tableName,
      ...messagesBetween(roomId, afterSeq + 1, uptoSeq),
      ConsistentRead: true,
    });
    for (const it of items) {
      const { seq, message } = shown(it);
      if (!Number.isSafeInteger(seq)) continue;
      out.push(message ? { seq, frames: wire.chatMessageFrames(message) } : { seq });
    }
    return out;
  }
}
