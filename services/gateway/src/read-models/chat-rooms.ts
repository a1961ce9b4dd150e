import { getItem, type Page, queryPage, TableAccess } from '@onair/runtime';
import {
  CHAT_INDEX,
  type ChatRoomRecord,
  chatRoomView,
  ownerPartition,
  roomFromItem,
  roomKey,
} from '@onair/chat-svc/table';

/** A room as chat-svc stores it. */
export type StoredChatRoom = ChatRoomRecord;

/** The public view of a stored room (no table keys, no internal state). */
export const roomView = chatRoomView;

/**
 * Chat rooms, read from chat-svc's table through its table module (keys, indexes and
 * item -> record are chat-svc's). Only `active` rooms exist for readers.
 */
export class ChatRoomsReadModel extends TableAccess {
  async get(roomId: string): Promise<StoredChatRoom | undefined> {
    return getItem(this.ddb, this.tableName, roomKey(roomId), active, { consistent: true });
  }

  /** An owner's rooms, newest first; `cursor` continues a previous page. */
  listByOwner(ownerId: string, opts: { limit: number; cursor?: string }): Promise<Page<StoredChatRoom>> {
    return queryPage(this.ddb, {
      table: this.tableName,
      index: CHAT_INDEX.byOwner,
      partition: ownerPartition(ownerId),
      newestFirst: true,
      limit: opts.limit,
      cursor: opts.cursor,
      fromItem: active,
    });
  }
}

/** The record of a room readers may see: `active` ones only. */
function active(item: Record<string, unknown>): StoredChatRoom | undefined {
  const room = roomFromItem(item);
  return room.state === 'active' ? room : undefined;
}
