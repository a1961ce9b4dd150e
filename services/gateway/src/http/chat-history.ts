import { ChatMessageSent, Id } from '@onair/contracts';
import { notFound } from '@onair/runtime';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { assertNotBanned, type BanLookup } from '../read-models/chat-bans';
import type { ChatHistoryReadModel } from '../read-models/chat-history';
import type { ChatRoomsReadModel } from '../read-models/chat-rooms';
import { principalOf } from './plugins';
import { errorResponses, SIGNED_IN, useProblemSchema } from './responses';

/**
 * GET /v1/chat/rooms/{roomId}/messages?after=SEQ&limit=N: a native room's history, oldest first,
 * paged by sequence number (pass the last `seq` you got as the next `after`). A user banned or
 * timed out in the room gets a 403, as they get no chat token and no socket there.
 */
export function chatHistoryRoutes(
  app: FastifyInstance,
  deps: { history: ChatHistoryReadModel; bans: BanLookup; rooms?: Pick<ChatRoomsReadModel, 'get'> },
): void {
  useProblemSchema(app);
  app.get(
    '/v1/chat/rooms/:roomId/messages',
    {
      schema: {
        tags: ['chat'],
        summary: 'Message history of a native chat room, paged by sequence number',
        params: Type.Object({ roomId: Id }),
        querystring: Type.Object({
          after: Type.Optional(
            Type.Integer({
              minimum: 0,
              default: 0,
              description: 'Return messages with seq greater than this',
            }),
          ),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
        }),
        response: {
          200: Type.Object({
            roomId: Type.String(),
            messages: Type.Array(ChatMessageSent.schema),
            hasMore: Type.Boolean(),
            nextAfter: Type.Integer({ description: 'The `after` of the next page' }),
          }),
          ...errorResponses({
            ...SIGNED_IN,
            403: 'You are banned or timed out in this room',
            404: 'No chat room with this id',
          }),
        },
      },
    },
    async (req) => {
      const { roomId } = req.params as { roomId: string };
      const { after, limit } = req.query as { after: number; limit: number };
      await assertNotBanned(deps.bans, roomId, principalOf(req).userId);
      const { messages, hasMore } = await deps.history.page(roomId, after, limit);
      // An empty page of a room that does not exist is a typo in the id, not an empty room.
      if (!messages.length && deps.rooms && !(await deps.rooms.get(roomId)))
        throw notFound(`Chat room ${roomId} not found`);
      return {
        roomId,
        messages,
        hasMore,
        nextAfter: messages.length ? messages[messages.length - 1].seq : after,
      };
    },
  );
}
