import { isConditionFailure } from '@onair/runtime';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { StreamStatus, StreamView } from '@onair/contracts';
import type { TableSpec } from '@onair/runtime';
import type { Static } from '@sinclair/typebox';

export type Status = Static<typeof StreamStatus>;
export type View = Static<typeof StreamView>;

/** A stream as stream-svc stores it: the view plus provider handles and the (secret) stream key. */
export interface StreamRecord extends View {
  chatRoomId: string;
  ingestEndpoint?: string;
  /** Secret: stored here for the owner, never in events or logs. */
  streamKey?: string;
  streamKeyArn?: string;
  createCommandId: string;
  /** `<event time, ms precision>#<rank>` of the newest IVS event applied (orders late events out). */
  lastEventKey?: string;
  lastEventId?: string;
  /** The status before the last change (so a re-published state change says the same). */
  previousStatus?: Status;
  /** The IVS broadcast id (`st-…`) of the current or last broadcast. */
  ivsStreamId?: string;
  /** Set by a delete in progress: the saga and IVS events leave the stream alone from then on. */
  deleting?: boolean;
}

/**
 * Table layout (stream-svc's single table; LiveKit rooms live beside it under LKROOM keys; the
 * gateway's read model reads this layout):
 *   PK = STREAM#<streamId>, SK = STREAM                                  the stream
 *   GSI1: GSI1PK = OWNER#<ownerId>,  GSI1SK = <createdAt>#<streamId>     streams of an owner, newest last
 *   GSI2: GSI2PK = STATUS#<status>,  GSI2SK = <updatedAt>#<streamId>     streams by status (reconciler)
 */
export const STREAM_TABLE_INDEXES: NonNullable<TableSpec['indexes']> = [
  { name: 'GSI1', pk: 'GSI1PK', sk: 'GSI1SK' },
  { name: 'GSI2', pk: 'GSI2PK', sk: 'GSI2SK' },
];

const key = (streamId: string) => ({ PK: `STREAM#${streamId}`, SK: 'STREAM' });

export function toView(r: StreamRecord): View {
  const v: View = {
    streamId: r.streamId,
    ownerId: r.ownerId,
    title: r.title,
    status: r.status,
    latencyMode: r.latencyMode,
    channelType: r.channelType,
    chatProvider: r.chatProvider,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
  for (const k of [
    'channelArn',
    'playbackUrl',
    'chatRoomId',
    'chatRoomArn',
    'recordingConfigurationArn',
    'failureReason',
  ] as const)
    if (r[k]) v[k] = r[k];
  return v;
}

function strip(item: Record<string, unknown> | undefined): StreamRecord | undefined {
  if (!item) return undefined;
  const { PK: _a, SK: _b, GSI1PK: _c, GSI1SK: _d, GSI2PK: _e, GSI2SK: _f, ...rest } = item;
  return rest as unknown as StreamRecord;
}

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
export class StreamStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  async get(streamId: string): Promise<StreamRecord | undefined> {
    const out = await this.ddb.send(
      new GetCommand({ TableName: this.tableName, Key: key(streamId), ConsistentRead: true }),
    );
    return strip(out.Item);
  }

  /** The saga's first write; false when the id is taken. */
  async putProvisioning(r: StreamRecord): Promise<boolean> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...key(r.streamId),
            ...r,
            GSI1PK: `OWNER#${r.ownerId}`,
            GSI1SK: `${r.createdAt}#${r.streamId}`,
            GSI2PK: `STATUS#${r.status}`,
            GSI2SK: `${r.updatedAt}#${r.streamId}`,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  }

  /** One conditional update; the record after it, or undefined when a condition did not hold. */
  async patch(streamId: string, p: Patch, now: string): Promise<StreamRecord | undefined> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    const removes: string[] = [];
    const set = { ...p.set, updatedAt: now } as Record<string, unknown>;
    if (typeof set.status === 'string') {
      set.GSI2PK = `STATUS#${set.status}`;
      set.GSI2SK = `${now}#${streamId}`;
    }
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
    try {
      const out = await this.ddb.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key(streamId),
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
      return strip(out.Attributes);
    } catch (e) {
      if (isConditionFailure(e)) return undefined;
      throw e;
    }
  }

  async remove(streamId: string): Promise<void> {
    await this.ddb.send(new DeleteCommand({ TableName: this.tableName, Key: key(streamId) }));
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
    const out: StreamRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.ddb.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'GSI2',
          KeyConditionExpression: opts.since
            ? 'GSI2PK = :pk AND GSI2SK BETWEEN :since AND :before'
            : 'GSI2PK = :pk AND GSI2SK < :before',
          ExpressionAttributeValues: {
            ':pk': `STATUS#${status}`,
            ':before': before,
            ...(opts.since ? { ':since': opts.since } : {}),
          },
          ExclusiveStartKey: start,
        }),
      );
      for (const i of page.Items ?? []) out.push(strip(i) as StreamRecord);
      start = page.LastEvaluatedKey;
    } while (start && out.length < (opts.max ?? 1000));
    return out.slice(0, opts.max ?? 1000);
  }
}
