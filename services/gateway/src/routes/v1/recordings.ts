import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Id, RecordingDelete, RecordingStop, RecordingView } from '@onair/contracts';
import { AppError, conflict, notFound, notImplemented, problem } from '@onair/runtime';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf, ask } from '../../commands';
import type { LiveKitApiDeps } from '../../livekit/deps';
import { parseRange } from '../../livekit/range';
import type { RecordingMedia } from '../../livekit/recording-media';
import { recordingOf, startRecording } from '../../livekit/recording-start';
import { Cursor, LiveKitName } from '../../livekit/schemas';
import type { RecordingRecord } from '../../read-models/recordings';
import { principalOf } from '../../http/plugins';
import type { MediaUrlSigner } from '../../http/signed-media';
import {
  errorResponses,
  RANGE_NOT_SATISFIABLE,
  SIGNED_IN,
  useProblemSchema,
  WITH_BODY,
} from '../../http/responses';

const recordingNotFound = (id: string) => notFound(`Recording ${id} does not exist`);
/** IVS writes HLS (a playlist and many segments), not one MP4 that a Range request can serve. */
const ivsNotPlayable = (rec: RecordingRecord) =>
  notImplemented(
    `Recording ${rec.recordingId} is an IVS recording (HLS under s3://${rec.s3Bucket}/${rec.s3Prefix}/); playing it through onair is not built yet`,
  );
/** Path ids have the bus contracts' form (`Id`), so a bad one is a 400 here, not a refused command. */
const IdParams = Type.Object({ recordingId: Id });
const Status = Type.Union([
  Type.Literal('starting'),
  Type.Literal('recording'),
  Type.Literal('stopping'),
  Type.Literal('ready'),
  Type.Literal('failed'),
]);
const StartBody = Type.Object({
  roomId: LiveKitName({
    description: 'our room id = LiveKit room name (or a LiveKit room onair does not know)',
  }),
});
/** A page of recordings when `limit` is left out. */
const PAGE = 50;
const ListQuery = Type.Object({
  roomName: Type.Optional(LiveKitName()),
  roomId: Type.Optional(LiveKitName({ description: 'our room id' })),
  status: Type.Optional(Status),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: PAGE })),
  cursor: Type.Optional(Cursor),
});
/** The query as handlers see it: the validator has filled in `limit`'s default. */
const NOT_FOUND = { 404: 'No such recording' } as const;
const RECORDER = "The room's owner, who started the recording, or an admin only";

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

function signerOf(s: MediaUrlSigner | undefined): MediaUrlSigner {
  if (!s) throw notImplemented('Signed media URLs are off: set MEDIA_URL_SECRET (or JWT_SECRET)');
  return s;
}

