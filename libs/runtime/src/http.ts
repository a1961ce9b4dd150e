import type {} from '@fastify/swagger';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { Ajv, type ErrorObject, type Options as AjvOptions, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, {
  LogController,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import { badRequest, INTERNAL_DETAIL, isAppError, publicMessage } from './errors';
import { redactUrl } from './logger';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

export type ReadinessChecks = Record<string, () => Promise<boolean>>;

export interface HttpBaseOptions {
  service: string;
  logger: Logger;
  metrics: Metrics;
  /** /readyz answers 200 only when every check passes. */
  readiness: ReadinessChecks;
  bodyLimit?: number;
  fastify?: Partial<FastifyServerOptions>;
}

/**
 * A Fastify instance with what every service has: request ids (taken from `x-request-id` when
 * the caller sends one), JSON logs, problem+json errors that never leak a 5xx's internals,
 * /healthz, /readyz and /metrics, and request latency metrics.
 */
export function createHttpBase(o: HttpBaseOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: o.logger,
    bodyLimit: o.bodyLimit ?? 256 * 1024,
    // A caller's x-request-id is kept only when it is a plain id; anything else gets a fresh one.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : randomUUID();
    },
    // Fastify 5.8+ takes these through a log controller (the top-level options are deprecated and
    // print FSTDEP023/FSTDEP024 at every start). The request id is the correlation id of every
    // command it causes: one name in every log line. One line per request, written in onResponse
    // below (Fastify's own two lines name neither).
    logController: new LogController({ requestIdLogLabel: 'correlationid', disableRequestLogging: true }),
    // Idle time of a socket, waiting for our answer included: above the longest wait a route
    // makes (`Prefer: wait=60` on stream creates), or the socket closes before the answer.
    connectionTimeout: 90_000,
    keepAliveTimeout: 72_000,
    requestTimeout: 60_000,
    // Path ids are validated by their schemas (which say how long they may be), not cut at 100.
    // A router option (top-level it is deprecated: FSTDEP022).
    routerOptions: { maxParamLength: 2048 },
    // Router errors (a bad percent-encoding, an overlong id) answer problem+json like the rest.
    frameworkErrors: (err, req, reply) => sendProblem(req, reply, toProblem(err)),
    clientErrorHandler: answerClientError,
    ...o.fastify,
  });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'body'
      ? optionalBody(schema, BODY_AJV.compile(closeObjects(schema)))
      : finiteOnly(PARAMS_AJV.compile(schema)),
  );
  app.removeContentTypeParser('application/json');
  // No body, or an empty one with a JSON content type (many frontends send it on every request),
  // is no body: routes whose fields are all optional take it as `{}`, the others say what is missing.
  // Fastify's own parser (it refuses __proto__ and constructor.prototype keys) for everything else.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    parseJson(req, text, (err, value) => {
      if (!err) return done(null, value);
      // Fastify says "not valid JSON" for keys it refuses too: say which it is.
      try {
        JSON.parse(text);
      } catch (syntax) {
        return done(
          badRequest(
            `The body is not valid JSON: ${syntax instanceof Error ? syntax.message.toWellFormed() : 'syntax error'}`,
          ),
          undefined,
        );
      }
      done(
        badRequest('The body names __proto__ or constructor.prototype: those keys are not accepted'),
        undefined,
      );
    });
  });
  // A JSON API: text/plain bodies are refused with 415 instead of reaching a schema as a string.
  app.removeContentTypeParser('text/plain');

  // Text is Unicode: a lone surrogate (half of a UTF-16 pair, `"\ud800"` in JSON) is no character
  // any store or client can keep; refuse it here instead of failing somewhere downstream.
  app.addHook('preValidation', async (req) => {
    // A route that declares no body takes none: fields sent anyway are refused, not ignored.
    const body = req.body;
    if (!req.routeOptions.schema?.body && body && typeof body === 'object') {
      const fields = Array.isArray(body) ? [] : Object.keys(body);
      if (Array.isArray(body) || fields.length > 0)
        throw badRequest(
          `Invalid body${fields[0] ? `: unknown field '${fields[0]}'` : ''}; this route takes no body (the actor and ids come from your token and the path)`,
        );
    }
    const where = illFormedAt(req.body, '');
    if (where !== undefined)
      throw badRequest(
        `Invalid body${where ? ` field '${where}'` : ''}: contains a lone surrogate; send well-formed Unicode`,
      );
  });
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    if (req.routeOptions.logLevel !== 'silent') {
      const ms = Math.round(reply.elapsedTime * 10) / 10;
      const url = redactUrl(req.url);
      req.log.info(
        { method: req.method, url, status: reply.statusCode, ms },
        `${req.method} ${url} ${reply.statusCode} ${ms} ms`,
      );
    }
    o.metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    sendProblem(req, reply, loggedProblem(req, err));
  });
  app.setNotFoundHandler((req, reply) => {
    sendProblem(
      req,
      reply,
      problem(404, 'ROUTE_NOT_FOUND', `No route ${req.method} ${redactUrl(req.url).split('?')[0]}`),
    );
  });

  app.get('/healthz', { schema: { hide: true }, logLevel: 'silent' }, async () => ({
    status: 'ok',
    service: o.service,
  }));
  app.get('/readyz', { schema: { hide: true }, logLevel: 'silent' }, async (_req, reply) => {
    const results = Object.fromEntries(
      await Promise.all(
        Object.entries(o.readiness).map(async ([k, check]) => [k, await check().catch(() => false)] as const),
      ),
    );
    const ready = Object.values(results).every(Boolean);
    return reply
      .status(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not ready', service: o.service, checks: results });
  });
  app.get('/metrics', { schema: { hide: true }, logLevel: 'silent' }, async (_req, reply) => {
    reply.type(o.metrics.registry.contentType);
    return o.metrics.registry.metrics();
  });
  return app;
}

