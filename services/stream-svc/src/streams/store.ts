import { DeleteCommand, paginateQuery, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionalWrite, getItem, insertItem, TableAccess } from '@onair/runtime';
import {
  STREAM_INDEX,
  type StreamRecord,
  type StreamStatusName,
  type StreamViewData,
  statusIndexKeys,
  statusPartition,
  streamFromItem,
  streamItem,
  streamKey,
} from '../table';

// The stream's types and view live with the table layout (../table.ts); the saga, handlers and
// reconciler import them from here, beside the store.
export type Status = StreamStatusName;
export type View = StreamViewData;
export type { StreamRecord };
export { STREAM_TABLE_INDEXES, streamView as toView } from '../table';

export interface Patch {
  /** Attributes to set; `null` removes one. `status` also moves the stream in the status index. */
  set: Partial<Record<keyof StreamRecord, unknown>>;
  /** Only when the stored status is one of these. */
  ifStatus?: Status[];
  /** Only when no delete is in progress. */
  ifNotDeleting?: boolean;
  /** Only when no failure is recorded (a compensation begins by recording it). */
  ifNotFailing?: boolean;
  /** Only when this IVS event is newer than the last one applied. */
  ifEventNewerThan?: string;
  /** Only when the stored channel is this one. */
  ifChannel?: string;
  /** Only when no channel is stored yet, or this one is (the saga claiming its channel). */
  ifNoOtherChannel?: string;
}

/** The only writer of streams in stream-svc's table: single-item conditional writes only. */
export class StreamStore extends TableAccess {
  async get(streamId: string): Promise<StreamRecord | undefined> {
    return getItem(this.ddb, this.tableName, streamKey(streamId), streamFromItem, { consistent: true });
  }

  /** The saga's first write; false when the id is taken. */
  async putProvisioning(r: StreamRecord): Promise<boolean> {
    return insertItem(this.ddb, this.tableName, streamItem(r));
  }

  /** One conditional update; the record after it, or undefined when a condition did not hold. */
  async patch(streamId: string, p: Patch, now: string): Promise<StreamRecord | undefined> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    const removes: string[] = [];
    const set = { ...p.set, updatedAt: now } as Record<string, unknown>;
    if (typeof set.status === 'string')
      Object.assign(set, statusIndexKeys(set.status as Status, now, streamId));
    for (const [k, v] of Object.entries(set)) {
      if (v === undefined) continue;
      names[`#${k}`] = k;
      if (v === null) removes.push(`#${k}`);
      else {
        values[`:${k}`] = v;
        sets.push(`#${k} = :${k}`);
      }
    }
    const conds = ['attribute_exists(PK)'];
    if (p.ifStatus) {
      names['#status'] = 'status';
      conds.push(
        `#status IN (${p.ifStatus
          .map((s, i) => {
            values[`:st${i}`] = s;
            return `:st${i}`;
          })
          .join(', ')})`,
      );
    }
    if (p.ifNotDeleting) conds.push('attribute_not_exists(deleting)');
    if (p.ifNotFailing) conds.push('attribute_not_exists(failureReason)');
    if (p.ifEventNewerThan !== undefined) {
      values[':evk'] = p.ifEventNewerThan;
      conds.push('(attribute_not_exists(lastEventKey) OR lastEventKey < :evk)');
    }
    if (p.ifChannel !== undefined) {
      values[':chan'] = p.ifChannel;
      conds.push('channelArn = :chan');
    }
    if (p.ifNoOtherChannel !== undefined) {
      values[':claim'] = p.ifNoOtherChannel;
      conds.push('(attribute_not_exists(channelArn) OR channelArn = :claim)');
    }
    const out = await conditionalWrite(
      this.ddb,
      new UpdateCommand({
        TableName: this.tableName,
        Key: streamKey(streamId),
        UpdateExpression: [
          sets.length ? `SET ${sets.join(', ')}` : '',
          removes.length ? `REMOVE ${removes.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join(' '),
        ConditionExpression: conds.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out?.Attributes && streamFromItem(out.Attributes);
  }

  async remove(streamId: string): Promise<void> {
    await this.ddb.send(new DeleteCommand({ TableName: this.tableName, Key: streamKey(streamId) }));
  }

  /**
   * Streams in a status whose last change is before `before` (and not before `since`), oldest
   * first, every page up to `max`.
   */
  async byStatus(
    status: Status,
    before: string,
    opts: { since?: string; max?: number } = {},
  ): Promise<StreamRecord[]> {
    const { name, pk, sk } = STREAM_INDEX.byStatus;
    const max = opts.max ?? 1000;
    const out: StreamRecord[] = [];
    const pages = paginateQuery(
      { client: this.ddb },
      {
        TableName: this.tableName,
        IndexName: name,
        KeyConditionExpression: opts.since
          ? `${pk} = :pk AND ${sk} BETWEEN :since AND :before`
          : `${pk} = :pk AND ${sk} < :before`,
        ExpressionAttributeValues: {
          ':pk': statusPartition(status),
          ':before': before,
          ...(opts.since ? { ':since': opts.since } : {}),
        },
      },
    );
    for await (const page of pages) {
      out.push(...(page.Items ?? []).map(streamFromItem));
      if (out.length >= max) break;
    }
    return out.slice(0, max);
  }
}
