// Development-only routes, for the console and for trying onair without curl. They exist only
// when DEV_ROUTES=true AND JWT_SECRET is the local development secret (`npm start` sets both):
// a gateway with a real secret or an identity provider never has them, whatever DEV_ROUTES says.
//   POST /v1/dev/tokens                      a bearer token for any user and roles (public)
//   POST /v1/dev/streams/{id}/broadcast      start / end / fail a simulated broadcast (owner)
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Id, Role, UserId } from '@onair/contracts';
import { AppError, conflict, forbidden, notFound, notImplemented } from '@onair/runtime';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { DEV_JWT_SECRET, mintDevToken } from '@onair/runtime';
import { canManage } from '../../auth';
import type { StreamsReadModel } from '../../read-models/streams';
import { principalOf } from '../../http/plugins';
import { errorResponses, PUBLIC, SIGNED_IN, useProblemSchema, WITH_BODY } from '../../http/responses';

export interface DevRouteDeps {
  jwtSecret: string;
  /** The IVS stand-in's control plane (AWS_ENDPOINT_URL_IVS): simulated broadcasts go there. */
  ivsEndpoint?: string;
  /** The IVS Chat stand-in's messaging WebSocket, for IVS Chat rooms (from AWS_ENDPOINT_URL_IVSCHAT). */
  ivsChatUrl?: string;
  streams?: StreamsReadModel;
}

/** Whether the development routes are on: asked for, and only with the local development secret. */
export function devRoutesEnabled(c: { DEV_ROUTES: boolean; JWT_SECRET?: string }): boolean {
  return c.DEV_ROUTES && c.JWT_SECRET === DEV_JWT_SECRET;
}

const TokenBody = Type.Object({
  userId: UserId,
  roles: Type.Array(Role, { minItems: 1, maxItems: 4, uniqueItems: true }),
  ttlMinutes: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 720, default: 720, description: 'Lifetime (12 h at most)' }),
  ),
});
const TokenAnswer = Type.Object({
  token: Type.String({ description: 'HS256 bearer token signed with the local JWT_SECRET' }),
  expiresAt: Type.String({ format: 'date-time' }),
  userId: Type.String(),
  roles: Type.Array(Role),
  ivsChatUrl: Type.Optional(
    Type.String({
      description: "The IVS Chat stand-in's messaging WebSocket (regionOrUrl of IVS Chat rooms)",
    }),
  ),
});
const BroadcastParams = Type.Object({ streamId: Id });
const BroadcastBody = Type.Object({
  action: Type.Union([Type.Literal('start'), Type.Literal('end'), Type.Literal('fail')]),
  reason: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'fail: why' })),
});
const DEV_ONLY = 'Development only: DEV_ROUTES=true with the local JWT_SECRET (npm start).';

export function devRoutes(app: FastifyInstance, d: DevRouteDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  useProblemSchema(app);
  api.post(
    '/v1/dev/tokens',
    {
      schema: {
        tags: ['development'],
        summary: 'A bearer token for any user and roles (development only)',
        description: `${DEV_ONLY} The console signs in with it.`,
        security: [],
        body: TokenBody,
        response: { 201: TokenAnswer, ...errorResponses({ ...PUBLIC, ...WITH_BODY }) },
      },
    },
    async (req, reply) => {
      const { userId, roles } = req.body;
      const ttlMinutes = req.body.ttlMinutes ?? 720;
      const token = await mintDevToken({ user: userId, roles, ttl: `${ttlMinutes}m`, secret: d.jwtSecret });
      return reply.status(201).send({
        token,
        expiresAt: new Date(Date.now() + ttlMinutes * 60_000).toISOString(),
        userId,
        roles,
        ...(d.ivsChatUrl ? { ivsChatUrl: d.ivsChatUrl } : {}),
      });
    },
  );

  api.post(
    '/v1/dev/streams/:streamId/broadcast',
    {
      schema: {
        tags: ['development'],
        summary: "Simulate an encoder on the stream's IVS channel: start, end or fail (development only)",
        description: `${DEV_ONLY} The IVS stand-in emits the state change through EventBridge, as IVS does; the stream's status follows within a second or two.`,
        params: BroadcastParams,
        body: BroadcastBody,
        response: {
          204: Type.Null({ description: 'The stand-in has emitted the event' }),
          ...errorResponses({
            ...SIGNED_IN,
            ...WITH_BODY,
            403: "The stream's owner or an admin only",
            404: 'No such stream',
            409: 'The stream has no channel yet, or the channel is already live (start) or not live (end)',
            501: 'No IVS stand-in configured (AWS_ENDPOINT_URL_IVS)',
            502: 'The IVS stand-in failed',
          }),
        },
      },
    },
    async (req, reply) => {
      const { streamId } = req.params;
      const stream = await d.streams?.get(streamId);
      if (!stream) throw notFound(`Stream ${streamId} does not exist`);
      if (!canManage(principalOf(req), stream.ownerId))
        throw forbidden(`Stream ${streamId} belongs to another user`);
      if (!stream.channelArn) throw conflict(`Stream ${streamId} has no IVS channel yet (${stream.status})`);
      if (!d.ivsEndpoint)
        throw notImplemented('Simulated broadcasts need the IVS stand-in: set AWS_ENDPOINT_URL_IVS');
      const { action, reason } = req.body;
      const res = await fetch(`${d.ivsEndpoint.replace(/\/+$/, '')}/_dev/broadcasts/${action}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ channelArn: stream.channelArn, ...(reason ? { reason } : {}) }),
        signal: AbortSignal.timeout(5000),
      }).catch((e: unknown) => {
        throw new AppError('PROVIDER_FAILED', 502, 'The IVS stand-in did not answer', { cause: e });
      });
      if (res.ok) return reply.status(204).send(null);
      const said = await res.json().then(
        (b: unknown) => (typeof b === 'object' && b !== null && 'message' in b ? String(b.message) : ''),
        () => '',
      );
      if (res.status === 409) throw conflict(said || `The broadcast cannot ${action} now`);
      if (res.status === 404) throw notFound(said || `The channel of stream ${streamId} is gone`);
      throw new AppError('PROVIDER_FAILED', 502, `The IVS stand-in answered ${res.status}`);
    },
  );
}
