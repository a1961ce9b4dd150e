// What /v1/recordings and seed 001 both do with a recording: start, stop and delete it, and serve
// its bytes (the media routes' schemas and answer).
import { randomUUID } from 'node:crypto';
import { RecordingDelete, RecordingStart, RecordingStop, RecordingView } from '@onair/contracts';
import { AppError, conflict, notImplemented, problem } from '@onair/runtime';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, ask } from '../commands';
import { principalOf } from '../http/plugins';
import { RANGE_NOT_SATISFIABLE } from '../http/responses';
import type { LiveKitApiDeps } from '../livekit/deps';
import { parseRange } from '../livekit/range';
import type { RecordingMedia } from '../livekit/recording-media';
import { checkMayRecord } from '../livekit/room-access';
import type { RecordingRecord } from '../read-models/recordings';

/**
 * Start recording a room, for /v1/recordings and seed 001 alike: `roomRef` is our room id (which
 * is also its LiveKit name) or the name of a LiveKit room onair does not know. Who may start is
 * checked here (checkMayRecord); the room's owner travels in the command so that recording-svc
 * lets them stop and delete the recording too, whoever started it.
 */
export async function startRecording(
  d: Pick<LiveKitApiDeps, 'bus' | 'timeoutMs' | 'rooms'>,
  req: FastifyRequest,
  roomRef: string,
): Promise<RecordingRecord> {
  const room = await d.rooms.get(roomRef);
  checkMayRecord(principalOf(req), room, roomRef);
  const res = await ask(d, req, RecordingStart, {
    actor: actorOf(principalOf(req)),
    recordingId: `rec_${randomUUID()}`,
    roomName: room?.livekitName ?? roomRef,
    roomId: room?.roomId ?? roomRef,
    ...(room ? { roomOwnerId: room.ownerId } : {}),
  });
  return recordingOf(res.data);
}

/**
 * Stop recording a room (onair.recording.stop.v1): its current recording, or `recordingId`.
 * recording-svc decides who may (the room's owner, who started it, or an admin).
 */
export async function stopRecording(
  d: Pick<LiveKitApiDeps, 'bus' | 'timeoutMs'>,
  req: FastifyRequest,
  target: { roomName: string; recordingId?: string },
): Promise<RecordingRecord> {
  const res = await ask(d, req, RecordingStop, { ...target, actor: actorOf(principalOf(req)) });
  return recordingOf(res.data);
}

/** Delete a recording, file and metadata (onair.recording.delete.v1); recording-svc decides who may. */
export async function deleteRecording(
  d: Pick<LiveKitApiDeps, 'bus' | 'timeoutMs'>,
  req: FastifyRequest,
  recordingId: string,
): Promise<void> {
  await ask(d, req, RecordingDelete, { actor: actorOf(principalOf(req)), recordingId });
}

/** A recording from recording-svc's answer, checked against its contract. */
export function recordingOf(data: unknown): RecordingRecord {
  if (Value.Check(RecordingView, data)) return data;
  throw new AppError('BAD_ANSWER', 502, 'recording-svc answered something that is not a recording');
}

/** IVS writes HLS (a playlist and many segments), not one MP4 that a Range request can serve. */
export const ivsNotPlayable = (rec: RecordingRecord) =>
  notImplemented(
    `Recording ${rec.recordingId} is an IVS recording (HLS under s3://${rec.s3Bucket}/${rec.s3Prefix}/); playing it through onair is not built yet`,
  );
const mediaHeaders = {
  'Accept-Ranges': { type: 'string', enum: ['bytes'], description: 'Byte ranges are served' },
  'Content-Length': { type: 'integer', description: 'Bytes in this answer' },
  ETag: { type: 'string', description: "S3's entity tag (send it as If-None-Match or If-Range)" },
  'Last-Modified': { type: 'string', description: 'When the file was written (HTTP date)' },
};
const mp4 = { 'video/mp4': { schema: Type.String({ contentMediaType: 'video/mp4' }) } };

/**
 * What a media route answers besides its errors: the file (200), one byte range (206), or
 * nothing new (304). HEAD answers the same headers without the bytes.
 */
