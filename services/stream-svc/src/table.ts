// stream-svc's table: the one place its keys, indexes and stored items are spelled. stream-svc is
// the only writer; the gateway's read models read through this module (`@onair/stream-svc/table`),
// so a key changed here fails to compile or test there. Types and pure functions only: no service
// logic, no I/O.
import type { ParticipantView, RoomView, StreamStatus, StreamView } from '@onair/contracts';
import { type TableSpec, withoutTableKeys } from '@onair/runtime';
import type { Static } from '@sinclair/typebox';

/*
 * Layout (single table, string keys; IVS streams and LiveKit rooms side by side):
 *   PK = STREAM#<streamId>, SK = STREAM                                  a stream
 *   GSI1: GSI1PK = OWNER#<ownerId>,  GSI1SK = <createdAt>#<streamId>     streams of an owner, newest last
 *   GSI2: GSI2PK = STATUS#<status>,  GSI2SK = <updatedAt>#<streamId>     streams by status (reconciler)
 *   PK = LKROOM,            SK = <roomId>       a LiveKit room (every room in one partition: a list
 *                                               needs no index, and the number of rooms stays small)
 *   PK = LKROOM#<roomId>,   SK = P#<identity>   a participant present now (sid = its session)
 */

// ---- streams ----

export type StreamStatusName = Static<typeof StreamStatus>;
export type StreamViewData = Static<typeof StreamView>;

/** A stream as stream-svc stores it: the view plus provider handles and the (secret) stream key. */
export interface StreamRecord extends StreamViewData {
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
  previousStatus?: StreamStatusName;
  /** The IVS broadcast id (`st-…`) of the current or last broadcast. */
  ivsStreamId?: string;
  /** Set by a delete in progress: the saga and IVS events leave the stream alone from then on. */
  deleting?: boolean;
}

export const STREAM_INDEX = {
  /** An owner's streams, by creation. */
  byOwner: { name: 'GSI1', pk: 'GSI1PK', sk: 'GSI1SK' },
  /** Streams in a status, by their last change. */
  byStatus: { name: 'GSI2', pk: 'GSI2PK', sk: 'GSI2SK' },
} as const;

export const STREAM_TABLE_INDEXES: NonNullable<TableSpec['indexes']> = [
  STREAM_INDEX.byOwner,
  STREAM_INDEX.byStatus,
];

export const streamKey = (streamId: string) => ({ PK: `STREAM#${streamId}`, SK: 'STREAM' });
/** The byOwner partition of an owner's streams. */
export const ownerPartition = (ownerId: string) => `OWNER#${ownerId}`;
/** The byStatus partition of the streams in a status. */
export const statusPartition = (status: StreamStatusName) => `STATUS#${status}`;

/** Where a stream stands in the byStatus index once its status is `status` as of `updatedAt`. */
export const statusIndexKeys = (status: StreamStatusName, updatedAt: string, streamId: string) => ({
  [STREAM_INDEX.byStatus.pk]: statusPartition(status),
  [STREAM_INDEX.byStatus.sk]: `${updatedAt}#${streamId}`,
});

/** A new stream's item: the record, its key and its place in both indexes. */
export function streamItem(r: StreamRecord): Record<string, unknown> {
  return {
    ...streamKey(r.streamId),
    ...r,
    [STREAM_INDEX.byOwner.pk]: ownerPartition(r.ownerId),
    [STREAM_INDEX.byOwner.sk]: `${r.createdAt}#${r.streamId}`,
    ...statusIndexKeys(r.status, r.updatedAt, r.streamId),
  };
}

/** The record of a stored item (our own writes: every field of StreamRecord is there). */
export function streamFromItem(item: Record<string, unknown>): StreamRecord {
  return withoutTableKeys(item, STREAM_TABLE_INDEXES) as unknown as StreamRecord;
}

/** The public view of a stream (no provider handles, no secrets). */
export function streamView(r: StreamRecord): StreamViewData {
  const v: StreamViewData = {
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

// ---- LiveKit rooms ----

export type RoomRecord = Static<typeof RoomView>;
export type ParticipantRecord = Static<typeof ParticipantView>;

/** The one partition every room is in. */
export const ROOMS_PARTITION = 'LKROOM';

export const roomKey = (roomId: string) => ({ PK: ROOMS_PARTITION, SK: roomId });
export const participantKey = (roomId: string, identity: string) => ({
  PK: `${ROOMS_PARTITION}#${roomId}`,
  SK: `P#${identity}`,
});

/** The key condition of a Query for every room. */
export const allRooms = () => ({
  KeyConditionExpression: 'PK = :pk',
  ExpressionAttributeValues: { ':pk': ROOMS_PARTITION },
});

/** The key condition of a Query for the participants present in a room. */
export const participantsOf = (roomId: string) => ({
  KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
  ExpressionAttributeValues: { ':pk': `${ROOMS_PARTITION}#${roomId}`, ':p': 'P#' },
});

export const roomItem = (room: RoomRecord) => ({ ...roomKey(room.roomId), ...room });
export const participantItem = (roomId: string, p: ParticipantRecord) => ({
  ...participantKey(roomId, p.identity),
  ...p,
});

export function roomFromItem(item: Record<string, unknown>): RoomRecord {
  const { PK: _pk, SK: _sk, ...rest } = item;
  return rest as RoomRecord;
}

export function participantFromItem(item: Record<string, unknown>): ParticipantRecord {
  const { PK: _pk, SK: _sk, ...rest } = item;
  return rest as ParticipantRecord;
}
