import { conditionalWrite, getItem, insertItem, queryFirst, TableAccess } from '@onair/runtime';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  activeRoomItem,
  arnPartition,
  CHAT_INDEX,
  type ChatRoomRecord,
  type ChatRoomViewData,
  roomFromItem,
  roomKey,
} from '../table';
import { normalizeSettings, type RoomSettings } from './settings';

// The room's types and view live with the table layout (../table.ts); the handlers and engines
// import them from here, beside the store.
export type RoomView = ChatRoomViewData;
export type RoomRecord = ChatRoomRecord;
export type { RoomSettings };
export { CHAT_TABLE_INDEXES, chatRoomView as toView } from '../table';

/** A stored room; only the settings may hold what an older version stored (see normalizeSettings). */
function recordOf(item: Record<string, unknown> | undefined): RoomRecord | undefined {
  if (!item) return undefined;
  const r = roomFromItem(item);
  return { ...r, settings: normalizeSettings(r.settings) };
}

/** The only writer of chat-svc's table. Every write is one conditional single-item write. */
export class RoomStore extends TableAccess {
  async get(roomId: string): Promise<RoomRecord | undefined> {
    return getItem(this.ddb, this.tableName, roomKey(roomId), recordOf, { consistent: true });
  }

  async getByArn(arn: string): Promise<RoomRecord | undefined> {
    return queryFirst(this.ddb, this.tableName, CHAT_INDEX.byArn, arnPartition(arn), recordOf);
  }

  /** The first write of a create; false when a record with this id exists already. */
  async putCreating(r: RoomRecord): Promise<boolean> {
    return insertItem(this.ddb, this.tableName, { ...roomKey(r.roomId), ...r });
  }

  /** creating -> active; false when the room was deleted meanwhile. */
  async activate(r: RoomRecord): Promise<boolean> {
    const written = await conditionalWrite(
      this.ddb,
      new PutCommand({
        TableName: this.tableName,
        Item: activeRoomItem(r),
        ConditionExpression: '#s = :creating AND createCommandId = :cmd',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':creating': 'creating', ':cmd': r.createCommandId },
      }),
    );
    return written !== undefined;
  }

  /**
   * Forget a `creating` record whose provider room could not be made, so the bus's retry of the
   * same command starts clean. A tombstone written meanwhile is left alone (the condition fails).
   */
  async dropCreating(roomId: string, createCommandId: string): Promise<void> {
    await conditionalWrite(
      this.ddb,
      new DeleteCommand({
        TableName: this.tableName,
        Key: roomKey(roomId),
        ConditionExpression: '#s = :creating AND createCommandId = :cmd',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':creating': 'creating', ':cmd': createCommandId },
      }),
    );
  }

  /** Name / settings of an active room; the stored record after the change, or undefined if gone. */
  async update(
    roomId: string,
    name: string,
    settings: RoomSettings,
    now: string,
  ): Promise<RoomRecord | undefined> {
    const out = await conditionalWrite(
      this.ddb,
      new UpdateCommand({
        TableName: this.tableName,
        Key: roomKey(roomId),
        UpdateExpression: 'SET #n = :n, settings = :st, updatedAt = :now',
        ConditionExpression: '#s = :active',
        ExpressionAttributeNames: { '#n': 'name', '#s': 'state' },
        ExpressionAttributeValues: { ':n': name, ':st': settings, ':now': now, ':active': 'active' },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return recordOf(out?.Attributes);
  }

  /**
   * Tombstone a room (creating it as a tombstone when it never existed). Returns the record as it
   * was before, so the caller knows which provider room to delete.
   */
  async tombstone(roomId: string, ownerId: string, now: string): Promise<RoomRecord | undefined> {
    const out = await this.ddb.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: roomKey(roomId),
        // Out of the owner's list (byOwner): readers see active rooms only.
        UpdateExpression: `SET #s = :deleted, updatedAt = :now, roomId = if_not_exists(roomId, :id), ownerId = if_not_exists(ownerId, :owner) REMOVE ${CHAT_INDEX.byOwner.pk}, ${CHAT_INDEX.byOwner.sk}`,
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':deleted': 'deleted', ':now': now, ':id': roomId, ':owner': ownerId },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return recordOf(out.Attributes);
  }
}
