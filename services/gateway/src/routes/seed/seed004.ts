// Seed 004 (LiveKit room service, NestJS): GET /api/health, POST /api/room/create, POST /api/room/join,
// GET /api/room/:roomId, GET /api/rooms, POST /api/token — same request and response shapes and
// message texts, but 400/404 where the seed answered a blanket 500. Errors keep NestJS's body
// `{statusCode, message, error}`. Every route but /api/health needs a bearer token (onair's default).
import { Id } from '@onair/contracts';
import { AppError, badRequest, notFound } from '@onair/runtime';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createRoom } from '../../actions/rooms';
import { type LiveKitApiDeps, need } from '../../livekit/deps';
import { seedJoinPolicy } from '../../livekit/room-access';
import { Description, DisplayName, LiveKitName, Topic } from '../../livekit/schemas';
import { seedErrors } from '../../http/seed-errors';
import { IDENTITY_REQUIRED, SEED_TOKEN_TTL_S } from '../../livekit/tokens';
import type { RoomRecord } from '../../read-models/rooms';
import { principalOf } from '../../http/plugins';
import { type ErrorSpec, errorResponses, PUBLIC, SIGNED_IN, WITH_BODY } from '../../http/responses';

const str = (v: string | undefined): string | undefined =>
  v !== undefined && v.trim() !== '' ? v : undefined;

const seedRoom = (r: RoomRecord) => ({
  roomId: r.roomId,
  roomTopic: r.topic,
  description: r.description,
  maxParticipants: r.maxParticipants,
  createdBy: r.createdBy ?? '',
  createdAt: r.createdAt,
});

/** Our ids and LiveKit sids (`RM_…`) both have the bus contracts' id form; anything else names no room. */
const ROOM_ID = new RegExp(Id.pattern ?? '^$', 'u');

// Types and lengths only: a missing or empty userName / roomId and an out-of-range
// maxParticipants are answered by the handlers with the seed's texts.
const UserName = DisplayName(
  "the participant's display name (an admin's is the identity; anyone else's identity is their user id)",
);
const CreateBody = Type.Object({
  userName: Type.Optional(UserName),
  roomTopic: Type.Optional(Topic),
  description: Type.Optional(Description),
  maxParticipants: Type.Optional(Type.Integer({ description: '1 to 10000 (default 20)' })),
});
const JoinBody = Type.Object({
  roomId: Type.Optional(LiveKitName({ optionalEmpty: true, description: "our room id, or LiveKit's sid" })),
  userName: Type.Optional(UserName),
});
const RoomParams = Type.Object({ roomId: LiveKitName({ optionalEmpty: true }) });

/** NestJS's error body, as application/json, for every error of these routes. */
const SeedError = Type.Object(
  { statusCode: Type.Integer(), message: Type.String(), error: Type.String() },
  { title: 'Seed004Error' },
);
const errors = (spec: ErrorSpec, base: ErrorSpec = SIGNED_IN) =>
  errorResponses({ ...base, ...spec }, { mediaType: 'application/json', schema: SeedError });
const SeedRoom = Type.Object({
  roomId: Type.String(),
  roomTopic: Type.String(),
  description: Type.String(),
  maxParticipants: Type.Integer(),
  createdBy: Type.String(),
  createdAt: Type.String(),
});
const JoinAnswer = Type.Object({ token: Type.String(), url: Type.String() });

/** Words before a refused request's reason, as the seed words its own errors. */
const PREFIX: Record<string, string> = {
  '/api/room/create': 'Failed to create room: ',
  '/api/room/join': 'Failed to join room: ',
  '/api/token': 'Failed to join room: ',
  '/api/room/:roomId': 'Failed to get room: ',
};

