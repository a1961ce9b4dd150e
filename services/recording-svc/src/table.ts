// recording-svc's table: the one place its keys, indexes and stored items are spelled.
// recording-svc is the only writer; the gateway's read model reads through this module
// (`@onair/recording-svc/table`), so a key changed here fails to compile or test there. Types and
// pure functions only: no service logic, no I/O.
import type { RecordingView } from '@onair/contracts';
import type { TableSpec } from '@onair/runtime';
import type { Static } from '@sinclair/typebox';

/*
 * One item per recording plus one lock per room being recorded:
 *   PK=REC#<recordingId>   SK=REC    the recording (RecordingView fields + index keys below)
 *   PK=ACTIVE#<roomName>   SK=LOCK   { recordingId }: at most one recording per room (409s)
 * Indexes (all projecting every attribute; sparse where the key is missing):
 *   name   fileName  / recordingId   seed 001 addresses recordings by file name
 *   egress egressId  / recordingId   webhooks and reconciliation find a recording by egress
 *   all    listPk    / createdSort   every recording, newest first (listPk is always "REC")
 *   room   roomName  / createdSort   one room's recordings
 *   open   openPk    / createdSort   recordings not finished yet (openPk removed at the end)
 */

export type RecordingRecord = Static<typeof RecordingView>;

export const RECORDING_INDEX = {
  byFileName: { name: 'name', pk: 'fileName', sk: 'recordingId' },
  byEgress: { name: 'egress', pk: 'egressId', sk: 'recordingId' },
  all: { name: 'all', pk: 'listPk', sk: 'createdSort' },
  byRoom: { name: 'room', pk: 'roomName', sk: 'createdSort' },
  open: { name: 'open', pk: 'openPk', sk: 'createdSort' },
} as const;

export function recordingsTable(name: string): TableSpec {
  return { name, indexes: Object.values(RECORDING_INDEX) };
}

/** The partition of the `all` index: every recording is in it. */
export const ALL_RECORDINGS = 'REC';
/** The partition of the `open` index: recordings not finished yet. */
export const OPEN_RECORDINGS = 'OPEN';

export const recordingKey = (recordingId: string) => ({ PK: `REC#${recordingId}`, SK: 'REC' });
export const roomLockKey = (roomName: string) => ({ PK: `ACTIVE#${roomName}`, SK: 'LOCK' });

/** A recording's item: the record, its key and its index keys (in `open` while `open`). */
export function recordingItem(rec: RecordingRecord, open: boolean): Record<string, unknown> {
  return {
    ...recordingKey(rec.recordingId),
    ...rec,
    listPk: ALL_RECORDINGS,
    createdSort: `${rec.createdAt}#${rec.recordingId}`,
    ...(open ? { openPk: OPEN_RECORDINGS } : {}),
  };
}

/** The record of a stored recording item (without the table's keys). */
export function recordingFromItem(item: Record<string, unknown>): RecordingRecord {
  const { PK: _pk, SK: _sk, listPk: _l, createdSort: _c, openPk: _o, ...rest } = item;
  return rest as RecordingRecord;
}
