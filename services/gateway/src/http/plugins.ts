import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { unauthorized } from '@onair/runtime';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { bearer, type Principal, type TokenVerifier } from '../auth';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** A route anyone may call (health, docs). Every other route needs a bearer token. */
    public?: boolean;
  }
}

/** The authenticated caller of a route that is not public (set by the auth hook). */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw unauthorized();
  return req.principal;
}

export async function registerPlugins(
  app: FastifyInstance,
  o: { verifier: TokenVerifier; corsOrigins: string; version: string },
): Promise<void> {
  const origins = o.corsOrigins.trim();
  await app.register(cors, {
    origin: origins === '*' ? true : origins === '' ? false : origins.split(',').map((s) => s.trim()),
    exposedHeaders: ['Location', 'x-request-id', 'Content-Range', 'Accept-Ranges', 'ETag'],
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'onair API',
        version: o.version,
        description: 'Streams on IVS, LiveKit rooms, chat and recordings behind one API.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => app.swagger());

  // Security on by default: every route needs a valid bearer token unless it says `public`.
  const open = new Set(['/healthz', '/readyz', '/metrics']);
  app.addHook('onRequest', async (req) => {
    const url = req.routeOptions.url;
    if (req.routeOptions.config?.public || (url && open.has(url)) || url?.startsWith('/docs') || !url) return;
    const token = bearer(req.headers.authorization);
    if (!token) throw unauthorized('Send a bearer token in the Authorization header');
    req.principal = await o.verifier(token);
  });
}
