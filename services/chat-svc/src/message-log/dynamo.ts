import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { conditionalWrite, notFound, queryAll } from '@onair/runtime';
import {
  MAX_SEQ,
  messageFromItem,
  messageIdKey,
  messageItem,
  messageKey,
  messagesBetween,
  messagesOf,
  type StoredMessage,
} from '../table';
import type { MessageLog } from './port';

/** BatchWriteItem takes at most 25 items; a message is one (its id carries its seq: table.ts messageIdFor). */
export const MESSAGES_PER_BATCH = 25;

/** The message log in chat-svc's DynamoDB table, beside the room item (layout in ../table.ts). */
export class DynamoMessageLog implements MessageLog {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async put(ms: StoredMessage[]): Promise<StoredMessage[]> {
    if (ms.length > MESSAGES_PER_BATCH) throw new Error(`at most ${MESSAGES_PER_BATCH} messages per batch`);
    if (ms.length === 0) return []; // BatchWriteItem refuses an empty batch
    const out = await this.ddb.send(
      new BatchWriteCommand({
        RequestItems: {
          [this.table]: ms.map((m) => ({ PutRequest: { Item: messageItem(m) } })),
        },
      }),
    );
    const left = new Set(
      (out.UnprocessedItems?.[this.table] ?? []).map(
        (r) => String(r.PutRequest?.Item?.PK) + String(r.PutRequest?.Item?.SK),
      ),
    );
    if (left.size === 0) return [];
    return ms.filter((m) => {
      const k = messageKey(m.roomId, m.seq);
      return left.has(k.PK + k.SK);
    });
  }

  async get(roomId: string, seq: number): Promise<StoredMessage | undefined> {
    const out = await this.ddb.send(
      new GetCommand({ TableName: this.table, Key: messageKey(roomId, seq), ConsistentRead: true }),
    );
    return out.Item && messageFromItem(out.Item);
  }

  async legacySeqOf(roomId: string, messageId: string): Promise<number | undefined> {
    const out = await this.ddb.send(
      new GetCommand({ TableName: this.table, Key: messageIdKey(roomId, messageId), ConsistentRead: true }),
    );
    return out.Item ? Number(out.Item.seq) : undefined;
  }

  async tombstone(roomId: string, seq: number): Promise<void> {
    const done = await conditionalWrite(
      this.ddb,
      new UpdateCommand({
        TableName: this.table,
        Key: messageKey(roomId, seq),
        UpdateExpression: 'SET deleted = :t, content = :empty REMOVE attributes',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':t': true, ':empty': '' },
      }),
    );
    if (done === undefined) throw notFound(`Message ${seq} not found in room ${roomId}`);
  }

  async range(roomId: string, fromSeq: number, toSeq: number, limit?: number) {
    // DynamoDB refuses a BETWEEN whose bounds are the wrong way round: an empty range is empty.
    if (fromSeq > toSeq) return { messages: [], more: false };
    const query = {
      TableName: this.table,
      ...messagesBetween(roomId, fromSeq, Math.min(toSeq, MAX_SEQ)),
      // A reconnecting client's recovery must see what was stored before it asked.
      ConsistentRead: true,
    };
    if (limit === undefined) {
      return { messages: (await queryAll(this.ddb, query)).map(messageFromItem), more: false };
    }
    const out = await this.ddb.send(new QueryCommand({ ...query, Limit: limit }));
    return { messages: (out.Items ?? []).map(messageFromItem), more: Boolean(out.LastEvaluatedKey) };
  }

  async newest(roomId: string, limit: number): Promise<StoredMessage[]> {
    const out = await this.ddb.send(
      new QueryCommand({
        TableName: this.table,
        ...messagesBetween(roomId, 1),
        ScanIndexForward: false,
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map(messageFromItem).reverse();
  }

  async lastSeq(roomId: string): Promise<number> {
    const out = await this.ddb.send(
      new QueryCommand({
        TableName: this.table,
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

  close(): void {}
}