export async function seed004Routes(app: FastifyInstance, d: LiveKitApiDeps): Promise<void> {
  await app.register(
    async (api) => {
      seedErrors(api, (statusCode, message, error) => ({ statusCode, message, error }), {
        prefix: (req) => PREFIX[req.routeOptions.url ?? ''] ?? '',
      });
      // NestJS's own 404 for a path no route has (`GET /api/room/` included).
      api.setNotFoundHandler((req, reply) => {
        void reply
          .status(404)
          .type('application/json')
          .send({
            statusCode: 404,
            message: `Cannot ${req.method} ${req.url.split('?')[0]?.slice(0, 200)}`,
            error: 'Not Found',
          });
      });

      api.get(
        '/health',
        {
          config: { public: true },
          schema: {
            tags: ['seed 004'],
            summary: 'Liveness, as the seed answered it',
            security: [],
            response: {
              200: Type.Object({ status: Type.String(), timestamp: Type.String() }),
              ...errors({}, PUBLIC),
            },
          },
        },
        async () => ({
          status: 'ok',
          timestamp: new Date().toISOString(),
        }),
      );

      api.post<{ Body: Static<typeof CreateBody> }>(
        '/room/create',
        {
          schema: {
            tags: ['seed 004'],
            summary: 'Create a room (streamers, moderators, admins) and a token for its creator',
            body: CreateBody,
            response: {
              200: Type.Object({
                roomId: Type.String(),
                roomUrl: Type.String(),
                roomTopic: Type.String(),
                description: Type.String(),
                maxParticipants: Type.Integer(),
                userName: Type.String(),
                token: Type.String(),
                livekitUrl: Type.String(),
              }),
              ...errors({
                ...WITH_BODY,
                400: 'userName is required, maxParticipants is out of range, or a field fails its schema',
                403: 'Only streamer, moderator and admin roles create rooms',
                501: 'LiveKit is not configured in the gateway',
              }),
            },
          },
        },
        async (req) => {
          const b = req.body;
          const userName = str(b.userName);
          if (!userName) throw badRequest(`Failed to create room: ${IDENTITY_REQUIRED}`);
          const max = b.maxParticipants ?? 20;
          if (max < 1 || max > 10000)
            throw badRequest('Failed to create room: maxParticipants must be an integer from 1 to 10000');
          const tokens = need(d.tokens);
          const roomTopic = b.roomTopic ?? '새 회의';
          const description = b.description ?? '';
          // Fits the contract's 10000: the fields' limits, and no control characters that escape to 6.
          const metadata = JSON.stringify({ roomTopic, description, createdBy: userName });
          // The creator owns the room: createdBy is the display name the seed documents.
          const { roomId } = await createRoom(d, req, {
            createdBy: userName,
            topic: roomTopic,
            description,
            maxParticipants: max,
            emptyTimeout: 300,
            metadata,
          });
          // stream-svc makes the caller (the command's actor) the room's owner.
          const p = principalOf(req);
          const { identity, name, grants } = seedJoinPolicy(p, { ownerId: p.userId }, userName);
          return {
            roomId,
            roomUrl: `${d.livekitUrl ?? ''}/${roomId}`,
            roomTopic,
            description,
            maxParticipants: max,
            userName,
            token: await tokens.mint({ room: roomId, identity, name, grants, ttlSeconds: SEED_TOKEN_TTL_S }),
            livekitUrl: d.livekitUrl ?? '',
          };
        },
      );

      type Join = { Body: Static<typeof JoinBody> };
      const join = async (req: FastifyRequest<Join>) => {
        const roomId = str(req.body.roomId);
        if (!roomId) throw badRequest('Failed to join room: roomId is required');
        const room = ROOM_ID.test(roomId) ? await d.rooms.find(roomId) : undefined;
        if (!room) throw notFound('Failed to join room: Room not found');
        const userName = str(req.body.userName);
        if (!userName) throw badRequest(`Failed to join room: ${IDENTITY_REQUIRED}`);
        const { identity, name, grants } = seedJoinPolicy(principalOf(req), room, userName);
        const token = await need(d.tokens).mint({
          room: room.livekitName,
          identity,
          name,
          grants,
          ttlSeconds: SEED_TOKEN_TTL_S,
        });
        return { token, url: d.livekitUrl ?? '' };
      };
      const joinSchema = (summary: string) => ({
        schema: {
          tags: ['seed 004'],
          summary,
          body: JoinBody,
          response: {
            200: JoinAnswer,
            ...errors({
              ...WITH_BODY,
              400: 'roomId and userName are required, or a field fails its schema',
              403: "Another identity than your own: the room's owner and admins only",
              404: 'Room not found',
              501: 'LiveKit is not configured in the gateway',
            }),
          },
        },
      });
      api.post<Join>(
        '/room/join',
        joinSchema('A token to join a room (identity = the caller; grants by role, as on /v1)'),
        join,
      );
      api.post<Join>('/token', joinSchema('Same as /api/room/join'), join);

      api.get<{ Params: Static<typeof RoomParams> }>(
        '/room/:roomId',
        {
          schema: {
            tags: ['seed 004'],
            summary: 'A room',
            params: RoomParams,
            response: { 200: SeedRoom, ...errors({ 404: 'Room not found' }) },
          },
        },
        async (req) => {
          const { roomId } = req.params;
          const room = ROOM_ID.test(roomId) ? await d.rooms.find(roomId) : undefined;
          if (!room) throw notFound('Failed to get room: Room not found');
          return seedRoom(room);
        },
      );

      const roomsSchema = {
        tags: ['seed 004'],
        summary: 'Every active room',
        response: {
          200: Type.Object({ rooms: Type.Array(SeedRoom), total: Type.Integer() }),
          ...errors({}),
        },
      };
      api.get('/rooms', { schema: roomsSchema }, async () => {
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
