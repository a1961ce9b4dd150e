import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { StreamStatus, StreamView } from '@onair/contracts';
import type { Static } from '@sinclair/typebox';
import { decodeCursor, encodeCursor } from '@onair/runtime';

export type StreamStatusName = Static<typeof StreamStatus>;

/** A stream as stream-svc stores it, with the owner-only parts the gateway may show. */
export interface StoredStream extends Static<typeof StreamView> {
  ingestEndpoint?: string;
  /** Secret: only ever shown to the owner and admins. */
  streamKey?: string;
  deleting?: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/**
 * Reads stream-svc's table (the layout documented in services/stream-svc/src/streams/store.ts:
 * PK STREAM#<id> / SK STREAM; GSI1 = OWNER#<ownerId>, <createdAt>#<id>). stream-svc is the only
 * writer; the gateway only reads. A stream being deleted is already gone for readers.
 */
export class StreamsReadModel {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(streamId: string): Promise<StoredStream | undefined> {
    const out = await this.ddb.send(
      new GetCommand({
        TableName: this.table,
        Key: { PK: `STREAM#${streamId}`, SK: 'STREAM' },
        ConsistentRead: true,
      }),
    );
    const s = out.Item as StoredStream | undefined;
    return s && !s.deleting ? s : undefined;
  }

  /** An owner's streams, newest first, optionally of one status; `cursor` continues a page. */
  async listByOwner(
    ownerId: string,
    opts: { status?: StreamStatusName; limit: number; cursor?: string },
  ): Promise<Page<StoredStream>> {
    const items: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined = decodeCursor(opts.cursor, {
      attributes: ['PK', 'SK', 'GSI1PK', 'GSI1SK'],
      fixed: { GSI1PK: `OWNER#${ownerId}` },
    });
    let more = true;
    while (more && items.length < opts.limit) {
      const out = await this.ddb.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk',
          FilterExpression: opts.status
            ? '#st = :status AND attribute_not_exists(deleting)'
            : 'attribute_not_exists(deleting)',
          ExpressionAttributeNames: opts.status ? { '#st': 'status' } : undefined,
          ExpressionAttributeValues: {
            ':pk': `OWNER#${ownerId}`,
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
      items: page as unknown as StoredStream[],
      ...(cut && last
        ? { nextCursor: encodeCursor({ PK: last.PK, SK: last.SK, GSI1PK: last.GSI1PK, GSI1SK: last.GSI1SK }) }
        : {}),
    };
  }
}
