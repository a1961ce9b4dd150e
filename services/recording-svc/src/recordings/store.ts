import { isConditionFailure, queryAll } from '@onair/runtime';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type { RecordingView } from '@onair/contracts';
import type { Static } from '@sinclair/typebox';
import { INDEX } from './table';

export type Recording = Static<typeof RecordingView>;

const recKey = (id: string) => ({ PK: `REC#${id}`, SK: 'REC' });
const lockKey = (roomName: string) => ({ PK: `ACTIVE#${roomName}`, SK: 'LOCK' });
const TERMINAL = new Set(['ready', 'failed']);
export const isTerminal = (r: Pick<Recording, 'status'>) => TERMINAL.has(r.status);

/** Stale write: someone changed the recording since we read it. The caller re-reads and retries. */
export class StaleWrite extends Error {}

export class RecordingStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(id: string): Promise<Recording | undefined> {
    const r = await this.ddb.send(new GetCommand({ TableName: this.table, Key: recKey(id) }));
    return r.Item ? strip(r.Item) : undefined;
  }

  async byEgress(egressId: string): Promise<Recording | undefined> {
    const r = await this.ddb.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: INDEX.egress,
        KeyConditionExpression: 'egressId = :e',
        ExpressionAttributeValues: { ':e': egressId },
        Limit: 1,
      }),
    );
    return r.Items?.[0] ? strip(r.Items[0]) : undefined;
  }

  /** Recordings not finished yet, oldest first (reconciliation). */
  async open(): Promise<Recording[]> {
    const items = await queryAll(this.ddb, {
      TableName: this.table,
      IndexName: INDEX.open,
      KeyConditionExpression: 'openPk = :o',
      ExpressionAttributeValues: { ':o': 'OPEN' },
    });
    return items.map(strip);
  }

  /** The recording holding the room's lock, if any. */
  async lockHolder(roomName: string): Promise<string | undefined> {
    const r = await this.ddb.send(new GetCommand({ TableName: this.table, Key: lockKey(roomName) }));
    return r.Item?.recordingId as string | undefined;
  }

  /**
   * Take the room's lock for `recordingId`. False when another recording holds it. Taking it
   * again for the same recording succeeds (a redelivered start command).
   */
  async lock(roomName: string, recordingId: string, steal?: string): Promise<boolean> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...lockKey(roomName), recordingId, lockedAt: new Date().toISOString() },
          ConditionExpression: steal
            ? 'attribute_not_exists(PK) OR recordingId = :id OR recordingId = :stale'
            : 'attribute_not_exists(PK) OR recordingId = :id',
          ExpressionAttributeValues: { ':id': recordingId, ...(steal ? { ':stale': steal } : {}) },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  /** Release the room's lock if `recordingId` still holds it. */
  async unlock(roomName: string, recordingId: string): Promise<void> {
    try {
      await this.ddb.send(
        new DeleteCommand({
          TableName: this.table,
          Key: lockKey(roomName),
          ConditionExpression: 'recordingId = :id',
          ExpressionAttributeValues: { ':id': recordingId },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  /**
   * Write the whole recording. With `expectUpdatedAt` the write only happens if nobody changed
   * it since (optimistic concurrency: webhooks, the stop answer and reconciliation race).
   */
  async put(rec: Recording, expectUpdatedAt?: string | null): Promise<void> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...recKey(rec.recordingId),
            ...rec,
            listPk: 'REC',
            createdSort: `${rec.createdAt}#${rec.recordingId}`,
            ...(isTerminal(rec) ? {} : { openPk: 'OPEN' }),
          },
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
    } catch (e) {
      if (isConditionFailure(e)) throw new StaleWrite(`recording ${rec.recordingId} changed meanwhile`);
      throw e;
    }
  }

  async delete(id: string): Promise<void> {
    await this.ddb.send(new DeleteCommand({ TableName: this.table, Key: recKey(id) }));
  }
}

const INTERNAL = ['PK', 'SK', 'listPk', 'createdSort', 'openPk'];
function strip(item: Record<string, unknown>): Recording {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !INTERNAL.includes(k))) as Recording;
}
