// Seed 001 (OpenVidu/LiveKit token server with recordings): POST /token, POST /recordings/start,
// POST /recordings/stop, GET /recordings, GET|HEAD /recordings/:recordingName (Range),
// DELETE /recordings/:recordingName — the documented shapes. Errors are `{ errorMessage }` (the
// OpenVidu tutorials' shape). Every route needs a bearer token (onair's default).
import { badRequest, isAppError, notFound } from '@onair/runtime';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { type LiveKitApiDeps, need } from '../../livekit/deps';
import {
  deleteRecording,
  MEDIA_RESPONSES,
  MediaHeaders,
  MediaQuery,
  SIGNED_URL_401,
  sendRecordingMedia,
  startRecording,
  stopRecording,
} from '../../actions/recordings';
import { seedJoinPolicy } from '../../livekit/room-access';
import { LiveKitName, NO_CONTROLS } from '../../livekit/schemas';
import { seedErrors } from '../../http/seed-errors';
import { SEED_TOKEN_TTL_S } from '../../livekit/tokens';
import type { RecordingRecord } from '../../read-models/recordings';
import { principalOf } from '../../http/plugins';
import { errorResponses, SIGNED_IN, type ErrorSpec, useProblemSchema, WITH_BODY } from '../../http/responses';

const str = (v: string | undefined): string | undefined =>
  v !== undefined && v.trim() !== '' ? v : undefined;
/**
 * Seed 001's `startedAt` (ms) is when the recording was started, the same in every answer: our
 * createdAt. (The egress reports its own start a moment later, in /v1's `startedAt`.)
 */
const startedAtMs = (r: RecordingRecord) => Date.parse(r.createdAt);
/** Recording file names are ours (room-derived, safe characters): anything else cannot exist. */
const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,254}$/;
const recordingNotFound = () => notFound('Recording not found');

// Types and lengths only: a missing or empty field is the handler's to answer, with the seed's text.
const RoomName = LiveKitName({ optionalEmpty: true, description: 'LiveKit room name' });
const TokenBody = Type.Object({
  roomName: Type.Optional(RoomName),
  participantName: Type.Optional(
    LiveKitName({
      optionalEmpty: true,
      description:
        "the participant's display name (an admin's is the identity; anyone else's identity is their user id)",
    }),
  ),
});
const RoomBody = Type.Object({ roomName: Type.Optional(RoomName) });
const ListQuery = Type.Object({
  roomName: Type.Optional(RoomName),
  roomId: Type.Optional(
    LiveKitName({ optionalEmpty: true, description: "LiveKit's room sid, or our room id" }),
  ),
});
const NameParams = Type.Object({ recordingName: Type.String({ maxLength: 255, pattern: NO_CONTROLS }) });
type Named = { Params: Static<typeof NameParams> };

/** Seed 001's error body (the OpenVidu tutorials' shape), as application/json, for every error. */
const SeedError = Type.Object({ errorMessage: Type.String() }, { title: 'Seed001Error' });
const errors = (spec: ErrorSpec) =>
  errorResponses({ ...SIGNED_IN, ...spec }, { mediaType: 'application/json', schema: SeedError });
const MISSING_ROOM = { 400: 'roomName is required, or a field fails its schema' } as const;

