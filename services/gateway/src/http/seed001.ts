// Seed 001 (OpenVidu/LiveKit token server with recordings): POST /token, POST /recordings/start,
// POST /recordings/stop, GET /recordings, GET|HEAD /recordings/:recordingName (Range),
// DELETE /recordings/:recordingName — the documented shapes. Errors are `{ errorMessage }` (the
// OpenVidu tutorials' shape). Every route needs a bearer token (onair's default).
import { randomUUID } from 'node:crypto';
import { badRequest, isAppError, notFound } from '@onair/runtime';
import type { FastifyInstance } from 'fastify';
import { command, type LiveKitApiDeps, need } from '../livekit/deps';
import { seedErrors } from '../livekit/seed-errors';
import { FULL_GRANTS, SEED_TOKEN_TTL_S } from '../livekit/tokens';
import type { RecordingRecord } from '../read-models/recordings';
import { sendRecordingMedia } from './recordings';

type Body = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
/**
 * Seed 001's `startedAt` (ms) is when the recording was started, the same in every answer: our
 * createdAt. (The egress reports its own start a moment later, in /v1's `startedAt`.)
 */
const startedAtMs = (r: RecordingRecord) => Date.parse(r.createdAt);
/** Recording file names are ours (room-derived, safe characters): anything else cannot exist. */
const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,254}$/;
const recordingNotFound = () => notFound('Recording not found');

export async function seed001Routes(app: FastifyInstance, d: LiveKitApiDeps): Promise<void> {
  await app.register(async (api) => {
    seedErrors(api, (_status, message) => ({ errorMessage: message }));
    const tags = ['seed 001'];

    const byName = async (name: string) => {
      if (!FILE_NAME.test(name) || name.includes('..')) throw recordingNotFound();
      const rec = await d.recordings.byFileName(name);
      if (!rec) throw recordingNotFound();
      return rec;
    };

    api.post('/token', { schema: { tags, summary: 'A token to join a room' } }, async (req) => {
      const b = (req.body ?? {}) as Body;
      const roomName = str(b.roomName);
      const participantName = str(b.participantName);
      if (!roomName || !participantName) throw badRequest('roomName and participantName are required');
      const token = await need(d.tokens).mint({
        room: roomName,
        identity: participantName,
        grants: FULL_GRANTS,
        ttlSeconds: SEED_TOKEN_TTL_S,
      });
      return { token };
    });

    api.post(
      '/recordings/start',
      { schema: { tags, summary: 'Start recording a room (409 if it is)' } },
      async (req) => {
        const roomName = str(((req.body ?? {}) as Body).roomName);
        if (!roomName) throw badRequest('roomName is required');
        const res = await command(d, req, 'onair.recording.start.v1', {
          recordingId: `rec_${randomUUID()}`,
          roomName,
        }).catch((e: unknown) => {
          if (isAppError(e) && e.status === 404) throw notFound('Room not found');
          throw e;
        });
        const rec = res.data as RecordingRecord;
        return {
          message: 'Recording started',
          recording: { name: rec.fileName, startedAt: startedAtMs(rec) },
        };
      },
    );

    api.post(
      '/recordings/stop',
      { schema: { tags, summary: 'Stop recording a room (409 if it is not)' } },
      async (req) => {
        const roomName = str(((req.body ?? {}) as Body).roomName);
        if (!roomName) throw badRequest('roomName is required');
        const res = await command(d, req, 'onair.recording.stop.v1', { roomName });
        let rec = res.data as RecordingRecord;
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

    api.get(
      '/recordings',
      { schema: { tags, summary: 'Finished recordings; roomName / roomId filters' } },
      async (req) => {
        const q = req.query as { roomName?: string; roomId?: string };
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

    api.route({
      method: ['GET', 'HEAD'],
      url: '/recordings/:recordingName',
      schema: { tags, summary: 'The MP4, with Range' },
      handler: async (req, reply) =>
        sendRecordingMedia(
          d.media,
          await byName((req.params as { recordingName: string }).recordingName),
          req,
          reply,
        ),
    });

    api.delete(
      '/recordings/:recordingName',
      { schema: { tags, summary: 'Delete file and metadata' } },
      async (req) => {
        const rec = await byName((req.params as { recordingName: string }).recordingName);
        await command(d, req, 'onair.recording.delete.v1', { recordingId: rec.recordingId });
        return { message: 'Recording deleted' };
      },
    );
  });
}
