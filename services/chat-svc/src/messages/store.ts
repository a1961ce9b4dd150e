import { conditionalWrite } from '@onair/runtime';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { notFound } from '@onair/runtime';
import {
  type ChatBan,
  banFromItem,
  banInForce,
  banItem,
  banKey,
  claimFromItem,
  claimItem,
  claimKey,
  messageFromItem,
  messageIdItem,
  messageIdKey,
  messageItem,
  messageKey,
  messagesBetween,
  type RequestClaim,
  requestKey,
  roomKey,
  type StoredMessage,
} from '../table';

// Native chat data lives in chat-svc's table beside the room item (layout in ../table.ts). Every
// write is a single-item write (conditional where it must be) or a batch of independent puts; no
// transactions. The item types live with the layout; the engines import them from here.
export type { RequestClaim, StoredMessage };

export class MessageStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** The next sequence number of an active room: strictly increasing, never reused. */
  async nextSeq(roomId: string): Promise<number> {
    const out = await conditionalWrite(
      this.ddb,
      new UpdateCommand({
        TableName: this.table,
        Key: roomKey(roomId),
        UpdateExpression: 'SET lastSeq = if_not_exists(lastSeq, :zero) + :one',
        ConditionExpression: '#s = :active',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':active': 'active' },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    if (!out) throw notFound(`Chat room ${roomId} not found`);
    return Number(out.Attributes?.lastSeq);
  }

  /**
   * Claim a client request id for a message not stored yet (no sequence number: the claim
   * comes first, so a resend never takes one). Undefined when this call made the claim, else
   * the claim made before.
   */
  async claimRequest(claim: RequestClaim): Promise<RequestClaim | undefined> {
    const claimed = await conditionalWrite(
      this.ddb,
      new PutCommand({
        TableName: this.table,
        Item: claimItem(claim),
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    if (claimed) return undefined;
    const earlier = await this.requestClaim(
      claim.message.roomId,
      claim.message.sender.userId,
      claim.requestId,
    );
    if (!earlier) throw new Error('a request claim exists and cannot be read');
    return earlier;
  }

  /** The claim of a client request id, if it was claimed. */
  async requestClaim(roomId: string, userId: string, requestId: string): Promise<RequestClaim | undefined> {
    const out = await this.ddb.send(
      new GetCommand({
        TableName: this.table,
        Key: requestKey(roomId, userId, requestId),
        ConsistentRead: true,
      }),
    );
    return out.Item && claimFromItem(out.Item);
  }

  /**
   * Take over a claim whose send stopped before it took a sequence number (its process died):
   * only when the claim is still `owner`'s and still has no number. False when someone else
   * got there first.
   */
  async takeOverClaim(claim: RequestClaim, owner: string, at: string): Promise<boolean> {
    const taken = await conditionalWrite(
      this.ddb,
      new UpdateCommand({
        TableName: this.table,
        Key: claimKey(claim),
        UpdateExpression: 'SET #o = :me, claimedAt = :at',
        ConditionExpression: '#o = :was AND attribute_not_exists(seq)',
        ExpressionAttributeNames: { '#o': 'owner' },
        ExpressionAttributeValues: { ':me': owner, ':was': claim.owner, ':at': at },
      }),
    );
    return taken !== undefined;
  }

  /** Record the sequence number a claim's message got (once: a claim never changes its number). */
  async setClaimSeq(claim: RequestClaim, seq: number): Promise<boolean> {
    const set = await conditionalWrite(
      this.ddb,
      new UpdateCommand({
        TableName: this.table,
        Key: claimKey(claim),
        UpdateExpression: 'SET seq = :seq',
        ConditionExpression: '#o = :me AND attribute_not_exists(seq)',
        ExpressionAttributeNames: { '#o': 'owner' },
        ExpressionAttributeValues: { ':seq': seq, ':me': claim.owner },
      }),
    );
    return set !== undefined;
  }

  async putMessage(m: StoredMessage): Promise<void> {
    // The message and its id -> seq item, in one request (the request claim already made the
    // seq this message's). A batch may leave items unprocessed when throttled: those are sent
    // again, a few times, before the send fails (and the client's retry replays the claim).
    let items: Record<string, Array<{ PutRequest: { Item: Record<string, unknown> } }>> | undefined = {
      [this.table]: [{ PutRequest: { Item: messageItem(m) } }, { PutRequest: { Item: messageIdItem(m) } }],
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
    await conditionalWrite(
      this.ddb,
      new PutCommand({
        TableName: this.table,
        Item: messageItem(m),
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    await this.ddb.send(new PutCommand({ TableName: this.table, Item: messageIdItem(m) }));
  }

  async getMessage(roomId: string, seq: number): Promise<StoredMessage | undefined> {
    const out = await this.ddb.send(
      new GetCommand({
        TableName: this.table,
        Key: messageKey(roomId, seq),
        ConsistentRead: true,
      }),
    );
    return out.Item && messageFromItem(out.Item);
  }

  async seqOf(roomId: string, messageId: string): Promise<number | undefined> {
    const out = await this.ddb.send(
      new GetCommand({
        TableName: this.table,
        Key: messageIdKey(roomId, messageId),
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
        Key: messageKey(roomId, seq),
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
        ...messagesBetween(roomId, afterSeq + 1),
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    const messages = (out.Items ?? []).map(messageFromItem).filter((m) => !m.deleted);
    return { messages, more: Boolean(out.LastEvaluatedKey) };
  }

  async ban(roomId: string, userId: string, until: string | undefined, reason?: string): Promise<void> {
    await this.ddb.send(
      new PutCommand({ TableName: this.table, Item: banItem(roomId, userId, { until, reason }) }),
    );
  }

  async liftBan(roomId: string, userId: string): Promise<void> {
    await this.ddb.send(
      new UpdateCommand({
        TableName: this.table,
        Key: banKey(roomId, userId),
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
        Key: banKey(roomId, userId),
        ConsistentRead: true,
      }),
    );
    return banFromItem(out.Item);
  }
}

/** A ban (no `until`) or a timeout (`until`, ISO time). */
export type Ban = ChatBan;

/** Whether a ban is in force at `now` (a timeout ends at its `until`). */
export function inForce(ban: Ban | undefined, now: Date): ban is Ban {
  return ban !== undefined && banInForce(ban, now.getTime());
}
