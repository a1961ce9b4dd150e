import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { queryAll } from '@onair/runtime';
import type { ParticipantView, RoomView } from '@onair/contracts';
import type { Static } from '@sinclair/typebox';
import { decodeCursor, encodeCursor } from '@onair/runtime';

export type RoomRecord = Static<typeof RoomView>;
export type ParticipantRecord = Static<typeof ParticipantView>;

/**
 * LiveKit rooms as stream-svc stores them (layout: services/stream-svc/src/rooms/store.ts):
 * PK=LKROOM, SK=<roomId>; a room's participants at PK=LKROOM#<roomId>, SK=P#<identity>.
 * Only stream-svc writes; the gateway reads.
 */
const ROOMS_PK = 'LKROOM';

export interface RoomPage {
  items: RoomRecord[];
  nextCursor?: string;
}

export class RoomsReadModel {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(roomId: string): Promise<RoomRecord | undefined> {
    const r = await this.ddb.send(
      new GetCommand({ TableName: this.table, Key: { PK: ROOMS_PK, SK: roomId } }),
    );
    return r.Item ? strip(r.Item) : undefined;
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
    const items = await queryAll(this.ddb, {
      TableName: this.table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
      ExpressionAttributeValues: { ':pk': `${ROOMS_PK}#${roomId}`, ':p': 'P#' },
    });
    return items.map((it) => {
      const { PK: _pk, SK: _sk, ...p } = it;
      return p as ParticipantRecord;
    });
  }

  /** Rooms in id order, optionally only one status; `cursor` continues a previous page. */
  async list(o: { limit: number; cursor?: string; status?: RoomRecord['status'] }): Promise<RoomPage> {
    const items: RoomRecord[] = [];
    let start: Record<string, unknown> | undefined = decodeCursor(o.cursor, {
      attributes: ['PK', 'SK'],
      fixed: { PK: ROOMS_PK },
    });
    do {
      const r = await this.ddb.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': ROOMS_PK, ...(o.status ? { ':s': o.status } : {}) },
          ...(o.status ? { FilterExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' } } : {}),
          ExclusiveStartKey: start,
          Limit: o.limit - items.length,
        }),
      );
      items.push(...(r.Items ?? []).map(strip));
      start = r.LastEvaluatedKey;
    } while (start && items.length < o.limit);
    return { items, ...(start ? { nextCursor: encodeCursor(start) } : {}) };
  }
}

function strip(item: Record<string, unknown>): RoomRecord {
  const { PK: _pk, SK: _sk, ...rest } = item;
  return rest as RoomRecord;
}
