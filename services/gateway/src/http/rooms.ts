import { randomBytes } from 'node:crypto';
import { RoomView } from '@onair/contracts';
import { notFound } from '@onair/runtime';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { principalOf } from './plugins';
import { command, type LiveKitApiDeps, need } from '../livekit/deps';
import { joinPolicy } from '../livekit/room-access';
import type { RoomRecord } from '../read-models/rooms';

/** Our room ids, which are also the LiveKit room names: `room-<unix seconds>-<6 chars>` (seed 004's form). */
export function newRoomId(now = new Date()): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const rand = Array.from(randomBytes(6), (b) => alphabet[b % alphabet.length]).join('');
  return `room-${Math.floor(now.getTime() / 1000)}-${rand}`;
}

export const roomNotFound = (id: string) => notFound(`Room ${id} does not exist`);

const RoomIdParams = Type.Object({ roomId: Type.String({ minLength: 1, maxLength: 128 }) });

/** /v1/rooms: LiveKit rooms (stream-svc owns them) and join tokens (minted here). */
export function roomRoutes(app: FastifyInstance, d: LiveKitApiDeps): void {
  app.post(
    '/v1/rooms',
    {
      schema: {
        tags: ['rooms'],
        summary: 'Create a LiveKit room',
        body: Type.Object({
          topic: Type.Optional(Type.String({ maxLength: 200 })),
          description: Type.Optional(Type.String({ maxLength: 2000 })),
          maxParticipants: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000 })),
          emptyTimeout: Type.Optional(Type.Integer({ minimum: 0, description: 'seconds' })),
          metadata: Type.Optional(Type.String({ maxLength: 10000 })),
        }),
        response: { 201: RoomView },
      },
    },
    async (req, reply) => {
      const b = req.body as Partial<
        Pick<RoomRecord, 'topic' | 'description' | 'maxParticipants' | 'emptyTimeout' | 'metadata'>
      >;
      const roomId = newRoomId();
      const res = await command(d, req, 'onair.room.create.v1', {
        roomId,
        topic: b.topic ?? '',
        description: b.description ?? '',
        maxParticipants: b.maxParticipants ?? 20,
        emptyTimeout: b.emptyTimeout ?? 300,
        metadata: b.metadata ?? '',
      });
      return reply.status(201).header('location', `/v1/rooms/${roomId}`).send(res.data);
    },
  );

  app.get(
    '/v1/rooms',
    {
      schema: {
        tags: ['rooms'],
        summary: 'List LiveKit rooms',
        querystring: Type.Object({
          status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('finished')])),
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
          cursor: Type.Optional(Type.String({ maxLength: 2000 })),
        }),
        response: {
          200: Type.Object({ items: Type.Array(RoomView), nextCursor: Type.Optional(Type.String()) }),
        },
      },
    },
    async (req) => {
      const q = req.query as { status?: RoomRecord['status']; limit: number; cursor?: string };
      return d.rooms.list(q);
    },
  );

  app.get(
    '/v1/rooms/:roomId',
    {
      schema: {
        tags: ['rooms'],
        summary: 'Get a LiveKit room',
        params: RoomIdParams,
        response: { 200: RoomView },
      },
    },
    async (req) => {
      const { roomId } = req.params as { roomId: string };
      const room = await d.rooms.get(roomId);
      if (!room) throw roomNotFound(roomId);
      return room;
    },
  );

  app.delete(
    '/v1/rooms/:roomId',
    { schema: { tags: ['rooms'], summary: 'Delete a LiveKit room (owner or admin)', params: RoomIdParams } },
    async (req, reply) => {
      const { roomId } = req.params as { roomId: string };
      await command(d, req, 'onair.room.delete.v1', { roomId });
      return reply.status(204).send();
    },
  );

  app.post(
    '/v1/rooms/:roomId/tokens',
    {
      schema: {
        tags: ['rooms'],
        summary: 'Mint a LiveKit join token (grants by role: a viewer only subscribes)',
        params: RoomIdParams,
        body: Type.Object({
          role: Type.Optional(Type.Union([Type.Literal('viewer'), Type.Literal('publisher')])),
          identity: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
          name: Type.Optional(Type.String({ maxLength: 128 })),
          metadata: Type.Optional(Type.String({ maxLength: 10000 })),
          ttlSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 86400 })),
        }),
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
        },
      },
    },
    async (req, reply) => {
      const tokens = need(d.tokens);
      const { roomId } = req.params as { roomId: string };
      const b = req.body as {
        role?: 'viewer' | 'publisher';
        identity?: string;
        name?: string;
        metadata?: string;
        ttlSeconds?: number;
      };
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
