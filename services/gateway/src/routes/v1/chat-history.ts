import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ChatMessageSent, Id } from '@onair/contracts';
import { notFound } from '@onair/runtime';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { assertNotBanned, type BanLookup } from '../../read-models/chat-bans';
import type { ChatHistoryReadModel } from '../../read-models/chat-history';
import type { ChatRoomsReadModel } from '../../read-models/chat-rooms';
import { principalOf } from '../../http/plugins';
import { errorResponses, SIGNED_IN, useProblemSchema } from '../../http/responses';

/**
 * GET /v1/chat/rooms/{roomId}/messages?after=SEQ&limit=N: a native room's history, oldest first,
 * paged by sequence number (pass the last `seq` you got as the next `after`). A user banned or
 * timed out in the room gets a 403, as they get no chat token and no socket there.
 */
/** A page of history when `limit` is left out. */
const HISTORY_PAGE = 50;

export function chatHistoryRoutes(
  app: FastifyInstance,
  deps: { history: ChatHistoryReadModel; bans: BanLookup; rooms?: Pick<ChatRoomsReadModel, 'get'> },
): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  useProblemSchema(app);
  api.get(
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
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: HISTORY_PAGE })),
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
      const { roomId } = req.params;
      const after = req.query.after ?? 0;
      await assertNotBanned(deps.bans, roomId, principalOf(req).userId);
      const { messages, hasMore } = await deps.history.page(roomId, after, req.query.limit ?? HISTORY_PAGE);
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
