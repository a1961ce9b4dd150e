import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  ChannelType,
  ChatProvider,
  LatencyMode,
  StreamStatus,
  StreamUpdate,
  StreamView,
  Title,
} from '@onair/contracts';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  createStream,
  deleteStream,
  provisioningFailed,
  type StreamRoutesDeps,
  stopStream,
  streamFor,
} from '../../actions/streams';
import { canManage, type Principal } from '../../auth';
import { actorOf, command } from '../../commands';
import type { StoredStream } from '../../read-models/streams';
import { principalOf } from '../../http/plugins';
import { errorResponses, SIGNED_IN, useProblemSchema, WITH_BODY } from '../../http/responses';

const StreamId = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' });

/** The stream as the API shows it: the view, plus the ingest endpoint and key for its owner and admins. */
export const StreamResource = Type.Composite([
  StreamView,
  Type.Object({
    ingestEndpoint: Type.Optional(Type.String({ description: 'Owner and admins only' })),
    streamKey: Type.Optional(Type.String({ description: 'Owner and admins only (a secret)' })),
  }),
]);
type Resource = Static<typeof StreamResource>;

const VIEW_KEYS = Object.keys(StreamView.properties) as Array<keyof Static<typeof StreamView>>;

export function toResource(s: StoredStream, who: Principal): Resource {
  const r: Record<string, unknown> = {};
  for (const k of VIEW_KEYS) if (s[k] !== undefined) r[k] = s[k];
  if (canManage(who, s.ownerId)) {
    if (s.ingestEndpoint) r.ingestEndpoint = s.ingestEndpoint;
    if (s.streamKey) r.streamKey = s.streamKey;
  }
  return r as Resource;
}

const CreateBody = Type.Object({
  title: Title,
  latencyMode: Type.Optional(LatencyMode),
  channelType: Type.Optional(ChannelType),
  chatProvider: Type.Optional(ChatProvider),
  recordingConfigurationArn: Type.Optional(
    Type.String({ pattern: '^arn:aws:ivs:[a-z0-9-]+:[0-9]+:recording-configuration/[a-zA-Z0-9-]+$' }),
  ),
});

/** The longest `Prefer: wait` a create honours, in seconds (the socket idle timeout is longer). */
export const PREFER_WAIT_MAX_S = 60;

/** `Prefer: wait=N` (RFC 7240), capped; undefined when absent. */
function preferWait(header: string | undefined): number | undefined {
  const m = /(?:^|[,;\s])wait=(\d+)/i.exec(header ?? '');
  return m ? Math.min(Number(m[1]), PREFER_WAIT_MAX_S) : undefined;
}

/** /v1/streams: IVS streams, each with its chat room. Writes are commands, reads the read model. */
/** A page of streams when `limit` is left out. */
const STREAMS_PAGE = 20;

