import { conditionalWrite, getItem, insertItem, queryAll, TableAccess } from '@onair/runtime';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  allRooms,
  type ParticipantRecord,
  participantFromItem,
  participantItem,
  participantKey,
  participantsOf,
  type RoomRecord,
  roomFromItem,
  roomItem,
  roomKey,
} from '../table';

// The room's types live with the table layout (../table.ts); the handlers import them from here.
export type Room = RoomRecord;
export type Participant = ParticipantRecord;

/** The only writer of LiveKit rooms and their participants in stream-svc's table. */
export class RoomStore extends TableAccess {
  async get(roomId: string): Promise<Room | undefined> {
    return getItem(this.ddb, this.tableName, roomKey(roomId), roomFromItem);
  }

  /** Inserts unless the id exists; answers whichever room is stored afterwards. */
  async insert(room: Room): Promise<{ room: Room; created: boolean }> {
    if (await insertItem(this.ddb, this.tableName, roomItem(room))) return { room, created: true };
    const existing = await this.get(room.roomId);
    if (!existing) throw new Error(`room ${room.roomId} exists and cannot be read`);
    return { room: existing, created: false };
  }

  async remove(roomId: string): Promise<void> {
    await this.ddb.send(new DeleteCommand({ TableName: this.tableName, Key: roomKey(roomId) }));
    await this.clearParticipants(roomId);
  }

  /** A participant session is present (replaces an older session of the same identity). */
  async participantJoined(roomId: string, p: Participant): Promise<void> {
    await this.ddb.send(new PutCommand({ TableName: this.tableName, Item: participantItem(roomId, p) }));
  }

  /**
   * That session left. Only removed when it is the session we hold: a late `participant_left`
   * of a replaced session (duplicate identity) must not remove the new one.
   */
  async participantLeft(roomId: string, identity: string, sid: string): Promise<void> {
    await conditionalWrite(
      this.ddb,
      new DeleteCommand({
        TableName: this.tableName,
        Key: participantKey(roomId, identity),
        ConditionExpression: 'attribute_not_exists(PK) OR sid = :sid',
        ExpressionAttributeValues: { ':sid': sid },
      }),
    );
  }

  async clearParticipants(roomId: string): Promise<void> {
    for (const identity of await this.participantIdentities(roomId)) {
      await this.ddb.send(
        new DeleteCommand({ TableName: this.tableName, Key: participantKey(roomId, identity) }),
      );
    }
  }

  async participantIdentities(roomId: string): Promise<string[]> {
    const items = await queryAll(this.ddb, { TableName: this.tableName, ...participantsOf(roomId) });
    return items.map((i) => participantFromItem(i).identity);
  }

  /** Every room (one partition, see ../table.ts). */
  async all(): Promise<Room[]> {
    const items = await queryAll(this.ddb, { TableName: this.tableName, ...allRooms() });
    return items.map(roomFromItem);
  }

  /** Sets fields of a room that exists; answers the new room, or undefined when it is gone. */
  async update(roomId: string, fields: Partial<Room>): Promise<Room | undefined> {
    const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
    const r = await conditionalWrite(
      this.ddb,
      new UpdateCommand({
        TableName: this.tableName,
        Key: roomKey(roomId),
        UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k])),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
        ReturnValues: 'ALL_NEW',
      }),
    );
    return r?.Attributes && roomFromItem(r.Attributes);
  }
}
