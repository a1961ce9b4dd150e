import type {} from '@fastify/swagger';
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { isAppError } from './errors';
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
    requestIdHeader: 'x-request-id',
    // The request id is the correlation id of every command it causes: one name in every log line.
    requestIdLogLabel: 'correlationid',
    genReqId: () => randomUUID(),
    disableRequestLogging: false,
    connectionTimeout: 30_000,
    keepAliveTimeout: 72_000,
    requestTimeout: 60_000,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
    ...o.fastify,
  });

  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    o.metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const p = toProblem(err);
    if (p.status >= 500) req.log.error({ err }, 'request failed');
    else req.log.info({ code: p.code, status: p.status }, p.detail);
    void reply
      .status(p.status)
      .type('application/problem+json')
      .send({ ...p, instance: req.url, requestId: req.id });
  });
  app.setNotFoundHandler((req, reply) => {
    void reply
      .status(404)
      .type('application/problem+json')
      .send({
        type: 'about:blank',
        title: 'Not Found',
        status: 404,
        code: 'ROUTE_NOT_FOUND',
        detail: `No route ${req.method} ${req.url.split('?')[0]}`,
        instance: req.url,
        requestId: req.id,
      });
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
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** RFC 9457 problem details. 5xx messages are replaced: internals stay in the logs. */
export function toProblem(err: unknown): Problem {
  if (isAppError(err)) {
    return {
      type: 'about:blank',
      title: TITLES[err.status] ?? 'Error',
      status: err.status,
      code: err.code,
      detail:
        err.status >= 500 && err.status !== 501 && err.status !== 503 && err.status !== 504
          ? 'Something went wrong on our side'
          : err.message,
      ...(err.details !== undefined && err.status < 500 ? { errors: err.details } : {}),
    };
  }
  const fe = err as FastifyError;
  if (fe.validation) {
    const first = fe.validation[0];
    const where = fe.validationContext ?? 'request';
    const field = first?.instancePath
      ? first.instancePath.replace(/^\//, '').replace(/\//g, '.')
      : (first?.params as { missingProperty?: string })?.missingProperty;
    return {
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      code: 'VALIDATION_FAILED',
      detail: `Invalid ${where}${field ? ` field '${field}'` : ''}: ${first?.message ?? 'invalid'}`,
      errors: fe.validation.map((v) => ({ path: v.instancePath, message: v.message, params: v.params })),
    };
  }
  const status = typeof fe.statusCode === 'number' && fe.statusCode >= 400 ? fe.statusCode : 500;
  return {
    type: 'about:blank',
    title: TITLES[status] ?? 'Error',
    status,
    code: status >= 500 ? 'INTERNAL' : (fe.code ?? 'BAD_REQUEST'),
    detail: status >= 500 ? 'Something went wrong on our side' : fe.message,
  };
}
