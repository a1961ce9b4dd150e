import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { randomBytes } from 'node:crypto';
import {
  Attributes,
  ChatEventSend,
  ChatEventSent,
  ChatMessageDelete,
  ChatProvider,
  ChatRoomCreate,
  ChatRoomCreated,
  ChatRoomDelete,
  ChatRoomSettings,
  ChatRoomUpdate,
  ChatRoomUpdated,
  ChatRoomView,
  ChatUserDisconnect,
  MessageId,
  UserId,
} from '@onair/contracts';
import { conflict, forbidden, notFound, replyData } from '@onair/runtime';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { type ChatRoutesDeps, ChatToken, createChatToken } from '../../actions/chat';
import { canManage, type Principal } from '../../auth';
import { roomView, type StoredChatRoom } from '../../read-models/chat-rooms';
import { principalOf } from '../../http/plugins';
import { errorResponses, SIGNED_IN, useProblemSchema, WITH_BODY } from '../../http/responses';
import { actorOf, command } from '../../commands';

const RoomId = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' });
const idParams = Type.Object({ roomId: RoomId });

async function roomFor(
  deps: ChatRoutesDeps,
  roomId: string,
  who: Principal,
  manage: boolean,
): Promise<StoredChatRoom> {
  const r = await deps.rooms.get(roomId);
  if (!r) throw notFound(`Chat room ${roomId} not found`);
  if (manage && !canManage(who, r.ownerId)) throw forbidden(`Chat room ${roomId} belongs to another user`);
  return r;
}

/** /v1/chat/rooms: chat rooms (IVS Chat or native), chat tokens and IVS Chat moderation. */
/** A page of the caller's chat rooms when `limit` is left out. */
const ROOMS_PAGE = 20;

