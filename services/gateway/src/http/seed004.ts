// Seed 004 (LiveKit room service, NestJS): GET /api/health, POST /api/room/create, POST /api/room/join,
// GET /api/room/:roomId, GET /api/rooms, POST /api/token — same request and response shapes and
// message texts, but 400/404 where the seed answered a blanket 500. Errors keep NestJS's body
// `{statusCode, message, error}`. Every route but /api/health needs a bearer token (onair's default).
import { AppError, badRequest, notFound } from '@onair/runtime';
import type { FastifyInstance } from 'fastify';
import { command, type LiveKitApiDeps, need } from '../livekit/deps';
import { seedErrors } from '../livekit/seed-errors';
import { FULL_GRANTS, IDENTITY_REQUIRED, SEED_TOKEN_TTL_S } from '../livekit/tokens';
import type { RoomRecord } from '../read-models/rooms';
import { newRoomId } from './rooms';

type Body = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

const seedRoom = (r: RoomRecord) => ({
  roomId: r.roomId,
  roomTopic: r.topic,
  description: r.description,
  maxParticipants: r.maxParticipants,
  createdBy: r.createdBy ?? '',
  createdAt: r.createdAt,
});

export async function seed004Routes(app: FastifyInstance, d: LiveKitApiDeps): Promise<void> {
  await app.register(
    async (api) => {
      seedErrors(api, (statusCode, message, error) => ({ statusCode, message, error }));
      const mint = (room: string, identity: string) =>
        need(d.tokens).mint({ room, identity, grants: FULL_GRANTS, ttlSeconds: SEED_TOKEN_TTL_S });

      api.get(
        '/health',
        { config: { public: true }, schema: { tags: ['seed 004'], security: [] } },
        async () => ({
          status: 'ok',
          timestamp: new Date().toISOString(),
        }),
      );

      api.post(
        '/room/create',
        { schema: { tags: ['seed 004'], summary: 'Create a room and a token for its creator' } },
        async (req) => {
          const b = (req.body ?? {}) as Body;
          const userName = str(b.userName);
          if (!userName) throw badRequest(`Failed to create room: ${IDENTITY_REQUIRED}`);
          const max = b.maxParticipants ?? 20;
          if (!Number.isInteger(max) || (max as number) < 1 || (max as number) > 10000)
            throw badRequest('Failed to create room: maxParticipants must be an integer from 1 to 10000');
          if (b.roomTopic !== undefined && typeof b.roomTopic !== 'string')
            throw badRequest('Failed to create room: roomTopic must be a string');
          if (b.description !== undefined && typeof b.description !== 'string')
            throw badRequest('Failed to create room: description must be a string');
          need(d.tokens);
          const roomTopic = (b.roomTopic as string | undefined) ?? '새 회의';
          const description = (b.description as string | undefined) ?? '';
          const roomId = newRoomId();
          await command(d, req, 'onair.room.create.v1', {
            roomId,
            createdBy: userName,
            topic: roomTopic,
            description,
            maxParticipants: max,
            emptyTimeout: 300,
            metadata: JSON.stringify({ roomTopic, description, createdBy: userName }),
          });
          return {
            roomId,
            roomUrl: `${d.livekitUrl ?? ''}/${roomId}`,
            roomTopic,
            description,
            maxParticipants: max,
            userName,
            token: await mint(roomId, userName),
            livekitUrl: d.livekitUrl ?? '',
          };
        },
      );

      const join = async (b: Body) => {
        const roomId = str(b.roomId);
        if (!roomId) throw badRequest('Failed to join room: roomId is required');
        const room = await d.rooms.find(roomId);
        if (!room) throw notFound('Failed to join room: Room not found');
        const userName = str(b.userName);
        if (!userName) throw badRequest(`Failed to join room: ${IDENTITY_REQUIRED}`);
        return { token: await mint(room.livekitName, userName), url: d.livekitUrl ?? '' };
      };
      api.post(
        '/room/join',
        { schema: { tags: ['seed 004'], summary: 'A token to join a room' } },
        async (req) => join((req.body ?? {}) as Body),
      );
      api.post('/token', { schema: { tags: ['seed 004'], summary: 'Same as /api/room/join' } }, async (req) =>
        join((req.body ?? {}) as Body),
      );

      api.get('/room/:roomId', { schema: { tags: ['seed 004'], summary: 'A room' } }, async (req) => {
        const { roomId } = req.params as { roomId: string };
        const room = await d.rooms.find(roomId);
        if (!room) throw notFound('Failed to get room: Room not found');
        return seedRoom(room);
      });

      api.get('/rooms', { schema: { tags: ['seed 004'], summary: 'Every active room' } }, async () => {
        const rooms: RoomRecord[] = [];
        let cursor: string | undefined;
        do {
          const page = await d.rooms.list({ limit: 100, cursor, status: 'active' });
          rooms.push(...page.items);
          cursor = page.nextCursor;
          if (rooms.length > 10_000) throw new AppError('TOO_MANY', 500, 'more than 10000 rooms');
        } while (cursor);
        return { rooms: rooms.map(seedRoom), total: rooms.length };
      });
    },
    { prefix: '/api' },
  );
}
