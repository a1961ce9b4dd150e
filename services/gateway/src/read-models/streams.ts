import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor, keyAttributes } from '@onair/runtime';
import {
  ownerPartition,
  STREAM_INDEX,
  type StreamRecord,
  type StreamStatusName,
  streamFromItem,
  streamKey,
} from '@onair/stream-svc/table';

export type { StreamStatusName };

/** A stream as stream-svc stores it; the routes show its owner-only parts to owners and admins. */
export type StoredStream = StreamRecord;

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/**
 * Reads stream-svc's table through its table module (keys, index and item -> record: all
 * stream-svc's). stream-svc is the only writer; the gateway only reads. A stream being deleted is
 * already gone for readers.
 */
export class StreamsReadModel {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(streamId: string): Promise<StoredStream | undefined> {
    const out = await this.ddb.send(
      new GetCommand({ TableName: this.table, Key: streamKey(streamId), ConsistentRead: true }),
    );
    const s = out.Item && streamFromItem(out.Item);
    return s && !s.deleting ? s : undefined;
  }

  /** An owner's streams, newest first, optionally of one status; `cursor` continues a page. */
  async listByOwner(
    ownerId: string,
    opts: { status?: StreamStatusName; limit: number; cursor?: string },
  ): Promise<Page<StoredStream>> {
    const index = STREAM_INDEX.byOwner;
    const partition = ownerPartition(ownerId);
    const items: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined = decodeCursor(opts.cursor, {
      attributes: keyAttributes(index),
      fixed: { [index.pk]: partition },
    });
    let more = true;
    while (more && items.length < opts.limit) {
      const out = await this.ddb.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: index.name,
          KeyConditionExpression: `${index.pk} = :pk`,
          FilterExpression: opts.status
            ? '#st = :status AND attribute_not_exists(deleting)'
            : 'attribute_not_exists(deleting)',
          ExpressionAttributeNames: opts.status ? { '#st': 'status' } : undefined,
          ExpressionAttributeValues: {
            ':pk': partition,
            ...(opts.status ? { ':status': opts.status } : {}),
          },
          ScanIndexForward: false,
          Limit: opts.limit,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
      more = start !== undefined;
    }
    const page = items.slice(0, opts.limit);
    // Continue after the last item returned (a filtered query may have read past it).
    const last = page.at(-1);
    const cut = items.length > opts.limit || more;
    return {
      items: page.map(streamFromItem),
      ...(cut && last
        ? { nextCursor: encodeCursor(Object.fromEntries(keyAttributes(index).map((a) => [a, last[a]]))) }
        : {}),
    };
  }
}