/** /v1/recordings: LiveKit recordings (recording-svc owns them), their bytes and download URLs. */
export function recordingRoutes(app: FastifyInstance, d: LiveKitApiDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  useProblemSchema(app);
  api.post(
    '/v1/recordings',
    {
      schema: {
        tags: ['recordings'],
        summary:
          'Start recording a room (who may publish there: owner, streamers, moderators, admins; 409 when it is already being recorded)',
        body: StartBody,
        response: {
          201: RecordingView,
          ...errorResponses({
            ...SIGNED_IN,
            ...WITH_BODY,
            403: 'Only those who may publish in the room (owner, streamers, moderators, admins)',
            404: 'No such room',
            409: 'The room is already being recorded',
          }),
        },
      },
    },
    async (req, reply) => {
      const rec = await startRecording(d, req, req.body.roomId);
      return reply.status(201).header('location', `/v1/recordings/${rec.recordingId}`).send(rec);
    },
  );

  api.get(
    '/v1/recordings',
    {
      schema: {
        tags: ['recordings'],
        summary: 'List recordings, newest first',
        querystring: ListQuery,
        response: {
          200: Type.Object({ items: Type.Array(RecordingView), nextCursor: Type.Optional(Type.String()) }),
          ...errorResponses(SIGNED_IN),
        },
      },
    },
    async (req) => d.recordings.list({ ...req.query, limit: req.query.limit ?? PAGE }),
  );

  api.get(
    '/v1/recordings/:recordingId',
    {
      schema: {
        tags: ['recordings'],
        summary: 'Get a recording',
        params: IdParams,
        response: { 200: RecordingView, ...errorResponses({ ...SIGNED_IN, ...NOT_FOUND }) },
      },
    },
    async (req) => {
      const { recordingId } = req.params;
      const rec = await d.recordings.get(recordingId);
      if (!rec) throw recordingNotFound(recordingId);
      return rec;
    },
  );

  api.post(
    '/v1/recordings/:recordingId/stop',
    {
      schema: {
        tags: ['recordings'],
        summary:
          "Stop a recording (the room's owner, who started it, or an admin; 409 when it is not recording)",
        params: IdParams,
        response: {
          200: RecordingView,
          ...errorResponses({
            ...SIGNED_IN,
            403: RECORDER,
            ...NOT_FOUND,
            409: 'The recording is not recording',
          }),
        },
      },
    },
    async (req) => {
      const { recordingId } = req.params;
      const rec = await d.recordings.get(recordingId);
      if (!rec?.roomName) throw recordingNotFound(recordingId);
      const res = await ask(d, req, RecordingStop, {
        actor: actorOf(principalOf(req)),
        roomName: rec.roomName,
        recordingId,
      });
      return recordingOf(res.data);
    },
  );

  api.delete(
    '/v1/recordings/:recordingId',
    {
      schema: {
        tags: ['recordings'],
        summary:
          "Delete a recording: file and metadata (the room's owner, who started it, or an admin; 409 while recording)",
        params: IdParams,
        response: {
          204: Type.Null({ description: 'Deleted' }),
          ...errorResponses({
            ...SIGNED_IN,
            403: RECORDER,
            ...NOT_FOUND,
            409: 'The recording is still recording',
          }),
        },
      },
    },
    async (req, reply) => {
      const { recordingId } = req.params;
      await ask(d, req, RecordingDelete, {
        actor: actorOf(principalOf(req)),
        recordingId,
      });
      return reply.status(204).send(null);
    },
  );

  api.route({
    method: ['GET', 'HEAD'],
    url: '/v1/recordings/:recordingId/media',
    config: { signedUrl: true },
    schema: {
      tags: ['recordings'],
      summary: 'The MP4, with Range (206), HEAD, ETag and Last-Modified',
      description:
        'With a bearer token, or as the signed URL GET /v1/recordings/{recordingId}/media-url answers (for `<video src>`, which cannot send a header).',
      params: IdParams,
      querystring: MediaQuery,
      headers: MediaHeaders,
      response: {
        ...MEDIA_RESPONSES,
        ...errorResponses({
          ...SIGNED_IN,
          401: SIGNED_URL_401,
          ...NOT_FOUND,
          409: 'The recording is not ready to play yet',
          501: 'An IVS recording (HLS): playing it through onair is not built yet',
        }),
      },
    },
    handler: async (req, reply) => {
      const { recordingId } = req.params;
      const rec = await d.recordings.get(recordingId);
      if (!rec) throw recordingNotFound(recordingId);
      return sendRecordingMedia(d.media, rec, req, reply);
    },
  });

  api.get(
    '/v1/recordings/:recordingId/media-url',
    {
      schema: {
        tags: ['recordings'],
        summary:
          'Signed URLs of the media routes, for `<video src>` (no bearer token needed until they expire)',
        description:
          'Both URLs are paths on this gateway (resolve them against its URL) that carry `expires` and `signature`; they serve GET and HEAD with Range. Lifetime: RECORDING_URL_TTL.',
        params: IdParams,
        response: {
          200: Type.Object({
            url: Type.String({ description: '/v1/recordings/{recordingId}/media?expires=…&signature=…' }),
            seed001Url: Type.String({
              description: "Seed 001's /recordings/{fileName}, signed the same way",
            }),
            expiresAt: Type.String({ format: 'date-time' }),
          }),
          ...errorResponses({
            ...SIGNED_IN,
            ...NOT_FOUND,
            409: 'The recording is not ready yet',
            501: 'An IVS recording (HLS), or signed URLs are off (set MEDIA_URL_SECRET or JWT_SECRET)',
          }),
        },
      },
    },
    async (req) => {
      const { recordingId } = req.params;
      const rec = await d.recordings.get(recordingId);
      if (!rec) throw recordingNotFound(recordingId);
      if (rec.source !== 'livekit') throw ivsNotPlayable(rec);
      if (rec.status !== 'ready') throw conflict(`Recording ${recordingId} is ${rec.status}, not ready yet`);
      const signer = signerOf(d.mediaUrls);
      const now = Date.now();
      const v1 = signer.sign(`/v1/recordings/${encodeURIComponent(recordingId)}/media`, now);
      const seed = signer.sign(`/recordings/${encodeURIComponent(rec.fileName)}`, now);
      return { url: v1.url, seed001Url: seed.url, expiresAt: v1.expiresAt };
    },
  );

  api.get(
    '/v1/recordings/:recordingId/download-url',
    {
      schema: {
        tags: ['recordings'],
        summary: 'A presigned S3 URL to play or download the MP4 without a bearer token',
        params: IdParams,
        response: {
          200: Type.Object({ url: Type.String(), expiresAt: Type.String() }),
          ...errorResponses({
            ...SIGNED_IN,
            ...NOT_FOUND,
            409: 'The recording is not ready yet',
            501: 'An IVS recording (HLS): not served through onair yet',
            502: 'STORAGE_UNAVAILABLE: the URL could not be signed',
          }),
        },
      },
    },
    async (req) => {
      const { recordingId } = req.params;
      const rec = await d.recordings.get(recordingId);
      if (!rec) throw recordingNotFound(recordingId);
      if (rec.source !== 'livekit') throw ivsNotPlayable(rec);
      if (rec.status !== 'ready') throw conflict(`Recording ${recordingId} is ${rec.status}, not ready yet`);
      const url = await d.media
        .presign(rec.s3Bucket, rec.s3Key, d.downloadUrlTtlSeconds, rec.fileName)
        .catch((e: unknown) => {
          throw new AppError('STORAGE_UNAVAILABLE', 502, 'Could not sign a download URL', { cause: e });
        });
      return { url, expiresAt: new Date(Date.now() + d.downloadUrlTtlSeconds * 1000).toISOString() };
    },
  );
}