export function streamRoutes(app: FastifyInstance, deps: StreamRoutesDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  useProblemSchema(app);
  const tags = ['streams'];
  const idParams = Type.Object({ streamId: StreamId });

  api.post(
    '/v1/streams',
    {
      schema: {
        tags,
        summary: 'Create a stream (IVS channel, stream key, chat room)',
        description: `Answers 202 with Location at once; with \`Prefer: wait=N\` (seconds, up to ${PREFER_WAIT_MAX_S}) it waits for the stream to be ready and answers 201 with it.`,
        headers: Type.Object({ prefer: Type.Optional(Type.String()) }),
        body: CreateBody,
        response: {
          201: StreamResource,
          202: Type.Object({ streamId: Type.String(), status: StreamStatus }),
          ...errorResponses({
            ...SIGNED_IN,
            ...WITH_BODY,
            403: 'Only streamer, moderator and admin roles create streams',
            502: 'PROVISIONING_FAILED: the stream could not be created (the reason is in the detail)',
          }),
        },
      },
    },
    async (req, reply) => {
      const wait = preferWait([req.headers.prefer ?? []].flat().join(','));
      const { streamId, result } = await createStream(deps, req, req.body, wait ? wait * 1000 : undefined);
      reply.header('location', `/v1/streams/${streamId}`);
      if (!result || result.status === 'provisioning')
        return reply.status(202).send({ streamId, status: 'provisioning' });
      if (wait) reply.header('preference-applied', `wait=${wait}`);
      if (result.status === 'failed') return provisioningFailed(reply, req, result);
      return reply.status(201).send(toResource(result, principalOf(req)));
    },
  );

  api.get(
    '/v1/streams/:streamId',
    {
      schema: {
        tags,
        summary: 'Get a stream (ingest endpoint and key only for its owner and admins)',
        params: idParams,
        response: { 200: StreamResource, ...errorResponses({ ...SIGNED_IN, 404: 'No such stream' }) },
      },
    },
    async (req) => {
      const { streamId } = req.params;
      return toResource(await streamFor(deps, streamId, principalOf(req), false), principalOf(req));
    },
  );

  api.get(
    '/v1/streams',
    {
      schema: {
        tags,
        summary: "List a user's streams, newest first",
        querystring: Type.Object({
          owner: Type.Optional(
            Type.String({ minLength: 1, maxLength: 128, description: 'Default: the caller' }),
          ),
          status: Type.Optional(StreamStatus),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: STREAMS_PAGE })),
          cursor: Type.Optional(Type.String({ maxLength: 2048 })),
        }),
        response: {
          200: Type.Object({ items: Type.Array(StreamResource), nextCursor: Type.Optional(Type.String()) }),
          ...errorResponses(SIGNED_IN),
        },
      },
    },
    async (req) => {
      const who = principalOf(req);
      const q = req.query;
      const page = await deps.streams.listByOwner(q.owner ?? who.userId, {
        ...q,
        limit: q.limit ?? STREAMS_PAGE,
      });
      return {
        items: page.items.map((s) => toResource(s, who)),
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      };
    },
  );

  api.patch(
    '/v1/streams/:streamId',
    {
      schema: {
        tags,
        summary: 'Change the title of a stream',
        params: idParams,
        body: Type.Object({ title: Title }),
        response: {
          200: StreamResource,
          ...errorResponses({
            ...SIGNED_IN,
            ...WITH_BODY,
            403: 'The stream belongs to another user',
            404: 'No such stream',
          }),
        },
      },
    },
    async (req) => {
      const who = principalOf(req);
      const { streamId } = req.params;
      await streamFor(deps, streamId, who, true);
      const { title } = req.body;
      await deps.bus.request(command(req, StreamUpdate, streamId, { streamId, actor: actorOf(who), title }), {
        timeoutMs: deps.timeoutMs,
      });
      return toResource(await streamFor(deps, streamId, who, false), who);
    },
  );

  api.post(
    '/v1/streams/:streamId/stop',
    {
      schema: {
        tags,
        summary: 'Stop a live broadcast (409 when the stream is not live)',
        params: idParams,
        response: {
          200: StreamResource,
          ...errorResponses({
            ...SIGNED_IN,
            403: 'The stream belongs to another user',
            404: 'No such stream',
            409: 'The stream is not live',
          }),
        },
      },
    },
    async (req) => {
      const who = principalOf(req);
      const { streamId } = req.params;
      await stopStream(deps, req, streamId);
      return toResource(await streamFor(deps, streamId, who, false), who);
    },
  );

  api.delete(
    '/v1/streams/:streamId',
    {
      schema: {
        tags,
        summary: 'Delete a stream: its channel, chat room and records',
        params: idParams,
        response: {
          204: Type.Null({ description: 'Deleted' }),
          ...errorResponses({
            ...SIGNED_IN,
            403: 'The stream belongs to another user',
            404: 'No such stream',
          }),
        },
      },
    },
    async (req, reply) => {
      const { streamId } = req.params;
      await deleteStream(deps, req, streamId);
      return reply.status(204).send(null);
    },
  );
}
