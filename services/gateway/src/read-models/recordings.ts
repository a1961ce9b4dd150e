import { getItem, type Page, queryFirst, queryPage, TableAccess } from '@onair/runtime';
import {
  ALL_RECORDINGS,
  RECORDING_INDEX,
  type RecordingRecord,
  recordingFromItem,
  recordingKey,
} from '@onair/recording-svc/table';

export type { RecordingRecord };

export interface RecordingFilter {
  roomName?: string;
  /** Our room id. */
  roomId?: string;
  /** LiveKit's room sid (seed 001's `roomId`). */
  roomSid?: string;
  status?: RecordingRecord['status'];
}

/**
 * Recordings, read from recording-svc's table through its table module (keys, indexes and
 * item -> record are recording-svc's). Only recording-svc writes; the gateway reads.
 */
export class RecordingsReadModel extends TableAccess {
  async get(id: string): Promise<RecordingRecord | undefined> {
    return getItem(this.ddb, this.tableName, recordingKey(id), recordingFromItem);
  }

  async byFileName(fileName: string): Promise<RecordingRecord | undefined> {
    return queryFirst(this.ddb, this.tableName, RECORDING_INDEX.byFileName, fileName, recordingFromItem);
  }

  /** Newest first; a room name narrows the query to that room's index, the rest are filters. */
  list(f: RecordingFilter & { limit: number; cursor?: string }): Promise<Page<RecordingRecord>> {
    return queryPage(this.ddb, {
      table: this.tableName,
      index: f.roomName !== undefined ? RECORDING_INDEX.byRoom : RECORDING_INDEX.all,
      partition: f.roomName ?? ALL_RECORDINGS,
      newestFirst: true,
      limit: f.limit,
      cursor: f.cursor,
      where: { roomId: f.roomId, roomSid: f.roomSid, status: f.status },
      fromItem: recordingFromItem,
    });
  }
}
