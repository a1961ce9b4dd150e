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
 *   SK = REQ#<userId>#<requestId>    idempotency: the claim of a client's request id (RequestClaim);
 *                                    a resend of it gets the same message and takes no number
 *   SK = BAN#<userId>                a ban (no `until`) or a timeout (until = ISO time)
 * Every write is a single-item write (conditional where it must be) or a batch of independent
 * puts; no transactions.
 */
const pk = (roomId: string) => `ROOM#${roomId}`;
const msgSk = (seq: number) => `MSG#${String(seq).padStart(12, '0')}`;
const reqSk = (userId: string, requestId: string) => `REQ#${userId}#${requestId}`;

/**
 * A client's request id, claimed before its message takes a sequence number: the message as it
 * will be stored (without its number), which send is working on it (`owner`, the command id),
 * since when, and the number once taken. A resend finds the claim and is answered with the
 * message, and whoever finds a claim with a number but no stored message stores it.
 */
export interface RequestClaim {
  requestId: string;
  owner: string;
  claimedAt: string;
  seq?: number;
  message: Omit<StoredMessage, 'seq' | 'deleted'>;
}

function claimOf(item: Record<string, unknown>): RequestClaim {
  const { PK: _pk, SK: _sk, ...rest } = item;
  return rest as unknown as RequestClaim;
}

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

  /**
   * Claim a client request id for a message not stored yet (no sequence number: the claim
   * comes first, so a resend never takes one). Undefined when this call made the claim, else
   * the claim made before.
   */
  async claimRequest(claim: RequestClaim): Promise<RequestClaim | undefined> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            PK: pk(claim.message.roomId),
            SK: reqSk(claim.message.sender.userId, claim.requestId),
            ...claim,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return undefined;
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      const earlier = await this.requestClaim(
        claim.message.roomId,
        claim.message.sender.userId,
        claim.requestId,
      );
      if (!earlier) throw new Error('a request claim exists and cannot be read');
      return earlier;
    }
  }

  /** The claim of a client request id, if it was claimed. */
  async requestClaim(roomId: string, userId: string, requestId: string): Promise<RequestClaim | undefined> {
    const out = await this.ddb.send(
      new GetCommand({
        TableName: this.table,
        Key: { PK: pk(roomId), SK: reqSk(userId, requestId) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? claimOf(out.Item) : undefined;
  }

  /**
   * Take over a claim whose send stopped before it took a sequence number (its process died):
   * only when the claim is still `owner`'s and still has no number. False when someone else
   * got there first.
   */
  async takeOverClaim(claim: RequestClaim, owner: string, at: string): Promise<boolean> {
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { PK: pk(claim.message.roomId), SK: reqSk(claim.message.sender.userId, claim.requestId) },
          UpdateExpression: 'SET #o = :me, claimedAt = :at',
          ConditionExpression: '#o = :was AND attribute_not_exists(seq)',
          ExpressionAttributeNames: { '#o': 'owner' },
          ExpressionAttributeValues: { ':me': owner, ':was': claim.owner, ':at': at },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  /** Record the sequence number a claim's message got (once: a claim never changes its number). */
  async setClaimSeq(claim: RequestClaim, seq: number): Promise<boolean> {
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { PK: pk(claim.message.roomId), SK: reqSk(claim.message.sender.userId, claim.requestId) },
          UpdateExpression: 'SET seq = :seq',
          ConditionExpression: '#o = :me AND attribute_not_exists(seq)',
          ExpressionAttributeNames: { '#o': 'owner' },
          ExpressionAttributeValues: { ':seq': seq, ':me': claim.owner },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
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

  /**
   * Store a message unless its place is taken already (stored, or stored and deleted since):
   * for a send that finishes what another one started, which must not bring a deleted message back.
   */
  async putMessageIfAbsent(m: StoredMessage): Promise<void> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.table,
          Item: { PK: pk(m.roomId), SK: msgSk(m.seq), ...m },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
    await this.ddb.send(
      new PutCommand({
        TableName: this.table,
        Item: { PK: pk(m.roomId), SK: `MID#${m.messageId}`, seq: m.seq },
      }),
    );
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