export function chatRoutes(app: FastifyInstance, deps: ChatRoutesDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  useProblemSchema(app);
  const tags = ['chat'];
  const opts = () => ({ timeoutMs: deps.timeoutMs });

  api.post(
    '/v1/chat/rooms',
    {
      schema: {
        tags,
        summary: 'Create a chat room',
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 128 }),
          provider: Type.Optional(ChatProvider),
          settings: Type.Optional(Type.Partial(ChatRoomSettings)),
        }),
        response: {
          201: ChatRoomView,
          ...errorResponses({
            ...SIGNED_IN,
            ...WITH_BODY,
            403: 'Only streamer, moderator and admin roles create chat rooms (and only they may set a review webhook)',
          }),
        },
      },
    },
    async (req, reply) => {
      const who = principalOf(req);
      const b = req.body;
      const roomId = `chat_${randomBytes(8).toString('hex')}`;
      const res = await deps.bus.request(
        command(req, ChatRoomCreate, roomId, {
          roomId,
          actor: actorOf(who),
          provider: b.provider ?? deps.defaultProvider,
          name: b.name,
          settings: b.settings ?? {},
        }),
        opts(),
      );
      return reply
        .status(201)
        .header('location', `/v1/chat/rooms/${roomId}`)
        .send(replyData(ChatRoomCreated, res));
    },
  );

  api.get(
    '/v1/chat/rooms',
    {
      schema: {
        tags,
        summary: "The caller's chat rooms, newest first",
        querystring: Type.Object({
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: ROOMS_PAGE })),
          cursor: Type.Optional(Type.String({ maxLength: 2048 })),
        }),
        response: {
          200: Type.Object({ items: Type.Array(ChatRoomView), nextCursor: Type.Optional(Type.String()) }),
          ...errorResponses(SIGNED_IN),
        },
      },
    },
    async (req) => {
      const q = req.query;
      const page = await deps.rooms.listByOwner(principalOf(req).userId, {
        ...q,
        limit: q.limit ?? ROOMS_PAGE,
      });
      return { items: page.items.map(roomView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
    },
  );

  api.get(
    '/v1/chat/rooms/:roomId',
    {
      schema: {
        tags,
        summary: 'Get a chat room',
        params: idParams,
        response: { 200: ChatRoomView, ...errorResponses({ ...SIGNED_IN, 404: 'No such chat room' }) },
      },
    },
    async (req) => roomView(await roomFor(deps, req.params.roomId, principalOf(req), false)),
  );

  api.patch(
    '/v1/chat/rooms/:roomId',
    {
      schema: {
        tags,
        summary: 'Change a chat room name or settings',
        params: idParams,
        body: Type.Object({
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
          settings: Type.Optional(Type.Partial(ChatRoomSettings)),
        }),
        response: {
          200: ChatRoomView,
          ...errorResponses({
            ...SIGNED_IN,
            ...WITH_BODY,
            403: 'The chat room belongs to another user',
            404: 'No such chat room',
          }),
        },
      },
    },
    async (req) => {
      const who = principalOf(req);
      const { roomId } = req.params;
      await roomFor(deps, roomId, who, true);
      const b = req.body;
      const res = await deps.bus.request(
        command(req, ChatRoomUpdate, roomId, {
          roomId,
          actor: actorOf(who),
          ...(b.name ? { name: b.name } : {}),
          settings: b.settings ?? {},
        }),
        opts(),
      );
      return replyData(ChatRoomUpdated, res);
    },
  );

  api.delete(
    '/v1/chat/rooms/:roomId',
    {
      schema: {
        tags,
        summary: 'Delete a chat room',
        params: idParams,
        response: {
          204: Type.Null({ description: 'Deleted' }),
          ...errorResponses({
            ...SIGNED_IN,
            403: 'The chat room belongs to another user',
            404: 'No such chat room',
            409: "The room is a stream's chat room: delete the stream instead",
          }),
        },
      },
    },
    async (req, reply) => {
      const who = principalOf(req);
      const { roomId } = req.params;
      const room = await roomFor(deps, roomId, who, true);
      // A stream's room goes with its stream; deleting it alone would leave the stream pointing at nothing.
      if (room.streamId)
        throw conflict(`Chat room ${roomId} belongs to stream ${room.streamId}; delete the stream instead`);
      await deps.bus.request(command(req, ChatRoomDelete, roomId, { roomId, actor: actorOf(who) }), opts());
      return reply.status(204).send(null);
    },
  );

  api.post(
    '/v1/chat/rooms/:roomId/tokens',
    {
      schema: {
        tags,
        summary: 'Mint a chat token (capabilities follow your role; IVS Chat rooms)',
        params: idParams,
        body: Type.Object({
          displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
          sessionDurationInMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 180 })),
          attributes: Type.Optional(Attributes),
        }),
        response: {
          201: ChatToken,
          ...errorResponses({
            ...SIGNED_IN,
            ...WITH_BODY,
            403: 'You are banned or timed out in this room',
            404: 'No such chat room',
          }),
        },
      },
    },
    async (req, reply) => {
      const { roomId } = req.params;
      await roomFor(deps, roomId, principalOf(req), false);
      return reply.status(201).send(await createChatToken(deps, req, roomId, req.body ?? {}));
    },
  );

  const Reason = Type.Optional(Type.String({ minLength: 1, maxLength: 256 }));
  const DeleteParams = Type.Object({ roomId: RoomId, messageId: MessageId });
  const DeleteQuery = Type.Object({ reason: Reason });
  api.delete(
    '/v1/chat/rooms/:roomId/messages/:messageId',
    {
      schema: {
        tags,
        summary: 'Delete a message (moderators; IVS Chat rooms)',
        params: DeleteParams,
        querystring: DeleteQuery,
        response: {
          204: Type.Null({ description: 'Deleted' }),
          ...errorResponses({
            ...SIGNED_IN,
            403: 'Moderators, the room owner and admins only',
            404: 'No such chat room or message',
          }),
        },
      },
    },
    async (req, reply) => {
      const { roomId, messageId } = req.params;
      const { reason } = req.query;
      await roomFor(deps, roomId, principalOf(req), false);
      await deps.bus.request(
        command(req, ChatMessageDelete, roomId, {
          roomId,
          messageId,
          actor: actorOf(principalOf(req)),
          ...(reason ? { reason } : {}),
        }),
        opts(),
      );
      return reply.status(204).send(null);
    },
  );

  api.post(
    '/v1/chat/rooms/:roomId/disconnections',
    {
      schema: {
        tags,
        summary: "Disconnect a user's connections from a room (moderators; IVS Chat rooms)",
        params: idParams,
        body: Type.Object({ userId: UserId, reason: Reason }),
        response: {
          204: Type.Null({ description: 'Disconnected' }),
          ...errorResponses({
            ...SIGNED_IN,
            ...WITH_BODY,
            403: 'Moderators, the room owner and admins only',
            404: 'No such chat room',
          }),
        },
      },
    },
    async (req, reply) => {
      const { roomId } = req.params;
      const b = req.body;
      await roomFor(deps, roomId, principalOf(req), false);
      await deps.bus.request(
        command(req, ChatUserDisconnect, roomId, {
          roomId,
          userId: b.userId,
          actor: actorOf(principalOf(req)),
          ...(b.reason ? { reason: b.reason } : {}),
        }),
        opts(),
      );
      return reply.status(204).send(null);
    },
  );

  api.post(
    '/v1/chat/rooms/:roomId/events',
    {
      schema: {
        tags,
        summary: 'Send a custom event to everyone in a room (moderators; IVS Chat rooms)',
        params: idParams,
        body: Type.Object(
          { eventName: Type.String({ minLength: 1, maxLength: 100 }), attributes: Type.Optional(Attributes) },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ eventId: Type.String() }),
          ...errorResponses({
            ...SIGNED_IN,
            ...WITH_BODY,
            403: 'Moderators, the room owner and admins only',
            404: 'No such chat room',
          }),
        },
      },
    },
    async (req, reply) => {
      const { roomId } = req.params;
      const b = req.body;
      await roomFor(deps, roomId, principalOf(req), false);
      const res = await deps.bus.request(
        command(req, ChatEventSend, roomId, {
          roomId,
          eventName: b.eventName,
          ...(b.attributes ? { attributes: b.attributes } : {}),
          actor: actorOf(principalOf(req)),
        }),
        opts(),
      );
      return reply.status(201).send({ eventId: replyData(ChatEventSent, res).eventId });
    },
  );
}
