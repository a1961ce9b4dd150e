import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { randomBytes } from 'node:crypto';
import {
  ChannelType,
  ChatProvider,
  LatencyMode,
  StreamCreate,
  StreamDelete,
  StreamStatus,
  StreamStop,
  StreamUpdate,
  StreamView,
  Title,
} from '@onair/contracts';
import { type Bus, forbidden, isAppError, notFound, problem, sendProblem } from '@onair/runtime';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { canManage, type Principal } from '../../auth';
import { actorOf, command } from '../../commands';
import type { StoredStream, StreamsReadModel } from '../../read-models/streams';
import { principalOf } from '../../http/plugins';
import { errorResponses, SIGNED_IN, useProblemSchema, WITH_BODY } from '../../http/responses';

export interface StreamRoutesDeps {
  bus: Bus;
  streams: StreamsReadModel;
  /** Provider of a stream's chat room when the request names none. */
  chatDefaultProvider: 'ivs' | 'native';
  timeoutMs: number;
}

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

/** Stream ids: `strm_` + 16 hex digits (IVS channel names allow them; channels are named after them). */
export const newStreamId = () => `strm_${randomBytes(8).toString('hex')}`;

/** The stream if it exists (404 otherwise) and, with `manage`, if the caller may change it (403). */
export async function streamFor(
  deps: Pick<StreamRoutesDeps, 'streams'>,
  streamId: string,
  who: Principal,
  manage: boolean,
): Promise<StoredStream> {
  const s = await deps.streams.get(streamId);
  if (!s) throw notFound(`Stream ${streamId} not found`);
  if (manage && !canManage(who, s.ownerId)) throw forbidden(`Stream ${streamId} belongs to another user`);
  return s;
}

export interface CreateInput {
  title: string;
  latencyMode?: 'LOW' | 'NORMAL';
  channelType?: Static<typeof ChannelType>;
  chatProvider?: 'ivs' | 'native';
  recordingConfigurationArn?: string;
}

/**
 * Send onair.stream.create.v1. With `waitMs` the caller waits for the saga's answer (a stream
 * `ready` or `failed`); on timeout, or without `waitMs`, the answer is undefined: the stream is
 * provisioning and its Location will tell.
 */
export async function createStream(
  deps: StreamRoutesDeps,
  req: FastifyRequest,
  input: CreateInput,
  waitMs?: number,
): Promise<{ streamId: string; result?: StoredStream }> {
  const who = principalOf(req);
  const streamId = newStreamId();
  const cmd = command(req, StreamCreate, streamId, {
    streamId,
    actor: actorOf(who),
    title: input.title,
    latencyMode: input.latencyMode ?? 'LOW',
    channelType: input.channelType ?? 'STANDARD',
    chatProvider: input.chatProvider ?? deps.chatDefaultProvider,
    ...(input.recordingConfigurationArn
      ? { recordingConfigurationArn: input.recordingConfigurationArn }
      : {}),
  });
  if (!waitMs) {
    // Answered in bounded time during a broker outage (503), not after the 30 s publish wait.
    await deps.bus.send(cmd, { timeoutMs: deps.timeoutMs });
    // stream-svc writes the record before any provider call: wait for it (briefly) so the
    // Location answered with 202 resolves at once instead of 404 for a moment.
    const deadline = Date.now() + Math.min(2000, deps.timeoutMs);
    while (Date.now() < deadline && !(await deps.streams.get(streamId)))
      await new Promise((r) => setTimeout(r, 25));
    return { streamId };
  }
  try {
    await deps.bus.request(cmd, { timeoutMs: waitMs });
  } catch (e) {
    if (isAppError(e) && e.code === 'TIMEOUT') return { streamId };
    throw e;
  }
  // The reply carries no secrets; the stored stream has the key for its owner.
  return { streamId, result: await deps.streams.get(streamId) };
}

/** RFC 9457 problem for a failed provisioning: the reason is the caller's business, so it is shown. */
export function provisioningFailed(reply: FastifyReply, req: FastifyRequest, s: StoredStream) {
  const detail = `Stream ${s.streamId} could not be created: ${s.failureReason ?? 'unknown reason'}`;
  sendProblem(req, reply, {
    ...problem(502, 'PROVISIONING_FAILED', detail),
    streamId: s.streamId,
  });
  return reply;
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

export async function stopStream(
  deps: StreamRoutesDeps,
  req: FastifyRequest,
  streamId: string,
): Promise<void> {
  const who = principalOf(req);
  await streamFor(deps, streamId, who, true);
  await deps.bus.request(command(req, StreamStop, streamId, { streamId, actor: actorOf(who) }), {
    timeoutMs: deps.timeoutMs,
  });
}

export async function deleteStream(
  deps: StreamRoutesDeps,
  req: FastifyRequest,
  streamId: string,
): Promise<void> {
  const who = principalOf(req);
  await streamFor(deps, streamId, who, true);
  await deps.bus.request(command(req, StreamDelete, streamId, { streamId, actor: actorOf(who) }), {
    timeoutMs: deps.timeoutMs,
  });
}
