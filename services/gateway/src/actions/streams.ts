// What /v1/streams and seed 000 both do with a stream: create, find, stop and delete it.
import { randomBytes } from 'node:crypto';
import { type ChannelType, StreamCreate, StreamDelete, StreamStop } from '@onair/contracts';
import { type Bus, forbidden, isAppError, notFound, problem, sendProblem } from '@onair/runtime';
import type { Static } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { canManage, type Principal } from '../auth';
import { actorOf, command } from '../commands';
import { principalOf } from '../http/plugins';
import type { StoredStream, StreamsReadModel } from '../read-models/streams';

/** What /v1/streams and seed 000 both need: the bus, the streams read model and the defaults. */
export interface StreamRoutesDeps {
  bus: Bus;
  streams: StreamsReadModel;
  /** Provider of a stream's chat room when the request names none. */
  chatDefaultProvider: 'ivs' | 'native';
  timeoutMs: number;
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

/**
 * Send `def` (a command whose data is the stream id and the actor) about a stream the caller may
 * manage, and wait for stream-svc's answer: 404 or 403 first, as streamFor decides.
 */
async function manageStream(
  deps: StreamRoutesDeps,
  req: FastifyRequest,
  def: typeof StreamStop | typeof StreamDelete,
  streamId: string,
): Promise<void> {
  const who = principalOf(req);
  await streamFor(deps, streamId, who, true);
  await deps.bus.request(command(req, def, streamId, { streamId, actor: actorOf(who) }), {
    timeoutMs: deps.timeoutMs,
  });
}

/** Stop the caller's live stream (onair.stream.stop.v1). */
export const stopStream = (deps: StreamRoutesDeps, req: FastifyRequest, streamId: string) =>
  manageStream(deps, req, StreamStop, streamId);

/** Delete the caller's stream, its channel and chat room (onair.stream.delete.v1). */
export const deleteStream = (deps: StreamRoutesDeps, req: FastifyRequest, streamId: string) =>
  manageStream(deps, req, StreamDelete, streamId);
