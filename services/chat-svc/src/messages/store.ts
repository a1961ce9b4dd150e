import { isConditionFailure } from '@onair/runtime';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ChatMessageSent } from '@onair/contracts';
import { notFound } from '@onair/runtime';
import type { Static } from '@sinclair/typebox';

export type StoredMessage = Static<(typeof ChatMessageSent)['schema']> & { deleted?: boolean };

/**
 * Native chat data, in chat-svc's table beside the room item (PK = ROOM#<roomId>):
 *   SK = ROOM                        the room; `lastSeq` is the room's sequence counter
 *   SK = MSG#<seq, 12 digits>        a message (content removed when deleted: a tombstone)
 *   SK = MID#<messageId>             message id -> seq
 *   SK = REQ#<userId>#<requestId>    idempotency: a client's retry of a request gets the same message
 *   SK = BAN#<userId>                a ban (no `until`) or a timeout (until = ISO time)
 * Every write is a single-item write (conditional where it must be) or a batch of independent
 * puts; no transactions.
 */
const pk = (roomId: string) => `ROOM#${roomId}`;
const msgSk = (seq: number) => `MSG#${String(seq).padStart(12, '0')}`;

export class MessageStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** The next sequence number of an active room: strictly increasing, never reused. */
  async nextSeq(roomId: string): Promise<number> {
    try {
      const out = await this.ddb.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { PK: pk(roomId), SK: 'ROOM' },
          UpdateExpression: 'SET lastSeq = if_not_exists(lastSeq, :zero) + :one',
          ConditionExpression: '#s = :active',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':active': 'active' },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(out.Attributes?.lastSeq);
    } catch (e) {
      if (isConditionFailure(e)) throw notFound(`Chat room ${roomId} not found`);
      throw e;
    }
  }

  /** Claim a client request id; the existing claim when it was claimed before. */
  async claimRequest(
    roomId: string,
    userId: string,
    requestId: string,
    claim: { seq: number; messageId: string },
  ): Promise<{ seq: number; messageId: string } | undefined> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.table,
          Item: { PK: pk(roomId), SK: `REQ#${userId}#${requestId}`, ...claim },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return undefined;
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      return this.requestClaim(roomId, userId, requestId);
    }
  }

  async requestClaim(roomId: string, userId: string, requestId: string) {
    const out = await this.ddb.send(
      new GetCommand({
        TableName: this.table,
        Key: { PK: pk(roomId), SK: `REQ#${userId}#${requestId}` },
        ConsistentRead: true,
      }),
    );
    return out.Item ? { seq: Number(out.Item.seq), messageId: String(out.Item.messageId) } : undefined;
  }

  async putMessage(m: StoredMessage): Promise<void> {
    // The message and its id -> seq item, in one request (the request claim already made the
    // seq this message's). A batch may leave items unprocessed when throttled: those are sent
    // again, a few times, before the send fails (and the client's retry replays the claim).
    let items: Record<string, Array<{ PutRequest: { Item: Record<string, unknown> } }>> | undefined = {
      [this.table]: [
        { PutRequest: { Item: { PK: pk(m.roomId), SK: msgSk(m.seq), ...m } } },
        { PutRequest: { Item: { PK: pk(m.roomId), SK: `MID#${m.messageId}`, seq: m.seq } } },
      ],
    };
    for (let attempt = 1; items && Object.keys(items).length > 0; attempt++) {
      if (attempt > 5)
        throw new Error(`could not store message ${m.messageId}: DynamoDB kept it unprocessed`);
      const out = await this.ddb.send(new BatchWriteCommand({ RequestItems: items }));
      items = out.UnprocessedItems as typeof items;
      if (items && Object.keys(items).length > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt));
    }
  }

  async getMessage(roomId: string, seq: number): Promise<StoredMessage | undefined> {
    const out = await this.ddb.send(
      new GetCommand({
        TableName: this.table,
        Key: { PK: pk(roomId), SK: msgSk(seq) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? strip(out.Item) : undefined;
  }

  async seqOf(roomId: string, messageId: string): Promise<number | undefined> {
    const out = await this.ddb.send(
      new GetCommand({
        TableName: this.table,
        Key: { PK: pk(roomId), SK: `MID#${messageId}` },
        ConsistentRead: true,
      }),
    );
    return out.Item ? Number(out.Item.seq) : undefined;
  }

  /** Remove the content, keep the place in the sequence. Idempotent. */
  async tombstone(roomId: string, seq: number): Promise<void> {
    await this.ddb.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { PK: pk(roomId), SK: msgSk(seq) },
        UpdateExpression: 'SET deleted = :t, content = :empty REMOVE attributes',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':t': true, ':empty': '' },
      }),
    );
  }

  /** Messages after `afterSeq`, oldest first, deleted ones left out. */
  async after(
    roomId: string,
    afterSeq: number,
    limit: number,
  ): Promise<{ messages: StoredMessage[]; more: boolean }> {
    const out = await this.ddb.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': pk(roomId),
          ':from': msgSk(afterSeq + 1),
          ':to': msgSk(999_999_999_999),
        },
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    const messages = (out.Items ?? []).map(strip).filter((m) => !m.deleted);
    return { messages, more: Boolean(out.LastEvaluatedKey) };
  }

  async ban(roomId: string, userId: string, until: string | undefined, reason?: string): Promise<void> {
    await this.ddb.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          PK: pk(roomId),
          SK: `BAN#${userId}`,
          userId,
          ...(until ? { until } : {}),
          ...(reason ? { reason } : {}),
        },
      }),
    );
  }

  async liftBan(roomId: string, userId: string): Promise<void> {
    await this.ddb.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { PK: pk(roomId), SK: `BAN#${userId}` },
        UpdateExpression: 'SET lifted = :t',
        ExpressionAttributeValues: { ':t': true },
      }),
    );
  }

  /** The user's ban or timeout in the room as stored (a timeout may have run out since), if any. */
  async banOf(roomId: string, userId: string): Promise<Ban | undefined> {
    const out = await this.ddb.send(
      new GetCommand({
        TableName: this.table,
        Key: { PK: pk(roomId), SK: `BAN#${userId}` },
        ConsistentRead: true,
      }),
    );
    const b = out.Item;
    if (!b || b.lifted) return undefined;
    return { until: b.until as string | undefined, reason: b.reason as string | undefined };
  }
}

/** A ban (no `until`) or a timeout (`until`, ISO time). */
export interface Ban {
  until?: string;
  reason?: string;
}

/** Whether a ban is in force at `now` (a timeout ends at its `until`). */
export function inForce(ban: Ban | undefined, now: Date): ban is Ban {
  return ban !== undefined && !(ban.until && Date.parse(ban.until) <= now.getTime());
}

function strip(item: Record<string, unknown>): StoredMessage {
  const { PK: _pk, SK: _sk, ...rest } = item;
  return rest as unknown as StoredMessage;
}
