import { deriveId, LiveKitWebhookReceived, envelopeOf } from '@onair/contracts';
import { AppError, unauthorized } from '@onair/runtime';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { type LiveKitApiDeps, need } from '../../livekit/deps';
import { RecentIds } from '../../livekit/webhooks';
import { errorResponses, PUBLIC, useProblemSchema, WITH_BODY } from '../../http/responses';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;

/**
 * POST /v1/webhooks/livekit: public (LiveKit has no bearer token) but verified. The signature
 * covers the exact bytes, so this scope keeps the body as a string: LiveKit sends
 * `application/webhook+json`, which a JSON parser would leave empty or re-serialize (livekit#1635).
 * Each webhook becomes one onair.livekit.webhook-received.v1 whose id derives from the webhook id,
 * so copies (LiveKit retries, duplicates, several gateways) are skipped downstream too.
 */
export async function webhookRoutes(app: FastifyInstance, d: LiveKitApiDeps): Promise<void> {
  useProblemSchema(app);
  await app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser(
      ['application/webhook+json', 'application/json'],
      { parseAs: 'string', bodyLimit: 1024 * 1024 },
      (_req, body, done) => done(null, body),
    );
    const recent = new RecentIds();
    scope.post(
      '/v1/webhooks/livekit',
      {
        config: { public: true },
        schema: {
          tags: ['webhooks'],
          summary: 'LiveKit webhook receiver (signed; raw body verified)',
          security: [],
          response: {
            200: Type.Object({
              received: Type.Literal(true),
              duplicate: Type.Optional(
                Type.Literal(true, { description: 'A copy of a webhook already taken' }),
              ),
            }),
            ...errorResponses({
              ...PUBLIC,
              ...WITH_BODY,
              400: 'A signed body that is not a JSON object, or has no id or event',
              401: 'invalid signature (why is only in our logs)',
              501: 'LIVEKIT_API_KEY and LIVEKIT_API_SECRET are not configured',
            }),
          },
        },
      },
      async (req, reply) => {
        const verifier = need(d.webhooks, 'LIVEKIT_API_KEY and LIVEKIT_API_SECRET');
        const raw = typeof req.body === 'string' ? req.body : '';
        try {
          await verifier.verify(raw, req.headers.authorization);
        } catch (e) {
          // Why it failed (no header, bad JWT, wrong secret, body hash) is for our logs: telling
          // the sender which check it passed would help whoever forges one.
          req.log.warn({ reason: (e as Error).message }, 'LiveKit webhook refused: signature not verified');
          throw unauthorized('invalid signature');
        }
        // Signed by someone holding the secret, but maybe not a webhook: the sender's mistake.
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          throw new AppError('BAD_REQUEST', 400, 'The webhook body is not JSON');
        }
        const body = obj(parsed);
        if (!body) throw new AppError('BAD_REQUEST', 400, 'The webhook body is not a JSON object');
        const id = typeof body.id === 'string' ? body.id : '';
        const event = typeof body.event === 'string' ? body.event : '';
        if (!id || !event) throw new AppError('BAD_REQUEST', 400, 'The webhook has no id or event');
        if (recent.has(id)) return reply.send({ received: true, duplicate: true });
        const data: Static<typeof LiveKitWebhookReceived.schema> = { webhookId: id, event };
        if (typeof body.createdAt === 'string' || typeof body.createdAt === 'number')
          data.createdAt = String(body.createdAt);
        for (const k of ['room', 'participant', 'egressInfo', 'track'] as const) {
          const v = obj(body[k]);
          if (v) data[k] = v;
        }
        await d.bus.publish(
          envelopeOf(LiveKitWebhookReceived, {
            id: deriveId('livekit-webhook', id),
            source: 'gateway',
            correlationid: req.id,
            data,
          }),
        );
        recent.add(id); // only once published: a failed publish answers 5xx and LiveKit retries
        return reply.send({ received: true });
      },
    );
  });
}
