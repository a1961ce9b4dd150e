import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Title } from '@onair/contracts';
import { AppError } from '@onair/runtime';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  createStream,
  deleteStream,
  provisioningFailed,
  type StreamRoutesDeps,
  stopStream,
  streamFor,
} from '../../actions/streams';
import { principalOf } from '../../http/plugins';
import { errorResponses, SIGNED_IN, useProblemSchema, WITH_BODY } from '../../http/responses';

/**
 * Seed 000's API, unchanged (POST /stream, GET /stream/:streamId,
 * POST /stream/:streamId/stop, DELETE /stream/:streamId), over the same commands and read model
 * as /v1/streams. That seed made IVS Chat rooms (its responses carry `arn:aws:ivschat` ARNs), so
 * its streams always get an `ivs` room. POST /stream is synchronous there: it waits for the saga.
 */
export function seed000Routes(
  app: FastifyInstance,
  deps: StreamRoutesDeps & { createTimeoutMs: number },
): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  useProblemSchema(app);
  const tags = ['seed 000 (IVS streams)'];
  const params = Type.Object({
    streamId: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' }),
  });
  const Message = Type.Object({ message: Type.String() });
  const OTHER = { 403: 'The stream belongs to another user', 404: 'No such stream' } as const;

  api.post(
    '/stream',
    {
      schema: {
        tags,
        summary: 'Create an IVS stream and its chat room (waits until both exist)',
        body: Type.Object({ title: Title }),
        response: {
          200: Type.Object({
            stream: Type.Object({
              title: Type.String(),
              streamId: Type.String(),
              streamKey: Type.String(),
              playbackUrl: Type.String(),
              rtmpUrl: Type.String(),
            }),
            chat: Type.Object({ chatRoomId: Type.String(), chatRoomArn: Type.String() }),
          }),
          ...errorResponses({
            ...SIGNED_IN,
            ...WITH_BODY,
            403: 'Only streamer, moderator and admin roles create streams',
            502: 'PROVISIONING_FAILED: the stream could not be created (the reason is in the detail)',
            504: 'The stream is still being created: GET /stream/{streamId} shortly',
          }),
        },
      },
    },
    async (req, reply) => {
      const { title } = req.body;
      const { streamId, result } = await createStream(
        deps,
        req,
        { title, chatProvider: 'ivs' },
        deps.createTimeoutMs,
      );
      if (!result || result.status === 'provisioning')
        throw new AppError(
          'TIMEOUT',
          504,
          `Stream ${streamId} is still being created; GET /stream/${streamId} shortly`,
        );
      if (result.status === 'failed') return provisioningFailed(reply, req, result);
      return {
        stream: {
          title: result.title,
          streamId: result.streamId,
          streamKey: result.streamKey ?? '',
          playbackUrl: result.playbackUrl ?? '',
          rtmpUrl: `rtmps://${result.ingestEndpoint}:443/app/`,
        },
        chat: { chatRoomId: result.chatRoomId ?? '', chatRoomArn: result.chatRoomArn ?? '' },
      };
    },
  );

  api.get(
    '/stream/:streamId',
    {
      schema: {
        tags,
        summary: 'Get an IVS stream with its chat room',
        params,
        response: {
          200: Type.Object({
            streamId: Type.String(),
            channelArn: Type.String(),
            chatRoomId: Type.String(),
            chatRoomArn: Type.String(),
          }),
          ...errorResponses({ ...SIGNED_IN, 404: 'No such stream' }),
        },
      },
    },
    async (req) => {
      const s = await streamFor(deps, req.params.streamId, principalOf(req), false);
      return {
        streamId: s.streamId,
        channelArn: s.channelArn ?? '',
        chatRoomId: s.chatRoomId ?? '',
        chatRoomArn: s.chatRoomArn ?? '',
      };
    },
  );

  api.post(
    '/stream/:streamId/stop',
    {
      schema: {
        tags,
        summary: 'Stop a live stream',
        params,
        response: {
          200: Message,
          ...errorResponses({ ...SIGNED_IN, ...OTHER, 409: 'The stream is not live' }),
        },
      },
    },
    async (req) => {
      await stopStream(deps, req, req.params.streamId);
      return { message: 'Stream stopped successfully' };
    },
  );

  api.delete(
    '/stream/:streamId',
    {
      schema: {
        tags,
        summary: 'Delete a stream and its chat room',
        params,
        response: { 200: Message, ...errorResponses({ ...SIGNED_IN, ...OTHER }) },
      },
    },
    async (req) => {
      await deleteStream(deps, req, req.params.streamId);
      return { message: 'Stream and chat room deleted successfully' };
    },
  );
}