export async function seed001Routes(app: FastifyInstance, d: LiveKitApiDeps): Promise<void> {
  useProblemSchema(app);
  await app.register(async (api) => {
    seedErrors(api, (_status, message) => ({ errorMessage: message }));
    const tags = ['seed 001'];

    const byName = async (name: string) => {
      if (!FILE_NAME.test(name) || name.includes('..')) throw recordingNotFound();
      const rec = await d.recordings.byFileName(name);
      if (!rec) throw recordingNotFound();
      return rec;
    };

    api.post<{ Body: Static<typeof TokenBody> }>(
      '/token',
      {
        schema: {
          tags,
          summary: 'A token to join a room (identity = the caller; grants by role, as on /v1)',
          body: TokenBody,
          response: {
            200: Type.Object({ token: Type.String() }),
            ...errors({
              ...WITH_BODY,
              400: 'roomName and participantName are required, or a field fails its schema',
              501: 'LiveKit is not configured in the gateway',
            }),
          },
        },
      },
      async (req) => {
        const roomName = str(req.body.roomName);
        const participantName = str(req.body.participantName);
        if (!roomName || !participantName) throw badRequest('roomName and participantName are required');
        const tokens = need(d.tokens);
        // LiveKit creates a room by name when someone joins: it need not be one of onair's rooms.
        const room = await d.rooms.get(roomName);
        const { identity, name, grants } = seedJoinPolicy(principalOf(req), room, participantName);
        const token = await tokens.mint({
          room: room?.livekitName ?? roomName,
          identity,
          name,
          grants,
          ttlSeconds: SEED_TOKEN_TTL_S,
        });
        return { token };
      },
    );

    api.post<{ Body: Static<typeof RoomBody> }>(
      '/recordings/start',
      {
        schema: {
          tags,
          summary: 'Start recording a room (who may publish there; 409 if it is being recorded)',
          body: RoomBody,
          response: {
            200: Type.Object({
              message: Type.String(),
              recording: Type.Object({ name: Type.String(), startedAt: Type.Number({ description: 'ms' }) }),
            }),
            ...errors({
              ...WITH_BODY,
              ...MISSING_ROOM,
              403: 'Only those who may publish in the room',
              404: 'Room not found',
              409: 'The room is already being recorded',
            }),
          },
        },
      },
      async (req) => {
        const roomName = str(req.body.roomName);
        if (!roomName) throw badRequest('roomName is required');
        const rec = await startRecording(d, req, roomName).catch((e: unknown) => {
          if (isAppError(e) && e.status === 404) throw notFound('Room not found');
          throw e;
        });
        return {
          message: 'Recording started',
          recording: { name: rec.fileName, startedAt: startedAtMs(rec) },
        };
      },
    );

    api.post<{ Body: Static<typeof RoomBody> }>(
      '/recordings/stop',
      {
        schema: {
          tags,
          summary: "Stop recording a room (the room's owner, who started it, or an admin; 409 if it is not)",
          body: RoomBody,
          response: {
            200: Type.Object({
              message: Type.String(),
              recording: Type.Object({
                name: Type.String(),
                startedAt: Type.Number({ description: 'ms' }),
                size: Type.Number({ description: 'bytes (0 until the file is uploaded)' }),
              }),
            }),
            ...errors({
              ...WITH_BODY,
              ...MISSING_ROOM,
              403: "The room's owner, who started the recording, or an admin only",
              404: 'The room is not being recorded',
              409: 'The room is not being recorded',
            }),
          },
        },
      },
      async (req) => {
        const roomName = str(req.body.roomName);
        if (!roomName) throw badRequest('roomName is required');
        let rec = await stopRecording(d, req, { roomName });
        // The seed answers the file size, known once egress has uploaded: wait for it, within the
        // request timeout (webhooks or reconciliation finish the recording), else answer what we have.
        const deadline = Date.now() + d.timeoutMs;
        while (rec.status !== 'ready' && rec.status !== 'failed' && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 100));
          rec = (await d.recordings.get(rec.recordingId)) ?? rec;
        }
        return {
          message: 'Recording stopped',
          recording: { name: rec.fileName, startedAt: startedAtMs(rec), size: rec.size ?? 0 },
        };
      },
    );

    api.get<{ Querystring: Static<typeof ListQuery> }>(
      '/recordings',
      {
        schema: {
          tags,
          summary: 'Finished recordings; roomName / roomId filters',
          querystring: ListQuery,
          response: {
            200: Type.Object({
              recordings: Type.Array(
                Type.Object({
                  id: Type.String({ description: "LiveKit's egress id" }),
                  name: Type.String(),
                  roomName: Type.String(),
                  roomId: Type.String({ description: "LiveKit's room sid" }),
                  startedAt: Type.Number({ description: 'ms' }),
                  size: Type.Number({ description: 'bytes' }),
                }),
              ),
            }),
            ...errors({}),
          },
        },
      },
      async (req) => {
        const q = req.query;
        const out: RecordingRecord[] = [];
        let cursor: string | undefined;
        do {
          const page = await d.recordings.list({
            roomName: q.roomName || undefined,
            status: 'ready',
            limit: 100,
            cursor,
          });
          out.push(...page.items);
          cursor = page.nextCursor;
        } while (cursor && out.length < 1000);
        return {
          recordings: out
            .filter((r) => r.source === 'livekit') // seed 001 records LiveKit rooms only
            // Seed 001's roomId is LiveKit's room sid; our own room id is accepted too.
            .filter((r) => !q.roomId || r.roomSid === q.roomId || r.roomId === q.roomId)
            .map((r) => ({
              id: r.egressId ?? r.recordingId,
              name: r.fileName,
              roomName: r.roomName ?? '',
              roomId: r.roomSid ?? r.roomId ?? '',
              startedAt: startedAtMs(r),
              size: r.size ?? 0,
            })),
        };
      },
    );

    api.route<Named>({
      method: ['GET', 'HEAD'],
      url: '/recordings/:recordingName',
      config: { signedUrl: true },
      schema: {
        tags,
        summary: 'The MP4, with Range',
        description:
          'With a bearer token, or as the signed `seed001Url` of GET /v1/recordings/{recordingId}/media-url.',
        params: NameParams,
        querystring: MediaQuery,
        headers: MediaHeaders,
        response: {
          ...MEDIA_RESPONSES,
          ...errors({
            401: SIGNED_URL_401,
            404: 'Recording not found',
            409: 'The recording is not ready to play yet',
          }),
        },
      },
      handler: async (req, reply) =>
        sendRecordingMedia(d.media, await byName(req.params.recordingName), req, reply),
    });

    api.delete<Named>(
      '/recordings/:recordingName',
      {
        schema: {
          tags,
          summary: "Delete file and metadata (the room's owner, who started it, or an admin)",
          params: NameParams,
          response: {
            200: Type.Object({ message: Type.String() }),
            ...errors({
              403: "The room's owner, who started the recording, or an admin only",
              404: 'Recording not found',
              409: 'The recording is still recording',
            }),
          },
        },
      },
      async (req) => {
        const rec = await byName(req.params.recordingName);
        await deleteRecording(d, req, rec.recordingId);
        return { message: 'Recording deleted' };
      },
    );
  });
}