export const MEDIA_RESPONSES = {
  200: {
    description: 'The whole MP4 (HEAD: its headers only)',
    headers: mediaHeaders,
    content: mp4,
  },
  206: {
    description:
      'One byte range of the MP4 (`Range: bytes=start-end`; an If-Range that no longer matches gets 200)',
    headers: {
      ...mediaHeaders,
      'Content-Range': { type: 'string', description: '`bytes start-end/size`' },
    },
    content: mp4,
  },
  304: {
    description: 'Not Modified: If-None-Match matches the ETag',
    headers: { ETag: mediaHeaders.ETag, 'Accept-Ranges': mediaHeaders['Accept-Ranges'] },
    type: 'null',
  },
  416: RANGE_NOT_SATISFIABLE,
};
/** A media route's query: a signed URL's proof (GET /v1/recordings/{id}/media-url hands them out). */
export const MediaQuery = Type.Object({
  expires: Type.Optional(
    Type.String({
      pattern: '^[0-9]{1,12}$',
      description: 'Signed URL: when it stops working (unix seconds)',
    }),
  ),
  signature: Type.Optional(
    Type.String({
      maxLength: 100,
      description: 'Signed URL: HMAC of the path and expires; stands in for the bearer token',
    }),
  ),
});
/** Media routes also answer 401 for a signed URL that is expired or does not match. */
export const SIGNED_URL_401 =
  'No bearer token (or one that is invalid or expired), and no signed URL, or one that expired or does not match the path';

/** The media route's parameters besides the path: the conditional and range request headers. */
export const MediaHeaders = Type.Object({
  range: Type.Optional(
    Type.String({ description: '`bytes=start-end`, `bytes=start-` or `bytes=-suffix`: one range' }),
  ),
  'if-none-match': Type.Optional(Type.String({ description: 'An ETag: 304 when it still matches' })),
  'if-range': Type.Optional(
    Type.String({ description: 'An ETag or HTTP date: the Range applies only while it matches' }),
  ),
});

/**
 * Answers GET/HEAD for a recording's bytes: 200 (whole file) or 206 for one byte range, 416 when
 * the range cannot be satisfied, 304 when If-None-Match matches; ETag and Last-Modified from S3.
 * Shared by /v1/recordings/{id}/media and seed 001's GET /recordings/:recordingName.
 */
export async function sendRecordingMedia(
  media: RecordingMedia,
  rec: RecordingRecord,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  if (rec.source !== 'livekit') throw ivsNotPlayable(rec);
  if (rec.status !== 'ready')
    throw conflict(`Recording ${rec.recordingId} is ${rec.status}, not ready to play yet`);
  const info = await media.head(rec.s3Bucket, rec.s3Key);
  reply.header('accept-ranges', 'bytes').header('content-type', 'video/mp4');
  if (info.etag) reply.header('etag', info.etag);
  if (info.lastModified) reply.header('last-modified', info.lastModified.toUTCString());
  if (info.etag && req.headers['if-none-match'] === info.etag) return reply.status(304).send();

  // If-Range with a validator that no longer matches: the client's piece is stale, send it all.
  const ifRange = req.headers['if-range'];
  const rangeHeader =
    ifRange && ifRange !== info.etag && ifRange !== info.lastModified?.toUTCString()
      ? undefined
      : req.headers.range;
  const range = parseRange(rangeHeader, info.size);
  if (range === 'unsatisfiable') {
    return reply
      .status(416)
      .header('content-range', `bytes */${info.size}`)
      .type('application/problem+json')
      .send(
        problem(
          416,
          'RANGE_NOT_SATISFIABLE',
          `The recording has ${info.size} bytes; ${req.headers.range} is outside it`,
        ),
      );
  }
  const length = range ? range.end - range.start + 1 : info.size;
  reply.header('content-length', String(length));
  if (range) reply.status(206).header('content-range', `bytes ${range.start}-${range.end}/${info.size}`);
  if (req.method === 'HEAD') return reply.send();
  return reply.send(await media.read(rec.s3Bucket, rec.s3Key, range));
}
