import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ChatRoomView } from '@onair/contracts';
import type { Static } from '@sinclair/typebox';
import { decodeCursor, encodeCursor } from '@onair/runtime';
import type { Page } from './streams';

export type StoredChatRoom = Static<typeof ChatRoomView> & { state?: string };

/**
 * Reads chat-svc's table (layout in services/chat-svc/src/rooms/store.ts: PK ROOM#<id> / SK ROOM;
 * GSI1 = ARN#<arn>; GSI2 = OWNER#<ownerId>, <createdAt>#<id>). Only `active` rooms exist for readers.
 */
export class ChatRoomsReadModel {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(roomId: string): Promise<StoredChatRoom | undefined> {
    const out = await this.ddb.send(
      new GetCommand({
        TableName: this.table,
        Key: { PK: `ROOM#${roomId}`, SK: 'ROOM' },
        ConsistentRead: true,
      }),
    );
    return active(out.Item);
  }

  async listByOwner(
    ownerId: string,
    opts: { limit: number; cursor?: string },
  ): Promise<Page<StoredChatRoom>> {
    const out = await this.ddb.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'GSI2',
        KeyConditionExpression: 'GSI2PK = :pk',
        ExpressionAttributeValues: { ':pk': `OWNER#${ownerId}` },
        ScanIndexForward: false,
        Limit: opts.limit,
        ExclusiveStartKey: decodeCursor(opts.cursor, {
          attributes: ['PK', 'SK', 'GSI2PK', 'GSI2SK'],
          fixed: { GSI2PK: `OWNER#${ownerId}` },
        }),
      }),
    );
    return {
      items: (out.Items ?? []).map(active).filter((r): r is StoredChatRoom => r !== undefined),
      ...(out.LastEvaluatedKey ? { nextCursor: encodeCursor(out.LastEvaluatedKey) } : {}),
    };
  }
}

function active(item: Record<string, unknown> | undefined): StoredChatRoom | undefined {
  return item && item.state === 'active' ? (item as unknown as StoredChatRoom) : undefined;
}

/** The public view of a stored room (no table keys, no internal state). */
export function roomView(r: StoredChatRoom): Static<typeof ChatRoomView> {
  const { roomId, ownerId, provider, name, arn, streamId, settings, lastSeq, createdAt, updatedAt } = r;
  return {
    roomId,
    ownerId,
    provider,
    name,
    settings,
    lastSeq: lastSeq ?? 0,
    createdAt,
    updatedAt,
    ...(arn ? { arn } : {}),
    ...(streamId ? { streamId } : {}),
  };
}
