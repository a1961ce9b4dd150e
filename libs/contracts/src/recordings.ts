import { Type } from '@sinclair/typebox';
import { Actor, Id, IsoTime, UserId } from './common';
import { command, event } from './registry';

export const RecordingStatus = Type.Union([
  Type.Literal('starting'),
  Type.Literal('recording'),
  Type.Literal('stopping'),
  Type.Literal('ready'),
  Type.Literal('failed'),
]);

export const RecordingView = Type.Object({
  recordingId: Id,
  source: Type.Union([Type.Literal('livekit'), Type.Literal('ivs')]),
  roomName: Type.Optional(Type.String()),
  roomId: Type.Optional(Type.String()),
  /** LiveKit's room sid (`RM_…`), which seed 001 calls `roomId`. */
  roomSid: Type.Optional(Type.String()),
  streamId: Type.Optional(Type.String()),
  /** Who started the recording (LiveKit); IVS recordings have none. */
  ownerId: Type.Optional(Type.String()),
  /** The owner of the onair room recorded, when onair knows the room: may stop and delete it too. */
  roomOwnerId: Type.Optional(Type.String()),
  egressId: Type.Optional(Type.String()),
  fileName: Type.String(),
  s3Bucket: Type.String(),
  s3Key: Type.String(),
  /** IVS auto-recordings: the S3 prefix IVS wrote the session under (HLS in `media/hls/`). */
  s3Prefix: Type.Optional(Type.String()),
  status: RecordingStatus,
  startedAt: Type.Optional(IsoTime),
  endedAt: Type.Optional(IsoTime),
  durationMs: Type.Optional(Type.Integer({ minimum: 0 })),
  size: Type.Optional(Type.Integer({ minimum: 0 })),
  error: Type.Optional(Type.String()),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

export const RecordingStart = command(
  'onair.recording.start.v1',
  'recording-svc',
  'Start recording a LiveKit room (room composite egress to S3).',
  Type.Object({
    recordingId: Id,
    actor: Actor,
    roomName: Type.String({ minLength: 1, maxLength: 256 }),
    roomId: Type.Optional(Type.String()),
    /**
     * The owner of the onair room (absent for a LiveKit room onair does not know). Stored on the
     * recording: the room's owner may stop and delete it, as may who started it and admins.
     */
    roomOwnerId: Type.Optional(UserId),
  }),
);
export const RecordingStop = command(
  'onair.recording.stop.v1',
  'recording-svc',
  'Stop the active recording of a room.',
  Type.Object({
    actor: Actor,
    roomName: Type.String({ minLength: 1, maxLength: 256 }),
    /** When given, only this recording is stopped (409 unless it is the room's active one). */
    recordingId: Type.Optional(Id),
  }),
);
export const RecordingDelete = command(
  'onair.recording.delete.v1',
  'recording-svc',
  'Delete a recording: S3 object and metadata.',
  Type.Object({ recordingId: Id, actor: Actor }),
);
export const RecordingUpdated = event(
  'onair.recording.updated.v1',
  'A recording changed status.',
  RecordingView,
);
export const RecordingDeleted = event(
  'onair.recording.deleted.v1',
  'A recording was deleted.',
  Type.Object({ recordingId: Id }),
);