/**
 * The path of the first string (value or key) that is not well-formed UTF-16, if any, itself
 * made well-formed (a lone surrogate in a key shows as U+FFFD), so an error can name it.
 */
export function illFormedAt(v: unknown, path = ''): string | undefined {
  const at = illFormedPath(v, path);
  return at?.toWellFormed();
}

function illFormedPath(v: unknown, path: string, depth = 0): string | undefined {
  if (typeof v === 'string') return v.isWellFormed() ? undefined : path;
  if (!v || typeof v !== 'object' || depth > 64) return undefined;
  for (const [k, child] of Object.entries(v)) {
    const at = path ? `${path}.${k}` : k;
    if (!k.isWellFormed()) return at;
    const found = illFormedPath(child, at, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The problem for a failed request, logged the one way every edge logs one: a 5xx with its
 * error (the internals the caller is not shown), anything else as one line of what was answered.
 */
export function loggedProblem(req: FastifyRequest, err: unknown): Problem {
  const p = toProblem(err, { contentType: req.headers['content-type'] });
  if (p.status >= 500) req.log.error({ err }, 'request failed');
  else req.log.info({ code: p.code, status: p.status }, p.detail);
  return p;
}

/** Answer a problem; `instance` is the URL with any token in it redacted. */
export function sendProblem<P extends Problem>(
  req: FastifyRequest,
  reply: FastifyReply,
  /** A problem, with any members of its own (`streamId`, seed 002's `message`). */
  p: P,
): void {
  if (p.status === 429 || p.status === 503)
    reply.header('retry-after', reply.getHeader('retry-after') ?? '1');
  void reply
    .status(p.status)
    .type('application/problem+json')
    .send({ ...p, instance: redactUrl(req.url), requestId: req.id });
}

const AJV_COMMON: AjvOptions = {
  allErrors: false,
  removeAdditional: false,
  useDefaults: true,
  // NaN and Infinity are not numbers a client can mean (`?limit=1e309`).
  strictNumbers: true,
  strict: false,
};
/** Bodies are taken as sent: `{"title":5}` is a 400, not the string "5". */
const BODY_AJV = addFormats(new Ajv({ ...AJV_COMMON, coerceTypes: false }));
/** Path and query parameters arrive as strings and are coerced to their schema's types. */
const PARAMS_AJV = addFormats(new Ajv({ ...AJV_COMMON, coerceTypes: 'array' }));

/**
 * A body schema with no required property describes an optional body: a request without one
 * is validated (and handled) as `{}`.
 */
function optionalBody(schema: unknown, validate: ValidateFunction): ValidateFunction {
  const s = schema as { type?: unknown; required?: unknown[] };
  const optional = s.type === 'object' && !(Array.isArray(s.required) && s.required.length > 0);
  if (!optional) return validate;
  const wrapped = ((data: unknown) => {
    if (data !== undefined && data !== null) {
      const ok = validate(data);
      wrapped.errors = validate.errors;
      return ok;
    }
    wrapped.errors = null;
    return { value: {} };
  }) as unknown as ValidateFunction;
  return wrapped;
}

/**
 * Query and path values coerced to numbers must be finite: `?limit=Infinity` and `1e309` pass
 * Ajv's integer coercion but mean nothing a client could want.
 */
function finiteOnly(validate: ValidateFunction): ValidateFunction {
  const wrapped = ((data: unknown) => {
    if (!validate(data)) {
      wrapped.errors = validate.errors;
      return false;
    }
    if (data && typeof data === 'object') {
      for (const [k, v] of Object.entries(data)) {
        if (typeof v === 'number' && !Number.isFinite(v)) {
          wrapped.errors = [
            {
              instancePath: `/${k}`,
              schemaPath: '#',
              keyword: 'type',
              params: {},
              message: 'must be a finite number',
            },
          ];
          return false;
        }
      }
    }
    wrapped.errors = null;
    return true;
  }) as ValidateFunction;
  return wrapped;
}

/**
 * Request bodies are closed: an object schema that does not say otherwise refuses unknown
 * properties, so a field the route does not declare (`actor`, `ownerId`) is a 400 that names it
 * instead of riding along into a command. Maps (schemas with patternProperties or an
 * additionalProperties schema) and allOf parts are left as declared.
 */
export function closeObjects<S extends object>(schema: S): S {
  return closeNode(schema) as S;
}

function closeNode(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeNode);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'allOf') out[k] = v;
    else if (k === 'properties' && v && typeof v === 'object')
      out[k] = Object.fromEntries(Object.entries(v).map(([name, sub]) => [name, closeNode(sub)]));
    else if (k === 'const' || k === 'enum' || k === 'default' || k === 'examples') out[k] = v;
    else out[k] = closeNode(v);
  }
  if (
    out.type === 'object' &&
    out.properties &&
    out.additionalProperties === undefined &&
    !out.patternProperties
  )
    out.additionalProperties = false;
  return out;
}

