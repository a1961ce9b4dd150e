import { isConditionFailure } from '@onair/runtime';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ChatRoomView } from '@onair/contracts';
import type { TableSpec } from '@onair/runtime';
import type { Static } from '@sinclair/typebox';
import { normalizeSettings, type RoomSettings } from './settings';

export type RoomView = Static<typeof ChatRoomView>;
export type { RoomSettings };

/**
 * A room as chat-svc stores it. `state` is internal: `creating` while the provider room is being
 * made, `active` once usable, `deleted` as a tombstone so a late or redelivered create of the
 * same id can never bring a deleted room back (the stream saga may delete a room before its
 * create arrived).
 */
export interface RoomRecord extends RoomView {
  state: 'creating' | 'active' | 'deleted';
  createCommandId?: string;
}

/**
 * Table layout (single table, string keys; the gateway's read model reads the same layout):
 *   PK = ROOM#<roomId>, SK = ROOM                      the room
 *   GSI1: GSI1PK = ARN#<arn>, GSI1SK = ROOM            find a room by its IVS ARN (seed 002 tokens)
 *   GSI2: GSI2PK = OWNER#<ownerId>, GSI2SK = <createdAt>#<roomId>   rooms of an owner (active only)
 */
export const CHAT_TABLE_INDEXES: NonNullable<TableSpec['indexes']> = [
  { name: 'GSI1', pk: 'GSI1PK', sk: 'GSI1SK' },
  { name: 'GSI2', pk: 'GSI2PK', sk: 'GSI2SK' },
];

const key = (roomId: string) => ({ PK: `ROOM#${roomId}`, SK: 'ROOM' });

export function toView(r: RoomRecord): RoomView {
  const v: RoomView = {
    roomId: r.roomId,
    ownerId: r.ownerId,
    provider: r.provider,
    name: r.name,
    settings: r.settings,
    lastSeq: r.lastSeq ?? 0,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
  if (r.arn) v.arn = r.arn;
  if (r.streamId) v.streamId = r.streamId;
  return v;
}

function strip(item: Record<string, unknown> | undefined): RoomRecord | undefined {
  if (!item) return undefined;
  const { PK: _pk, SK: _sk, GSI1PK: _a, GSI1SK: _b, GSI2PK: _c, GSI2SK: _d, ...rest } = item;
  // Our own writes; only the settings may hold what an older version stored (see normalizeSettings).
  return { ...(rest as unknown as RoomRecord), settings: normalizeSettings(rest.settings) };
}

/** The only writer of chat-svc's table. Every write is one conditional single-item write. */
export class RoomStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  async get(roomId: string): Promise<RoomRecord | undefined> {
    const out = await this.ddb.send(
      new GetCommand({ TableName: this.tableName, Key: key(roomId), ConsistentRead: true }),
    );
    return strip(out.Item);
  }

  async getByArn(arn: string): Promise<RoomRecord | undefined> {
    const out = await this.ddb.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': `ARN#${arn}` },
        Limit: 1,
      }),
    );
    return strip(out.Items?.[0]);
  }

  /** The first write of a create; false when a record with this id exists already. */
  async putCreating(r: RoomRecord): Promise<boolean> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key(r.roomId), ...r },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  /** creating -> active; false when the room was deleted meanwhile. */
  async activate(r: RoomRecord): Promise<boolean> {
    const item: Record<string, unknown> = {
      ...key(r.roomId),
      ...r,
      state: 'active',
      GSI2PK: `OWNER#${r.ownerId}`,
      GSI2SK: `${r.createdAt}#${r.roomId}`,
    };
    if (r.arn) Object.assign(item, { GSI1PK: `ARN#${r.arn}`, GSI1SK: 'ROOM' });
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: '#s = :creating AND createCommandId = :cmd',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':creating': 'creating', ':cmd': r.createCommandId },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  /**
   * Forget a `creating` record whose provider room could not be made, so the bus's retry of the
   * same command starts clean. A tombstone written meanwhile is left alone (the condition fails).
   */
  async dropCreating(roomId: string, createCommandId: string): Promise<void> {
    try {
      await this.ddb.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: key(roomId),
          ConditionExpression: '#s = :creating AND createCommandId = :cmd',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':creating': 'creating', ':cmd': createCommandId },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  }

  /** Name / settings of an active room; the stored record after the change, or undefined if gone. */
  async update(
    roomId: string,
    name: string,
    settings: RoomSettings,
    now: string,
  ): Promise<RoomRecord | undefined> {
    try {
      const out = await this.ddb.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(roomId),
          UpdateExpression: 'SET #n = :n, settings = :st, updatedAt = :now',
          ConditionExpression: '#s = :active',
          ExpressionAttributeNames: { '#n': 'name', '#s': 'state' },
          ExpressionAttributeValues: { ':n': name, ':st': settings, ':now': now, ':active': 'active' },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return strip(out.Attributes);
    } catch (e) {
      if (isConditionFailure(e)) return undefined;
      throw e;
    }
  }

  /**
   * Tombstone a room (creating it as a tombstone when it never existed). Returns the record as it
   * was before, so the caller knows which provider room to delete.
   */
  async tombstone(roomId: string, ownerId: string, now: string): Promise<RoomRecord | undefined> {
    const out = await this.ddb.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key(roomId),
        UpdateExpression:
          'SET #s = :deleted, updatedAt = :now, roomId = if_not_exists(roomId, :id), ownerId = if_not_exists(ownerId, :owner) REMOVE GSI2PK, GSI2SK',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':deleted': 'deleted', ':now': now, ':id': roomId, ':owner': ownerId },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return strip(out.Attributes);
  }
}
