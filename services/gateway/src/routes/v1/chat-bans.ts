import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ChatUserBan, IsoTime, UserId } from '@onair/contracts';
import type { Bus } from '@onair/runtime';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../../http/plugins';
import { errorResponses, SIGNED_IN, useProblemSchema, WITH_BODY } from '../../http/responses';
import { actorOf, command } from '../../commands';

const RoomId = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.:/-]+$' });
const MODERATORS = "Moderators, the room's owner and admins only";

/**
 * Bans and timeouts in native chat rooms (moderators, admins, the room owner). A ban is stored:
 * it holds across reconnects, refuses new chat tokens, and closes the user's open sockets.
 */
export function chatBanRoutes(app: FastifyInstance, deps: { bus: Bus; timeoutMs: number }): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  useProblemSchema(app);
  api.post(
    '/v1/chat/rooms/:roomId/bans',
    {
      schema: {
        tags: ['chat'],
        summary: 'Ban a user from a native room, or time them out with `until`',
        params: Type.Object({ roomId: RoomId }),
        body: Type.Object(
          {
            userId: UserId,
            until: Type.Optional(IsoTime),
            reason: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
          },
          { additionalProperties: false },
        ),
        response: {
          204: Type.Null({ description: 'Banned (or timed out)' }),
          ...errorResponses({ ...SIGNED_IN, ...WITH_BODY, 403: MODERATORS, 404: 'No such chat room' }),
        },
      },
    },
    async (req, reply) => {
      const { roomId } = req.params;
      const b = req.body;
      await deps.bus.request(
        // Every field by name: the actor comes from the token and the room from the path, never the body.
        command(req, ChatUserBan, roomId, {
          roomId,
          userId: b.userId,
          ...(b.until ? { until: b.until } : {}),
          ...(b.reason ? { reason: b.reason } : {}),
          actor: actorOf(principalOf(req)),
        }),
        { timeoutMs: deps.timeoutMs },
      );
      return reply.status(204).send(null);
    },
  );

  api.delete(
    '/v1/chat/rooms/:roomId/bans/:userId',
    {
      schema: {
        tags: ['chat'],
        summary: 'Lift a ban or timeout',
        params: Type.Object({ roomId: RoomId, userId: UserId }),
        response: {
          204: Type.Null({ description: 'Lifted' }),
          ...errorResponses({ ...SIGNED_IN, 403: MODERATORS, 404: 'No such chat room' }),
        },
      },
    },
    async (req, reply) => {
      const { roomId, userId } = req.params;
      await deps.bus.request(
        command(req, ChatUserBan, roomId, {
          roomId,
          userId,
          lift: true,
          actor: actorOf(principalOf(req)),
        }),
        { timeoutMs: deps.timeoutMs },
      );
      return reply.status(204).send(null);
    },
  );
}