/** Errors Node's HTTP parser raises before Fastify sees a request (a header too large, bad syntax). */
function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, detail] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'The request headers are too large; send fewer or shorter headers (and a shorter URL)']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request took too long to arrive']
        : [400, 'The request is not valid HTTP'];
  const code = status === 431 ? 'HEADERS_TOO_LARGE' : status === 408 ? 'REQUEST_TIMEOUT' : 'BAD_HTTP';
  if (socket.writable) socket.write(rawProblemResponse(problem(status, code, detail)));
  socket.destroy();
}

/**
 * A whole HTTP/1.1 response carrying `p` as problem+json, then `Connection: close`: for sockets
 * Fastify does not answer (a request Node could not parse, a refused WebSocket upgrade).
 */
export function rawProblemResponse<P extends { status: number; title: string }>(
  p: P,
  headers: Record<string, string> = {},
): string {
  const body = JSON.stringify(p);
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return `HTTP/1.1 ${p.status} ${p.title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  errors?: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  408: 'Request Timeout',
  414: 'URI Too Long',
  431: 'Request Header Fields Too Large',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The name of a status, as a problem's `title` and a raw response's status line. */
export function statusTitle(status: number): string {
  return TITLES[status] ?? 'Error';
}

/** An RFC 9457 problem: the one shape of every error onair answers over HTTP. */
export function problem(status: number, code: string, detail: string): Problem {
  return { type: 'about:blank', title: statusTitle(status), status, code, detail };
}

/** RFC 9457 problem details; what a caller is shown of a 5xx is publicMessage's to decide. */
export function toProblem(err: unknown, req: { contentType?: string } = {}): Problem {
  if (isAppError(err)) {
    return {
      ...problem(err.status, err.code, publicMessage(err) ?? INTERNAL_DETAIL),
      ...(err.details !== undefined && err.status < 500 ? { errors: err.details } : {}),
    };
  }
  const fe = err as FastifyError;
  if (fe.validation) {
    const where = fe.validationContext ?? 'request';
    return {
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      code: 'VALIDATION_FAILED',
      detail: `Invalid ${where}${describeValidation(fe.validation as ErrorObject[])}`,
      errors: fe.validation.map((v) => ({ path: v.instancePath, message: v.message, params: v.params })),
    };
  }
  // Not an AppError: a 5xx of it is internals whatever its message says (publicMessage).
  const status = typeof fe.statusCode === 'number' && fe.statusCode >= 400 ? fe.statusCode : 500;
  return status >= 500
    ? problem(status, 'INTERNAL', INTERNAL_DETAIL)
    : problem(status, fe.code ?? 'BAD_REQUEST', frameworkDetail(fe, req.contentType));
}

/** Fastify's own 4xx errors, in words that say what to change. */
function frameworkDetail(fe: FastifyError, contentType: string | undefined): string {
  switch (fe.code) {
    case 'FST_ERR_BAD_URL':
      return 'The URL is not valid: a percent sign must start an escape like %20';
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return 'A path segment is too long';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': {
      const type = (contentType ?? '').split(';')[0]?.trim().slice(0, 100);
      return `Unsupported media type${type ? ` '${type}'` : ''}: send the body as application/json`;
    }
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The body is empty but content-type says application/json: send a JSON body, or no content-type';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return `The body is not valid JSON: ${fe.message}`;
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The body is too large';
    default:
      return fe.message;
  }
}

/** ` field 'x': what is wrong`, with the allowed values of an enum and the name of an unknown field. */
function describeValidation(errors: ErrorObject[]): string {
  const first = errors[0];
  if (!first) return '';
  const path = first.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const name = (f: string) => (f ? ` field '${f}'` : '');
  if (first.keyword === 'additionalProperty' || first.keyword === 'additionalProperties') {
    const extra = String((first.params as { additionalProperty?: string }).additionalProperty ?? '');
    const field = path ? `${path}.${extra}` : extra;
    return `: unknown field '${field}'; remove it (the actor, owner and ids come from your token and the path)`;
  }
  if (first.keyword === 'required') {
    const missing = String((first.params as { missingProperty?: string }).missingProperty ?? '');
    return `${name(path ? `${path}.${missing}` : missing)}: is required`;
  }
  // A union of literals fails with one `const` error per branch: list the allowed values.
  const consts = errors.filter((e) => e.instancePath === first.instancePath && e.keyword === 'const');
  if (consts.length > 0) {
    const allowed = consts.map((e) => JSON.stringify((e.params as { allowedValue?: unknown }).allowedValue));
    return `${name(path)}: must be one of ${allowed.join(', ')}`;
  }
  if (first.keyword === 'enum') {
    const allowed = (first.params as { allowedValues?: unknown[] }).allowedValues ?? [];
    return `${name(path)}: must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (first.keyword === 'type' && !path) {
    const type = String((first.params as { type?: string }).type ?? 'object');
    return `: send a JSON ${type}${type === 'object' ? ' with the fields this route takes (see /openapi.json)' : ''}`;
  }
  return `${name(path)}: ${first.message ?? 'invalid'}`;
}
