import { getItem, type Page, queryPage, TableAccess } from '@onair/runtime';
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

/**
 * Reads stream-svc's table through its table module (keys, index and item -> record: all
 * stream-svc's). stream-svc is the only writer; the gateway only reads. A stream being deleted is
 * already gone for readers.
 */
export class StreamsReadModel extends TableAccess {
  async get(streamId: string): Promise<StoredStream | undefined> {
    return getItem(this.ddb, this.tableName, streamKey(streamId), shown, { consistent: true });
  }

  /** An owner's streams, newest first, optionally of one status; `cursor` continues a page. */
  listByOwner(
    ownerId: string,
    opts: { status?: StreamStatusName; limit: number; cursor?: string },
  ): Promise<Page<StoredStream>> {
    return queryPage(this.ddb, {
      table: this.tableName,
      index: STREAM_INDEX.byOwner,
      partition: ownerPartition(ownerId),
      newestFirst: true,
      limit: opts.limit,
      cursor: opts.cursor,
      where: { status: opts.status },
      without: ['deleting'],
      fromItem: streamFromItem,
    });
  }
}

/** The record of a stream readers may see: not one being deleted. */
function shown(item: Record<string, unknown>): StoredStream | undefined {
  const s = streamFromItem(item);
  return s.deleting ? undefined : s;
}
