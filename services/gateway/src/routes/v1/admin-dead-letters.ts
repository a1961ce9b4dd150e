import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  DEAD_LETTER_ID_PATTERN,
  type DeadLetters,
  DEFAULT_LIST_LIMIT,
  MAX_LIST_LIMIT,
  notFound,
  notImplemented,
} from '@onair/runtime';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { errorResponses, SIGNED_IN, useProblemSchema, WITH_BODY } from '../../http/responses';

/**
 * The bus's dead letters for operators (admins only, ROUTE_POLICY): what failed, why, how often
 * and when, and a replay after the fix, on whichever transport the gateway's bus uses. The same
 * operations as `npm run dlq` (libs/runtime/src/bus/dead-letters).
 */

const tags = ['admin'];
const ADMINS = 'Admins only';

const DeadLetterId = Type.String({
  pattern: DEAD_LETTER_ID_PATTERN,
  maxLength: 401,
  description: '`<dead-letter queue>~<message key>`, as the list gives it',
});
const QueueName = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: '^[A-Za-z0-9_.:-]+$',
  description: 'A source queue as the list names it (`queue`); the namespace prefix may be left out',
});
const IsoOrNull = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

const DeadLetterView = Type.Object(
  {
    id: Type.String(),
    queue: Type.String({ description: 'The queue it came from; a replay delivers it there' }),
    deadLetterQueue: Type.String(),
    type: Type.Union([Type.String(), Type.Null()], { description: 'The message type; null when not JSON' }),
    reason: Type.String({
      description:
        '`failed` (every attempt failed), `invalid` (against its contract), `delivery-limit` (moved by the broker)',
    }),
    error: Type.String({ description: 'The last error' }),
    attempts: Type.Union([Type.Integer(), Type.Null()]),
    firstFailedAt: IsoOrNull,
    lastFailedAt: IsoOrNull,
    message: Type.Unknown({ description: 'The CloudEvent, or the raw text when it is not JSON' }),
  },
  { title: 'DeadLetter' },
);
const QueueSummary = Type.Object({
  queue: Type.String(),
  deadLetterQueue: Type.String(),
  count: Type.Integer({ description: 'Dead letters in it now (SQS: approximate)' }),
});
const ListQuery = Type.Object(
  {
    queue: Type.Optional(QueueName),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIST_LIMIT, default: DEFAULT_LIST_LIMIT })),
  },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: DeadLetterId }, { additionalProperties: false });
const ReplayAllBody = Type.Object(
  { queue: Type.Optional(QueueName) },
  { additionalProperties: false, description: 'Every queue when `queue` is left out' },
);
const PurgeQuery = Type.Object({ queue: QueueName }, { additionalProperties: false });

const NOT_FOUND_ID = 'No such dead letter (replayed or purged already?)';
const NOT_FOUND_QUEUE = 'No dead-letter queue for that queue in this namespace';

export interface AdminDeadLetterDeps {
  /** The bus's dead letters; routes answer 501 when the gateway has none configured. */
  deadLetters?: DeadLetters;
}

export function adminDeadLetterRoutes(app: FastifyInstance, deps: AdminDeadLetterDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  useProblemSchema(app);
  const dl = (): DeadLetters => {
    if (!deps.deadLetters) throw notImplemented('Dead letters are not configured on this gateway');
    return deps.deadLetters;
  };

  api.get(
    '/v1/admin/dead-letters',
    {
      schema: {
        tags,
        summary: 'Every dead-letter queue with its count, and its dead letters (reading consumes none)',
        querystring: ListQuery,
        response: {
          200: Type.Object({
            queues: Type.Array(QueueSummary),
            items: Type.Array(DeadLetterView),
            truncated: Type.Boolean({ description: 'More dead letters exist than `limit` allowed' }),
          }),
          ...errorResponses({ ...SIGNED_IN, 403: ADMINS, 404: NOT_FOUND_QUEUE }),
        },
      },
    },
    async (req) => dl().list({ queue: req.query.queue, limit: req.query.limit }),
  );

  api.get(
    '/v1/admin/dead-letters/:id',
    {
      schema: {
        tags,
        summary: 'One dead letter, with its message',
        params: IdParams,
        response: {
          200: DeadLetterView,
          ...errorResponses({ ...SIGNED_IN, 403: ADMINS, 404: NOT_FOUND_ID }),
        },
      },
    },
    async (req) => {
      const d = await dl().show(req.params.id);
      if (!d) throw notFound(`No dead letter '${req.params.id}'`);
      return d;
    },
  );

  api.post(
    '/v1/admin/dead-letters/:id/replay',
    {
      schema: {
        tags,
        summary: 'Deliver a dead letter to its queue again (attempts start over), then remove it',
        params: IdParams,
        response: {
          200: Type.Object({ replayed: DeadLetterView }),
          ...errorResponses({
            ...SIGNED_IN,
            403: ADMINS,
            404: NOT_FOUND_ID,
            409: 'Its source queue no longer exists, or another dead-letter operation is running',
          }),
        },
      },
    },
    async (req) => {
      const d = await dl().replay(req.params.id);
      if (!d) throw notFound(`No dead letter '${req.params.id}'`);
      return { replayed: d };
    },
  );

  api.post(
    '/v1/admin/dead-letters/replay',
    {
      schema: {
        tags,
        summary: 'Replay every dead letter of one queue, or of every queue',
        body: ReplayAllBody,
        response: {
          200: Type.Object({
            replayed: Type.Integer(),
            skipped: Type.Array(
              Type.Object({ id: Type.String(), queue: Type.String(), reason: Type.String() }),
              {
                description: 'Dead letters left in place, with why',
              },
            ),
          }),
          ...errorResponses({
            ...SIGNED_IN,
            ...WITH_BODY,
            403: ADMINS,
            404: NOT_FOUND_QUEUE,
            409: 'Another dead-letter operation is running',
          }),
        },
      },
    },
    async (req) => dl().replayAll(req.body?.queue),
  );

  api.delete(
    '/v1/admin/dead-letters',
    {
      schema: {
        tags,
        summary: 'Delete every dead letter of one queue',
        querystring: PurgeQuery,
        response: {
          200: Type.Object({ queue: Type.String(), purged: Type.Integer() }),
          ...errorResponses({
            ...SIGNED_IN,
            403: ADMINS,
            404: NOT_FOUND_QUEUE,
            409: 'Purged less than a minute ago (SQS), or another dead-letter operation is running',
          }),
        },
      },
    },
    async (req) => dl().purge(req.query.queue),
  );
}
