import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor, keyAttributes } from '@onair/runtime';
import {
  CHAT_INDEX,
  type ChatRoomRecord,
  chatRoomView,
  ownerPartition,
  roomFromItem,
  roomKey,
} from '@onair/chat-svc/table';
import type { Page } from './streams';

/** A room as chat-svc stores it. */
export type StoredChatRoom = ChatRoomRecord;

/** The public view of a stored room (no table keys, no internal state). */
export const roomView = chatRoomView;

/**
 * Chat rooms, read from chat-svc's table through its table module (keys, indexes and
 * item -> record are chat-svc's). Only `active` rooms exist for readers.
 */
export class ChatRoomsReadModel {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(roomId: string): Promise<StoredChatRoom | undefined> {
    const out = await this.ddb.send(
      new GetCommand({ TableName: this.table, Key: roomKey(roomId), ConsistentRead: true }),
    );
    return active(out.Item);
  }

  async listByOwner(
    ownerId: string,
    opts: { limit: number; cursor?: string },
  ): Promise<Page<StoredChatRoom>> {
    const index = CHAT_INDEX.byOwner;
    const partition = ownerPartition(ownerId);
    const out = await this.ddb.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: index.name,
        KeyConditionExpression: `${index.pk} = :pk`,
        ExpressionAttributeValues: { ':pk': partition },
        ScanIndexForward: false,
        Limit: opts.limit,
        ExclusiveStartKey: decodeCursor(opts.cursor, {
          attributes: keyAttributes(index),
          fixed: { [index.pk]: partition },
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
  const room = item && roomFromItem(item);
  return room?.state === 'active' ? room : undefined;
}
