import type { TableSpec } from '@onair/runtime';

/**
 * recording-svc's table. One item per recording plus one lock per room being recorded:
 *   PK=REC#<recordingId>   SK=REC    the recording (RecordingView fields + index keys below)
 *   PK=ACTIVE#<roomName>   SK=LOCK   { recordingId }: at most one recording per room (409s)
 * Indexes (all projecting every attribute; sparse where the key is missing):
 *   name   fileName  / recordingId   seed 001 addresses recordings by file name
 *   egress egressId  / recordingId   webhooks and reconciliation find a recording by egress
 *   all    listPk    / createdSort   every recording, newest first (listPk is always "REC")
 *   room   roomName  / createdSort   one room's recordings
 *   open   openPk    / createdSort   recordings not finished yet (openPk removed at the end)
 * The gateway's read model (services/gateway/src/read-models/recordings.ts) reads this layout.
 */
export const INDEX = { name: 'name', egress: 'egress', all: 'all', room: 'room', open: 'open' } as const;

export function recordingsTable(name: string): TableSpec {
  return {
    name,
    indexes: [
      { name: INDEX.name, pk: 'fileName', sk: 'recordingId' },
      { name: INDEX.egress, pk: 'egressId', sk: 'recordingId' },
      { name: INDEX.all, pk: 'listPk', sk: 'createdSort' },
      { name: INDEX.room, pk: 'roomName', sk: 'createdSort' },
      { name: INDEX.open, pk: 'openPk', sk: 'createdSort' },
    ],
  };
}
