import { isConditionFailure, queryAll } from '@onair/runtime';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ParticipantView, RoomView } from '@onair/contracts';
import type { Static } from '@sinclair/typebox';

export type Room = Static<typeof RoomView>;
export type Participant = Static<typeof ParticipantView>;

/**
 * LiveKit rooms in stream-svc's table (shared with IVS streams, hence the `LKROOM` prefixes):
 *   PK=LKROOM          SK=<roomId>        the room (every room in one partition: a list needs
 *                                         no index, and the number of rooms stays small)
 *   PK=LKROOM#<roomId> SK=P#<identity>    a participant present now (sid = its session; name, joinedAt)
 * The gateway's read model (services/gateway/src/read-models/rooms.ts) reads the same layout.
 */
export const ROOMS_PK = 'LKROOM';
const participantsPk = (roomId: string) => `LKROOM#${roomId}`;

export class RoomStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(roomId: string): Promise<Room | undefined> {
    const r = await this.ddb.send(
      new GetCommand({ TableName: this.table, Key: { PK: ROOMS_PK, SK: roomId } }),
    );
    return r.Item ? strip(r.Item) : undefined;
  }

  /** Inserts unless the id exists; answers whichever room is stored afterwards. */
  async insert(room: Room): Promise<{ room: Room; created: boolean }> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.table,
          Item: { PK: ROOMS_PK, SK: room.roomId, ...room },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return { room, created: true };
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
      const existing = await this.get(room.roomId);
      if (!existing) throw e;
      return { room: existing, created: false };
    }
  }

  async remove(roomId: string): Promise<void> {
    await this.ddb.send(new DeleteCommand({ TableName: this.table, Key: { PK: ROOMS_PK, SK: roomId } }));
    for (const identity of await this.participantIdentities(roomId)) {
      await this.ddb.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { PK: participantsPk(roomId), SK: `P#${identity}` },
        }),
      );
    }
  }

  /** A participant session is present (replaces an older session of the same identity). */
  async participantJoined(roomId: string, p: Participant): Promise<void> {
    await this.ddb.send(
      new PutCommand({
        TableName: this.table,
        Item: { PK: participantsPk(roomId), SK: `P#${p.identity}`, ...p },
      }),
    );
  }

  /**
   * That session left. Only removed when it is the session we hold: a late `participant_left`
   * of a replaced session (duplicate identity) must not remove the new one.
   */
  async participantLeft(roomId: string, identity: string, sid: string): Promise<void> {
    try {
      await this.ddb.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { PK: participantsPk(roomId), SK: `P#${identity}` },
          ConditionExpression: 'attribute_not_exists(PK) OR sid = :sid',
          ExpressionAttributeValues: { ':sid': sid },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  async clearParticipants(roomId: string): Promise<void> {
    for (const identity of await this.participantIdentities(roomId)) {
      await this.ddb.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { PK: participantsPk(roomId), SK: `P#${identity}` },
        }),
      );
    }
  }

  async participantIdentities(roomId: string): Promise<string[]> {
    const items = await queryAll(this.ddb, {
      TableName: this.table,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
      ExpressionAttributeValues: { ':pk': participantsPk(roomId), ':p': 'P#' },
    });
    return items.map((i) => String(i.identity));
  }

  /** Every room (one partition, see above). */
  async all(): Promise<Room[]> {
    const items = await queryAll(this.ddb, {
      TableName: this.table,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': ROOMS_PK },
    });
    return items.map(strip);
  }

  /** Sets fields of a room that exists; answers the new room, or undefined when it is gone. */
  async update(roomId: string, fields: Partial<Room>): Promise<Room | undefined> {
    const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
    try {
      const r = await this.ddb.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { PK: ROOMS_PK, SK: roomId },
          UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k])),
          ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return r.Attributes ? strip(r.Attributes) : undefined;
    } catch (e) {
      if (isConditionFailure(e)) return undefined;
      throw e;
    }
  }
}

function strip(item: Record<string, unknown>): Room {
  const { PK: _pk, SK: _sk, ...rest } = item;
  return rest as Room;
}
