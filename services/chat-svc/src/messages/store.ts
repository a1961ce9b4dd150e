import { conditionalWrite, notFound } from '@onair/runtime';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { DynamoMessageLog, MESSAGES_PER_BATCH, type MessageLog } from '../message-log';
import {
  type ChatBan,
  banFromItem,
  banInForce,
  banItem,
  banKey,
  leaseFromItem,
  MAX_SEQ,
  roomKey,
  type SequenceLease,
  type StoredMessage,
  seqInMessageId,
} from '../table';

// Native chat data lives in chat-svc's table beside the room item (layout in ../table.ts), the
// messages in the message log (../message-log: the same table, or a local SQLite file). Every
// write is a single-item write (conditional where it must be) or a batch of independent puts; no
// transactions. The item types live with the layout; the engines import them from here.
export type { SequenceLease, StoredMessage };

export { MESSAGES_PER_BATCH };

export class MessageStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
    /** Where the messages are (sequence leases and bans stay in the table): DynamoDB unless told. */
    private readonly log: MessageLog = new DynamoMessageLog(ddb, table),
  ) {}

  /**
   * Take over a room's sequence: a new epoch (fencing whoever held it) and `block` numbers
   * reserved after the highest one given out so far. Undefined when another instance took it
   * in between (read and write raced); a 404 when the room is not active.
   */
  async takeSequence(
    roomId: string,
    block: number,
  ): Promise<(SequenceLease & { first: number }) | undefined> {
    const out = await this.ddb.send(
      new GetCommand({ TableName: this.table, Key: roomKey(roomId), ConsistentRead: true }),
    );
    if (out.Item?.state !== 'active') throw notFound(`Chat room ${roomId} not found`);
    const was = leaseFromItem(out.Item);
    const next: SequenceLease = { epoch: was.epoch + 1, lastSeq: was.lastSeq + block };
    const taken = await conditionalWrite(
      this.ddb,
      new UpdateCommand({
        TableName: this.table,
        Key: roomKey(roomId),
        UpdateExpression: 'SET ownerEpoch = :epoch, lastSeq = :last',
        ConditionExpression:
          '#s = :active AND (ownerEpoch = :was OR attribute_not_exists(ownerEpoch)) AND (lastSeq = :wasLast OR attribute_not_exists(lastSeq))',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: {
          ':epoch': next.epoch,
          ':last': next.lastSeq,
          ':was': was.epoch,
          ':wasLast': was.lastSeq,
          ':active': 'active',
        },
      }),
    );
    return taken ? { ...next, first: was.lastSeq + 1 } : undefined;
  }

  /** Reserve numbers up to `lastSeq` while `epoch` holds the room; false once another instance took it. */
  async extendSequence(roomId: string, epoch: number, lastSeq: number): Promise<boolean> {
    const done = await conditionalWrite(
      this.ddb,
      new UpdateCommand({
        TableName: this.table,
        Key: roomKey(roomId),
        UpdateExpression: 'SET lastSeq = :last',
        ConditionExpression: 'ownerEpoch = :epoch AND #s = :active',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':last': lastSeq, ':epoch': epoch, ':active': 'active' },
      }),
    );
    return done !== undefined;
  }

  /**
   * Which of `leases`' rooms (at most 100, no repeats) are still held under the given epoch by an
   * active room, in one consistent BatchGetItem: an owner checks many quiet rooms at once. A
   * room DynamoDB left unprocessed (throttled) is in `unread`, to be asked again.
   */
  async leasesHeld(
    leases: ReadonlyArray<{ roomId: string; epoch: number }>,
  ): Promise<{ held: Set<string>; unread: Set<string> }> {
    const out = await this.ddb.send(
      new BatchGetCommand({
        RequestItems: {
          [this.table]: {
            Keys: leases.map((l) => roomKey(l.roomId)),
            ConsistentRead: true,
            ProjectionExpression: 'PK, ownerEpoch, #s',
            ExpressionAttributeNames: { '#s': 'state' },
          },
        },
      }),
    );
    const items = new Map((out.Responses?.[this.table] ?? []).map((item) => [String(item.PK), item]));
    const unprocessed = new Set((out.UnprocessedKeys?.[this.table]?.Keys ?? []).map((k) => String(k.PK)));
    const held = new Set<string>();
    const unread = new Set<string>();
    for (const l of leases) {
      const pk = roomKey(l.roomId).PK;
      if (unprocessed.has(pk)) unread.add(l.roomId);
      const item = items.get(pk);
      if (item && item.state === 'active' && leaseFromItem(item).epoch === l.epoch) held.add(l.roomId);
    }
    return { held, unread };
  }

  /**
   * Give back the reserved numbers nobody got (a clean stop): the next owner goes on from
   * `lastUsed`, so a restart leaves no hole in the sequence. Nothing happens if the room moved.
   */
  async releaseSequence(roomId: string, lease: SequenceLease, lastUsed: number): Promise<void> {
    await conditionalWrite(
      this.ddb,
      new UpdateCommand({
        TableName: this.table,
        Key: roomKey(roomId),
        UpdateExpression: 'SET lastSeq = :used',
        ConditionExpression: 'ownerEpoch = :epoch AND lastSeq = :last',
        ExpressionAttributeValues: { ':used': lastUsed, ':epoch': lease.epoch, ':last': lease.lastSeq },
      }),
    );
  }

  /** The room's newest `limit` messages (tombstones too), oldest first: what a new owner recalls resends by. */
  recentMessages(roomId: string, limit: number): Promise<StoredMessage[]> {
    return this.log.newest(roomId, limit);
  }

  /**
   * Store up to MESSAGES_PER_BATCH messages (an item each) in one write.
   * Returns the messages the log left unprocessed (throttled): the caller sends them again.
   */
  putMessages(ms: StoredMessage[]): Promise<StoredMessage[]> {
    return this.log.put(ms);
  }

  getMessage(roomId: string, seq: number): Promise<StoredMessage | undefined> {
    return this.log.get(roomId, seq);
  }

  /** The seq of a room's message by its id (undefined: no such message in the room). */
  async seqOf(roomId: string, messageId: string): Promise<number | undefined> {
    const seq = seqInMessageId(messageId);
    if (seq === undefined) return this.log.legacySeqOf(roomId, messageId);
    const m = await this.log.get(roomId, seq);
    return m?.messageId === messageId ? seq : undefined;
  }

  /** Remove the content, keep the place in the sequence. Idempotent. */
  tombstone(roomId: string, seq: number): Promise<void> {
    return this.log.tombstone(roomId, seq);
  }

  /** Messages after `afterSeq`, oldest first, deleted ones left out. */
  async after(
    roomId: string,
    afterSeq: number,
    limit: number,
  ): Promise<{ messages: StoredMessage[]; more: boolean }> {
    const { messages, more } = await this.log.range(roomId, afterSeq + 1, MAX_SEQ, limit);
    return { messages: messages.filter((m) => !m.deleted), more };
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
