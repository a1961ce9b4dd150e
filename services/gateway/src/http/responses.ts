import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

/**
 * Response declarations shared by the routes: the RFC 9457 problem every onair error is
 * (libs/runtime's sendProblem), and the error responses a route can answer, so /openapi.json
 * lists them. Declarations only: what a route answers is its handler's and the hooks' to decide.
 *
 * Fastify serializes a response with the schema declared for its status and content type, so
 * these schemas must accept every body the error paths send: the Problem keeps any extra
 * member (`instance`, `requestId`, `errors`, seed 002's `message`, `streamId`).
 */
const PROBLEM_ID = 'Problem';
export const Problem = Type.Object(
  {
    type: Type.String({ description: '`about:blank`' }),
    title: Type.String({ description: "The status code's name" }),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    code: Type.String({
      description: 'Stable, machine-readable: VALIDATION_FAILED, NOT_FOUND, RATE_LIMITED, …',
    }),
    detail: Type.String({ description: 'What went wrong, for a person (5xx: never the internals)' }),
    instance: Type.Optional(Type.String({ description: 'The request path (secrets in the query redacted)' })),
    requestId: Type.Optional(Type.String({ description: 'The x-request-id of the request, for the logs' })),
    errors: Type.Optional(
      Type.Array(Type.Unknown(), { description: 'Each schema violation of a 400 VALIDATION_FAILED' }),
    ),
  },
  {
    $id: PROBLEM_ID,
    title: 'Problem',
    description: 'An error, as application/problem+json (RFC 9457)',
    additionalProperties: true,
  },
);
export type ProblemBody = Static<typeof Problem>;

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** Status codes a route may declare, with what each means on this API. */
const MEANING = {
  400: 'Invalid request: a path, query or body field fails its schema (the detail names it), or a body was sent to a route that takes none',
  401: 'No bearer token, or one that is invalid or expired',
  403: "The caller's roles, or their relation to the resource, do not allow this",
  404: 'The resource does not exist',
  409: "The request conflicts with the resource's state",
  413: 'The body is larger than the gateway accepts',
  415: 'The body is not JSON',
  416: 'Range Not Satisfiable: the Range is outside the file (Content-Range: bytes */size says its length)',
  429: 'Too many requests (per address, per user, creates or tokens minted): retry after Retry-After seconds',
  501: 'A part the gateway is not configured for, or that is not built yet (the detail names it)',
  502: 'A provider failed',
  504: 'The owning service did not answer in time',
  '5xx':
    'A failure on our side: 500, 501 (a part not configured or not built yet), 502 (a provider failed), 503 (unavailable: retry after Retry-After), 504 (the owning service did not answer in time)',
} as const;
export type ErrorStatus = keyof typeof MEANING;

const RETRY_AFTER = { 'Retry-After': { type: 'integer', description: 'Seconds to wait before retrying' } };
const CONTENT_RANGE_UNSATISFIED = {
  'Content-Range': { type: 'string', description: '`bytes */<size>`: the length of the file' },
};

/** What to say for each status: `true` for the meaning above, or the route's own words. */
export type ErrorSpec = Partial<Record<ErrorStatus, true | string>>;

/** A route that takes a token: a bad request, a bad token, the rate limits. */
export const SIGNED_IN: ErrorSpec = { 400: true, 401: true, 429: true };
/** A public route: no token to refuse, but the schemas and the per-address limit still apply. */
export const PUBLIC: ErrorSpec = { 400: true, 429: true };
/** Routes that take a JSON body also refuse bodies too large or not JSON. */
export const WITH_BODY: ErrorSpec = { 413: true, 415: true };

/**
 * The error responses of a route, each with `body` as its schema in `mediaType` (the problem
 * by default; seed 001 and 004 routes answer in their seed's own JSON shape), and a `5xx`.
 */
export function errorResponses(
  spec: ErrorSpec,
  body: { mediaType: string; schema: TSchema } = { mediaType: PROBLEM_MEDIA_TYPE, schema: ProblemRef() },
): Record<string, object> {
  const out: Record<string, object> = {};
  for (const status of [...Object.keys(MEANING)] as ErrorStatus[]) {
    const said = status === '5xx' ? (spec[status] ?? true) : spec[status];
    if (!said) continue;
    out[status] = {
      description: said === true ? MEANING[status] : said,
      ...(String(status) === '429' ? { headers: RETRY_AFTER } : {}),
      content: { [body.mediaType]: { schema: body.schema } },
    };
  }
  return out;
}

/**
 * Makes the Problem a shared schema of `app` (once: child scopes see their parent's), so the
 * references below resolve; every route module calls it before declaring its routes, whatever
 * instance it is handed (the gateway's, or a test's bare Fastify).
 */
export function useProblemSchema(app: FastifyInstance): void {
  if (!app.getSchema(PROBLEM_ID)) app.addSchema(Problem);
}

/** A reference to the shared Problem (useProblemSchema adds it). */
export function ProblemRef() {
  return Type.Unsafe<ProblemBody>(Type.Ref(PROBLEM_ID));
}

/** 416 of a media route: always a problem, whatever the route's other errors look like. */
export const RANGE_NOT_SATISFIABLE = {
  description: MEANING[416],
  headers: CONTENT_RANGE_UNSATISFIED,
  content: { [PROBLEM_MEDIA_TYPE]: { schema: ProblemRef() } },
};
