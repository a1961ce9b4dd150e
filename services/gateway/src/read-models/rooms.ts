import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor, keyAttributes, queryAll } from '@onair/runtime';
import {
  allRooms,
  type ParticipantRecord,
  participantFromItem,
  participantsOf,
  ROOMS_PARTITION,
  type RoomRecord,
  roomFromItem,
  roomKey,
} from '@onair/stream-svc/table';

export type { ParticipantRecord, RoomRecord };

export interface RoomPage {
  items: RoomRecord[];
  nextCursor?: string;
}

/**
 * LiveKit rooms, read from stream-svc's table through its table module (keys and item -> record
 * are stream-svc's). Only stream-svc writes; the gateway reads.
 */
export class RoomsReadModel {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(roomId: string): Promise<RoomRecord | undefined> {
    const r = await this.ddb.send(new GetCommand({ TableName: this.table, Key: roomKey(roomId) }));
    return r.Item && roomFromItem(r.Item);
  }

  /** By our id, or by LiveKit's sid (seed 004 documents `roomId` as the sid). */
  async find(idOrSid: string): Promise<RoomRecord | undefined> {
    const byId = await this.get(idOrSid);
    if (byId || !idOrSid.startsWith('RM_')) return byId;
    let cursor: string | undefined;
    do {
      const page = await this.list({ limit: 100, cursor });
      const hit = page.items.find((r) => r.sid === idOrSid);
      if (hit) return hit;
      cursor = page.nextCursor;
    } while (cursor);
    return undefined;
  }

  /** Who is in the room now, by identity (as LiveKit's webhooks told stream-svc). */
  async participants(roomId: string): Promise<ParticipantRecord[]> {
    const items = await queryAll(this.ddb, { TableName: this.table, ...participantsOf(roomId) });
    return items.map(participantFromItem);
  }

  /** Rooms in id order, optionally only one status; `cursor` continues a previous page. */
  async list(o: { limit: number; cursor?: string; status?: RoomRecord['status'] }): Promise<RoomPage> {
    const items: RoomRecord[] = [];
    const query = allRooms();
    let start: Record<string, unknown> | undefined = decodeCursor(o.cursor, {
      attributes: keyAttributes(),
      fixed: { PK: ROOMS_PARTITION },
    });
    do {
      const r = await this.ddb.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: query.KeyConditionExpression,
          ExpressionAttributeValues: {
            ...query.ExpressionAttributeValues,
            ...(o.status ? { ':s': o.status } : {}),
          },
          ...(o.status ? { FilterExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' } } : {}),
          ExclusiveStartKey: start,
          Limit: o.limit - items.length,
        }),
      );
      items.push(...(r.Items ?? []).map(roomFromItem));
      start = r.LastEvaluatedKey;
    } while (start && items.length < o.limit);
    return { items, ...(start ? { nextCursor: encodeCursor(start) } : {}) };
  }
}
