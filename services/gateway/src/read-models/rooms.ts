import { getItem, type Page, queryAll, queryPage, TableAccess } from '@onair/runtime';
import {
  type ParticipantRecord,
  participantFromItem,
  participantsOf,
  ROOMS_PARTITION,
  type RoomRecord,
  roomFromItem,
  roomKey,
} from '@onair/stream-svc/table';

export type { ParticipantRecord, RoomRecord };

export type RoomPage = Page<RoomRecord>;

/**
 * LiveKit rooms, read from stream-svc's table through its table module (keys and item -> record
 * are stream-svc's). Only stream-svc writes; the gateway reads.
 */
export class RoomsReadModel extends TableAccess {
  async get(roomId: string): Promise<RoomRecord | undefined> {
    return getItem(this.ddb, this.tableName, roomKey(roomId), roomFromItem);
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
    const items = await queryAll(this.ddb, { TableName: this.tableName, ...participantsOf(roomId) });
    return items.map(participantFromItem);
  }

  /** Rooms in id order, optionally only one status; `cursor` continues a previous page. */
  list(o: { limit: number; cursor?: string; status?: RoomRecord['status'] }): Promise<RoomPage> {
    return queryPage(this.ddb, {
      table: this.tableName,
      partition: ROOMS_PARTITION,
      limit: o.limit,
      cursor: o.cursor,
      where: { status: o.status },
      fromItem: roomFromItem,
    });
  }
}
