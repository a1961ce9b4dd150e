import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor, keyAttributes } from '@onair/runtime';
import {
  ALL_RECORDINGS,
  RECORDING_INDEX,
  type RecordingRecord,
  recordingFromItem,
  recordingKey,
} from '@onair/recording-svc/table';

export type { RecordingRecord };

export interface RecordingFilter {
  roomName?: string;
  /** Our room id. */
  roomId?: string;
  /** LiveKit's room sid (seed 001's `roomId`). */
  roomSid?: string;
  status?: RecordingRecord['status'];
}

/**
 * Recordings, read from recording-svc's table through its table module (keys, indexes and
 * item -> record are recording-svc's). Only recording-svc writes; the gateway reads.
 */
export class RecordingsReadModel {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(id: string): Promise<RecordingRecord | undefined> {
    const r = await this.ddb.send(new GetCommand({ TableName: this.table, Key: recordingKey(id) }));
    return r.Item && recordingFromItem(r.Item);
  }

  async byFileName(fileName: string): Promise<RecordingRecord | undefined> {
    const r = await this.ddb.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: RECORDING_INDEX.byFileName.name,
        KeyConditionExpression: `${RECORDING_INDEX.byFileName.pk} = :n`,
        ExpressionAttributeValues: { ':n': fileName },
        Limit: 1,
      }),
    );
    return r.Items?.[0] && recordingFromItem(r.Items[0]);
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
    const index = f.roomName !== undefined ? RECORDING_INDEX.byRoom : RECORDING_INDEX.all;
    const partition = f.roomName ?? ALL_RECORDINGS;
    const items: RecordingRecord[] = [];
    let start: Record<string, unknown> | undefined = decodeCursor(f.cursor, {
      attributes: keyAttributes(index),
      fixed: { [index.pk]: partition },
    });
    do {
      const r = await this.ddb.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: index.name,
          KeyConditionExpression: `${index.pk} = :pk`,
          ExpressionAttributeValues: { ':pk': partition, ...values },
          ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ScanIndexForward: false,
          ExclusiveStartKey: start,
          Limit: f.limit - items.length,
        }),
      );
      items.push(...(r.Items ?? []).map(recordingFromItem));
      start = r.LastEvaluatedKey;
    } while (start && items.length < f.limit);
    return { items, ...(start ? { nextCursor: encodeCursor(start) } : {}) };
  }
}
