import { conditionalWrite, getItem, queryAll, queryFirst, TableAccess } from '@onair/runtime';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  OPEN_RECORDINGS,
  RECORDING_INDEX,
  type RecordingRecord,
  recordingFromItem,
  recordingItem,
  recordingKey,
  roomLockKey,
} from '../table';

// The recording type lives with the table layout (../table.ts); the handlers import it from here.
export type Recording = RecordingRecord;

const TERMINAL = new Set(['ready', 'failed']);
export const isTerminal = (r: Pick<Recording, 'status'>) => TERMINAL.has(r.status);

/** Stale write: someone changed the recording since we read it. The caller re-reads and retries. */
export class StaleWrite extends Error {}

/** The recording a room's lock item names (the store writes it in lock()). */
const holderOf = (lock: Record<string, unknown>) => lock.recordingId as string | undefined;

export class RecordingStore extends TableAccess {
  async get(id: string): Promise<Recording | undefined> {
    return getItem(this.ddb, this.tableName, recordingKey(id), recordingFromItem);
  }

  async byEgress(egressId: string): Promise<Recording | undefined> {
    return queryFirst(this.ddb, this.tableName, RECORDING_INDEX.byEgress, egressId, recordingFromItem);
  }

  /** Recordings not finished yet, oldest first (reconciliation). */
  async open(): Promise<Recording[]> {
    const items = await queryAll(this.ddb, {
      TableName: this.tableName,
      IndexName: RECORDING_INDEX.open.name,
      KeyConditionExpression: `${RECORDING_INDEX.open.pk} = :o`,
      ExpressionAttributeValues: { ':o': OPEN_RECORDINGS },
    });
    return items.map(recordingFromItem);
  }

  /** The recording holding the room's lock, if any. */
  async lockHolder(roomName: string): Promise<string | undefined> {
    return getItem(this.ddb, this.tableName, roomLockKey(roomName), holderOf);
  }

  /**
   * Take the room's lock for `recordingId`. False when another recording holds it. Taking it
   * again for the same recording succeeds (a redelivered start command).
   */
  async lock(roomName: string, recordingId: string, steal?: string): Promise<boolean> {
    const locked = await conditionalWrite(
      this.ddb,
      new PutCommand({
        TableName: this.tableName,
        Item: { ...roomLockKey(roomName), recordingId, lockedAt: new Date().toISOString() },
        ConditionExpression: steal
          ? 'attribute_not_exists(PK) OR recordingId = :id OR recordingId = :stale'
          : 'attribute_not_exists(PK) OR recordingId = :id',
        ExpressionAttributeValues: { ':id': recordingId, ...(steal ? { ':stale': steal } : {}) },
      }),
    );
    return locked !== undefined;
  }

  /** Release the room's lock if `recordingId` still holds it. */
  async unlock(roomName: string, recordingId: string): Promise<void> {
    await conditionalWrite(
      this.ddb,
      new DeleteCommand({
        TableName: this.tableName,
        Key: roomLockKey(roomName),
        ConditionExpression: 'recordingId = :id',
        ExpressionAttributeValues: { ':id': recordingId },
      }),
    );
  }

  /**
   * Write the whole recording. With `expectUpdatedAt` the write only happens if nobody changed
   * it since (optimistic concurrency: webhooks, the stop answer and reconciliation race).
   */
  async put(rec: Recording, expectUpdatedAt?: string | null): Promise<void> {
    const written = await conditionalWrite(
      this.ddb,
      new PutCommand({
        TableName: this.tableName,
        Item: recordingItem(rec, !isTerminal(rec)),
        ...(expectUpdatedAt === null
          ? { ConditionExpression: 'attribute_not_exists(PK)' }
          : expectUpdatedAt
            ? {
                ConditionExpression: 'updatedAt = :u',
                ExpressionAttributeValues: { ':u': expectUpdatedAt },
              }
            : {}),
      }),
    );
    if (!written) throw new StaleWrite(`recording ${rec.recordingId} changed meanwhile`);
  }

  async delete(id: string): Promise<void> {
    await this.ddb.send(new DeleteCommand({ TableName: this.tableName, Key: recordingKey(id) }));
  }
}
