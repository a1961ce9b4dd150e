import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Id, ParticipantView, RoomCreated, RoomDelete, RoomView } from '@onair/contracts';
import { notFound, replyData } from '@onair/runtime';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { createRoom } from '../../actions/rooms';
import { actorOf, ask } from '../../commands';
import { principalOf } from '../../http/plugins';
import { errorResponses, SIGNED_IN, useProblemSchema, WITH_BODY } from '../../http/responses';
import { type LiveKitApiDeps, need } from '../../livekit/deps';
import { joinPolicy } from '../../livekit/room-access';
import { Cursor, Description, DisplayName, LiveKitName, Topic } from '../../livekit/schemas';

export const roomNotFound = (id: string) => notFound(`Room ${id} does not exist`);

/** Path ids have the bus contracts' form (`Id`), so a bad one is a 400 here, not a refused command. */
const RoomIdParams = Type.Object({ roomId: Id });

const CreateBody = Type.Object({
  topic: Type.Optional(Topic),
  description: Type.Optional(Description),
  maxParticipants: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
  emptyTimeout: Type.Optional(
    Type.Integer({ minimum: 0, maximum: 604800, description: 'seconds (up to 7 days)' }),
  ),
  metadata: Type.Optional(Type.String({ maxLength: 10000 })),
});
/** A page of rooms when `limit` is left out. */
const PAGE = 50;
const ListQuery = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('finished')])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: PAGE })),
  cursor: Type.Optional(Cursor),
});
/** The query as handlers see it: the validator has filled in `limit`'s default. */
const TokenBody = Type.Object({
  role: Type.Optional(Type.Union([Type.Literal('viewer'), Type.Literal('publisher')])),
  identity: Type.Optional(LiveKitName({ description: 'another identity than yours: owner and admins only' })),
  name: Type.Optional(DisplayName()),
  metadata: Type.Optional(Type.String({ maxLength: 10000 })),
  ttlSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 86400 })),
});
const NOT_FOUND = { 404: 'No such room' } as const;

/** /v1/rooms: LiveKit rooms (stream-svc owns them) and join tokens (minted here). */
export function roomRoutes(app: FastifyInstance, d: LiveKitApiDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  useProblemSchema(app);
  api.post(
    '/v1/rooms',
    {
      schema: {
        tags: ['rooms'],
        summary: 'Create a LiveKit room (streamers, moderators, admins)',
        body: CreateBody,
        response: {
          201: RoomView,
          ...errorResponses({
            ...SIGNED_IN,
            ...WITH_BODY,
            403: 'Only streamer, moderator and admin roles create rooms',
          }),
        },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const { roomId, reply: res } = await createRoom(d, req, {
        topic: b.topic ?? '',
        description: b.description ?? '',
        maxParticipants: b.maxParticipants ?? 20,
        emptyTimeout: b.emptyTimeout ?? 300,
        metadata: b.metadata ?? '',
      });
      return reply.status(201).header('location', `/v1/rooms/${roomId}`).send(replyData(RoomCreated, res));
    },
  );

  api.get(
    '/v1/rooms',
    {
      schema: {
        tags: ['rooms'],
        summary: 'List LiveKit rooms',
        querystring: ListQuery,
        response: {
          200: Type.Object({ items: Type.Array(RoomView), nextCursor: Type.Optional(Type.String()) }),
          ...errorResponses(SIGNED_IN),
        },
      },
    },
    async (req) => d.rooms.list({ ...req.query, limit: req.query.limit ?? PAGE }),
  );

  api.get(
    '/v1/rooms/:roomId',
    {
      schema: {
        tags: ['rooms'],
        summary: 'Get a LiveKit room',
        params: RoomIdParams,
        response: { 200: RoomView, ...errorResponses({ ...SIGNED_IN, ...NOT_FOUND }) },
      },
    },
    async (req) => {
      const { roomId } = req.params;
      const room = await d.rooms.get(roomId);
      if (!room) throw roomNotFound(roomId);
      return room;
    },
  );

  api.get(
    '/v1/rooms/:roomId/participants',
    {
      schema: {
        tags: ['rooms'],
        summary: 'List who is in a LiveKit room now',
        description:
          "One entry per identity, kept current by LiveKit's webhooks (a second session of an identity replaces the first).",
        params: RoomIdParams,
        response: {
          200: Type.Object({ items: Type.Array(ParticipantView) }),
          ...errorResponses({ ...SIGNED_IN, ...NOT_FOUND }),
        },
      },
    },
    async (req) => {
      const { roomId } = req.params;
      const room = await d.rooms.get(roomId);
      if (!room || room.status === 'deleted') throw roomNotFound(roomId);
      return { items: room.status === 'finished' ? [] : await d.rooms.participants(roomId) };
    },
  );

  api.delete(
    '/v1/rooms/:roomId',
    {
      schema: {
        tags: ['rooms'],
        summary: 'Delete a LiveKit room (owner or admin)',
        params: RoomIdParams,
        response: {
          204: Type.Null({ description: 'Deleted' }),
          ...errorResponses({ ...SIGNED_IN, 403: 'The room belongs to another user', ...NOT_FOUND }),
        },
      },
    },
    async (req, reply) => {
      await ask(d, req, RoomDelete, {
        actor: actorOf(principalOf(req)),
        roomId: req.params.roomId,
      });
      return reply.status(204).send(null);
    },
  );

  api.post(
    '/v1/rooms/:roomId/tokens',
    {
      schema: {
        tags: ['rooms'],
        summary: 'Mint a LiveKit join token (grants by role: a viewer only subscribes)',
        params: RoomIdParams,
        body: TokenBody,
        response: {
          201: Type.Object({
            token: Type.String(),
            url: Type.Optional(Type.String()),
            identity: Type.String(),
            role: Type.String(),
            expiresAt: Type.String(),
            grants: Type.Object({
              roomJoin: Type.Boolean(),
              room: Type.String(),
              canPublish: Type.Boolean(),
              canSubscribe: Type.Boolean(),
              canPublishData: Type.Boolean(),
            }),
          }),
          ...errorResponses({
            ...SIGNED_IN,
            ...WITH_BODY,
            403: "Another identity than your own: the room's owner and admins only",
            ...NOT_FOUND,
            501: 'LiveKit is not configured in the gateway',
          }),
        },
      },
    },
    async (req, reply) => {
      const tokens = need(d.tokens);
      const { roomId } = req.params;
      const b = req.body;
      const room = await d.rooms.get(roomId);
      if (!room) throw roomNotFound(roomId);
      const p = principalOf(req);
      const { role, grants, identity } = joinPolicy(p, room, b);
      const ttlSeconds = b.ttlSeconds ?? d.tokenTtlSeconds;
      const token = await tokens.mint({
        room: room.livekitName,
        identity,
        name: b.name ?? (identity === p.userId ? p.displayName : undefined),
        metadata: b.metadata,
        grants,
        ttlSeconds,
      });
      return reply.status(201).send({
        token,
        url: d.livekitUrl,
        identity,
        role,
        expiresAt: new Date(Date.now() + ttlSeconds * 1000).toISOString(),
        grants: { roomJoin: true, room: room.livekitName, ...grants },
      });
    },
  );
}
