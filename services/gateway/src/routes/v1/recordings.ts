import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Id, RecordingView } from '@onair/contracts';
import { AppError, conflict, notFound, notImplemented } from '@onair/runtime';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  deleteRecording,
  ivsNotPlayable,
  MEDIA_RESPONSES,
  MediaHeaders,
  MediaQuery,
  SIGNED_URL_401,
  sendRecordingMedia,
  startRecording,
  stopRecording,
} from '../../actions/recordings';
import type { LiveKitApiDeps } from '../../livekit/deps';
import { Cursor, LiveKitName } from '../../livekit/schemas';
import type { MediaUrlSigner } from '../../http/signed-media';
import { errorResponses, SIGNED_IN, useProblemSchema, WITH_BODY } from '../../http/responses';

const recordingNotFound = (id: string) => notFound(`Recording ${id} does not exist`);
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

/** The recording if it exists (404), is a LiveKit MP4 (501) and is ready (409): what a URL is made for. */
async function readyRecording(d: LiveKitApiDeps, recordingId: string) {
  const rec = await d.recordings.get(recordingId);
  if (!rec) throw recordingNotFound(recordingId);
  if (rec.source !== 'livekit') throw ivsNotPlayable(rec);
  if (rec.status !== 'ready') throw conflict(`Recording ${recordingId} is ${rec.status}, not ready yet`);
  return rec;
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
      return stopRecording(d, req, { roomName: rec.roomName, recordingId });
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
      await deleteRecording(d, req, recordingId);
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
      const rec = await readyRecording(d, recordingId);
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
      const rec = await readyRecording(d, recordingId);
      const url = await d.media
        .presign(rec.s3Bucket, rec.s3Key, d.downloadUrlTtlSeconds, rec.fileName)
        .catch((e: unknown) => {
          throw new AppError('STORAGE_UNAVAILABLE', 502, 'Could not sign a download URL', { cause: e });
        });
      return { url, expiresAt: new Date(Date.now() + d.downloadUrlTtlSeconds * 1000).toISOString() };
    },
  );
}
