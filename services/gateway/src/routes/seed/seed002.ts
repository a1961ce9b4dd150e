import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { IsoTime } from '@onair/contracts';
import { isAppError, problem, sendProblem } from '@onair/runtime';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bearer, type TokenVerifier } from '../../auth';
import { type ChatRoutesDeps, createChatToken } from '../../actions/chat';
import { errorResponses, SIGNED_IN, useProblemSchema, WITH_BODY } from '../../http/responses';

const NOT_AUTHENTICATED = 'User not authenticated';

/**
 * Seed 002's token route, unchanged: POST /api/chat/token {roomIdentifier} (an IVS Chat room ARN)
 * -> {token, sessionExpirationTime, tokenExpirationTime}, and 401 "User not authenticated"
 * without a login. The route authenticates itself (`ownAuth`) so its 401
 * says exactly that, still as problem+json (`detail`, plus `message` as that seed's clients read).
 * Every signed-in user may send messages, as in that seed; moderators and owners get more.
 */
export function seed002Routes(
  app: FastifyInstance,
  deps: Pick<ChatRoutesDeps, 'bus' | 'timeoutMs'> & { verifier: TokenVerifier },
): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  useProblemSchema(app);
  const refuse = (req: FastifyRequest, reply: FastifyReply, reason?: string) => {
    sendProblem(req, reply, {
      ...problem(401, 'UNAUTHORIZED', NOT_AUTHENTICATED),
      message: NOT_AUTHENTICATED,
      ...(reason ? { reason } : {}),
    });
    return reply;
  };

  api.post(
    '/api/chat/token',
    {
      config: { ownAuth: true },
      onRequest: async (req, reply) => {
        const token = bearer(req.headers.authorization);
        if (!token) return refuse(req, reply);
        try {
          req.principal = await deps.verifier(token);
        } catch (e) {
          return refuse(req, reply, isAppError(e) ? e.message : undefined);
        }
      },
      schema: {
        tags: ['seed 002 (IVS Chat)'],
        summary: 'Mint an IVS Chat token for a room',
        security: [{ bearer: [] }],
        body: Type.Object({
          roomIdentifier: Type.String({ minLength: 1, maxLength: 256, pattern: '^arn:aws:ivschat:' }),
        }),
        response: {
          200: Type.Object({
            token: Type.String(),
            sessionExpirationTime: IsoTime,
            tokenExpirationTime: IsoTime,
          }),
          ...errorResponses({
            ...SIGNED_IN,
            ...WITH_BODY,
            401: "User not authenticated (also in `message`, as that seed's clients read it)",
            403: 'You are banned or timed out in this room',
            404: 'No such chat room',
          }),
        },
      },
    },
    async (req) => {
      const { roomIdentifier } = req.body;
      const t = await createChatToken(deps, req, roomIdentifier, { defaultCapabilities: ['SEND_MESSAGE'] });
      return {
        token: t.token,
        sessionExpirationTime: t.sessionExpirationTime,
        tokenExpirationTime: t.tokenExpirationTime,
      };
    },
  );
}
