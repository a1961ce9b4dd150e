import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { RecordingView } from '@onair/contracts';
import type { Static } from '@sinclair/typebox';
import { decodeCursor, encodeCursor } from '@onair/runtime';

export type RecordingRecord = Static<typeof RecordingView>;

/**
 * Recordings as recording-svc stores them (layout and indexes:
 * services/recording-svc/src/recordings/table.ts). Only recording-svc writes; the gateway reads.
 */
const INTERNAL = ['PK', 'SK', 'listPk', 'createdSort', 'openPk'];

export interface RecordingFilter {
  roomName?: string;
  /** Our room id. */
  roomId?: string;
  /** LiveKit's room sid (seed 001's `roomId`). */
  roomSid?: string;
  status?: RecordingRecord['status'];
}

export class RecordingsReadModel {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(id: string): Promise<RecordingRecord | undefined> {
    const r = await this.ddb.send(
      new GetCommand({ TableName: this.table, Key: { PK: `REC#${id}`, SK: 'REC' } }),
    );
    return r.Item ? strip(r.Item) : undefined;
  }

  async byFileName(fileName: string): Promise<RecordingRecord | undefined> {
    const r = await this.ddb.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'name',
        KeyConditionExpression: 'fileName = :n',
        ExpressionAttributeValues: { ':n': fileName },
        Limit: 1,
      }),
    );
    return r.Items?.[0] ? strip(r.Items[0]) : undefined;
  }

  /** Newest first; a room name narrows the query to that room's index, the rest are filters. */
  async list(
    f: RecordingFilter & { limit: number; cursor?: string },
  ): Promise<{ items: RecordingRecord[]; nextCursor?: string }> {
    const filters: string[] = [];
    const values: Record<string, unknown> = {};
    const names: Record<string, string> = {};
    if (f.roomId !== undefined) {
      filters.push('roomId = :rid');
      values[':rid'] = f.roomId;
    }
    if (f.roomSid !== undefined) {
      filters.push('roomSid = :sid');
      values[':sid'] = f.roomSid;
    }
    if (f.status !== undefined) {
      filters.push('#st = :st');
      values[':st'] = f.status;
      names['#st'] = 'status';
    }
    const key =
      f.roomName !== undefined
        ? { IndexName: 'room', KeyConditionExpression: 'roomName = :pk', pk: f.roomName, attr: 'roomName' }
        : { IndexName: 'all', KeyConditionExpression: 'listPk = :pk', pk: 'REC', attr: 'listPk' };
    const items: RecordingRecord[] = [];
    let start: Record<string, unknown> | undefined = decodeCursor(f.cursor, {
      attributes: ['PK', 'SK', key.attr, 'createdSort'],
      fixed: { [key.attr]: key.pk },
    });
    do {
      const r = await this.ddb.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: key.IndexName,
          KeyConditionExpression: key.KeyConditionExpression,
          ExpressionAttributeValues: { ':pk': key.pk, ...values },
          ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ScanIndexForward: false,
          ExclusiveStartKey: start,
          Limit: f.limit - items.length,
        }),
      );
      items.push(...(r.Items ?? []).map(strip));
      start = r.LastEvaluatedKey;
    } while (start && items.length < f.limit);
    return { items, ...(start ? { nextCursor: encodeCursor(start) } : {}) };
  }
}

function strip(item: Record<string, unknown>): RecordingRecord {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !INTERNAL.includes(k))) as RecordingRecord;
}
