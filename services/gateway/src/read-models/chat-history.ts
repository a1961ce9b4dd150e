import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type ChatMessageSent, wire } from '@onair/contracts';
import type { Static } from '@sinclair/typebox';
import type { HistoryReader } from '../ws/routes';

export type HistoryMessage = Static<(typeof ChatMessageSent)['schema']>;

const msgSk = (seq: number) => `MSG#${String(seq).padStart(12, '0')}`;

/**
 * A native room's message history, read from chat-svc's table (chat-svc writes it; layout in
 * services/chat-svc/src/messages/store.ts). Deleted messages are tombstones and are left out.
 */
export class ChatHistoryReadModel implements HistoryReader {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

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
          TableName: this.table,
          KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': `ROOM#${roomId}`,
            ':from': msgSk(from),
            ':to': msgSk(999_999_999_999),
          },
          Limit: limit + 1 - messages.length,
        }),
      );
      const items = out.Items ?? [];
      for (const it of items) {
        if (!it.deleted) {
          const { PK: _p, SK: _s, deleted: _d, ...m } = it;
          messages.push(m as HistoryMessage);
        }
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
}
