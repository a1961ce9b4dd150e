import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { closeObjects, notImplemented, unauthorized } from '@onair/runtime';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { asyncApiDocument } from '../asyncapi';
import { bearer, type Principal, type TokenVerifier } from '../auth';
import { allows, policyOf, refuseRole } from '../policy';
import { type RateLimitSettings, registerRateLimits } from './rate-limits';
import { useProblemSchema } from './responses';
import { type MediaUrlSigner, rawPath } from './signed-media';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** Informational: who may call a route is the role policy table's (src/policy.ts) to say. */
    public?: boolean;
    /**
     * The route checks the bearer token itself in its own onRequest hook (seed 002 answers its
     * documented 401 body); the role rule of the policy table still applies after it.
     */
    ownAuth?: boolean;
    /**
     * A media route: a signed URL (`?expires=…&signature=…`, ./signed-media) stands in for the
     * bearer token, so a `<video src>` can play it.
     */
    signedUrl?: boolean;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** The authenticated caller of a route that is not public (set by the auth hook). */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw unauthorized();
  return req.principal;
}

export async function registerPlugins(
  app: FastifyInstance,
  o: {
    verifier: TokenVerifier;
    corsOrigins: string;
    version: string;
    rateLimits?: RateLimitSettings;
    /** Checks signed media URLs; without it a signed URL is answered 501. */
    mediaUrls?: MediaUrlSigner;
  },
): Promise<void> {
  const origins = o.corsOrigins.trim();
  await app.register(cors, {
    origin: origins === '*' ? true : origins === '' ? false : origins.split(',').map((s) => s.trim()),
    // Every method the API uses (the plugin's default is GET, HEAD, POST: browsers could not
    // DELETE or PATCH), and the headers a page needs to read.
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: [
      'Authorization',
      'Content-Type',
      'Range',
      'If-None-Match',
      'If-Range',
      'Prefer',
      'x-request-id',
    ],
    exposedHeaders: [
      'Location',
      'x-request-id',
      'Content-Range',
      'Accept-Ranges',
      'Content-Length',
      'ETag',
      'Last-Modified',
      'Retry-After',
    ],
    maxAge: 600,
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
    // A body whose fields are all optional may be left out (the validator takes none as `{}`):
    // say so, or generated clients force callers to send one. Bodies are closed: say that too.
    transformObject: (doc) =>
      'openapiObject' in doc ? optionalBodies(doc.openapiObject) : doc.swaggerObject,
    // Shared schemas (app.addSchema) are components named by their $id: #/components/schemas/Problem.
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  // The error body every route's responses refer to (components/schemas/Problem in the document).
  useProblemSchema(app);
  app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => app.swagger());
  // The chat sockets and the bus (AsyncAPI 3.0), built from the contracts once.
  const asyncApi = asyncApiDocument({ version: o.version });
  app.get('/asyncapi.json', { schema: { hide: true }, config: { public: true } }, async () => asyncApi);

  // Every route is in the role policy table (src/policy.ts), or the gateway does not start.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const m of methods) {
      // Fastify adds a HEAD route for every GET; it answers what the GET answers.
      const method = m === 'HEAD' && !policyOf('HEAD', route.url) ? 'GET' : m;
      if (!policyOf(method, route.url))
        throw new Error(`${m} ${route.url} is not in the role policy table (services/gateway/src/policy.ts)`);
    }
  });

  // Before the auth hook: the per-IP limit counts requests whose token is bad too. main.ts always
  // passes the configured limits (on by default); a gateway built without them (tests) has none.
  if (o.rateLimits) await registerRateLimits(app, o.rateLimits);

  // Security on by default: every route needs a valid bearer token unless the policy says public,
  // and the caller's roles must pass the route's rule before its handler runs.
  app.addHook('onRequest', async (req) => {
    const url = req.routeOptions.url;
    if (!url || url.startsWith('/docs')) return;
    const policy = policyOf(req.method, url) ?? policyOf(req.method === 'HEAD' ? 'GET' : req.method, url);
    if (policy?.who === 'public') return;
    if (req.routeOptions.config?.ownAuth) return;
    const query = isRecord(req.query) ? req.query : {};
    if (req.routeOptions.config?.signedUrl && ('signature' in query || 'expires' in query)) {
      if (!o.mediaUrls)
        throw notImplemented('Signed media URLs are off: set MEDIA_URL_SECRET (or JWT_SECRET)');
      // The URL proves itself (path + expiry): no principal, and none is needed to read media.
      o.mediaUrls.verify(rawPath(req.url), query.expires, query.signature);
      return;
    }
    const token = bearer(req.headers.authorization);
    if (!token) throw unauthorized('Send a bearer token in the Authorization header');
    req.principal = await o.verifier(token);
    if (!policy || !allows(policy.who, req.principal)) throw refuseRole(policy?.who ?? 'admin');
  });
  // After a route's own authentication (ownAuth), the role rule still holds.
  app.addHook('preValidation', async (req) => {
    const url = req.routeOptions.url;
    if (!url || !req.routeOptions.config?.ownAuth) return;
    const policy = policyOf(req.method, url);
    if (!req.principal) throw unauthorized('Send a bearer token in the Authorization header');
    if (!policy || !allows(policy.who, req.principal)) throw refuseRole(policy?.who ?? 'admin');
  });
}

/** Marks request bodies without required fields as optional (`requestBody.required: false`). */
function optionalBodies<T extends { paths?: Record<string, unknown> }>(doc: T): T {
  for (const item of Object.values(doc.paths ?? {})) {
    if (!item || typeof item !== 'object') continue;
    for (const op of Object.values(item)) {
      const body = (
        op as { requestBody?: { required?: boolean; content?: Record<string, { schema?: unknown }> } }
      )?.requestBody;
      const json = body?.content?.['application/json'];
      // Bodies are closed (the validator refuses unknown fields, see closeObjects): say so.
      if (json?.schema && typeof json.schema === 'object') json.schema = closeObjects(json.schema);
      const schema = json?.schema as { type?: unknown; required?: unknown } | undefined;
      if (
        body &&
        schema?.type === 'object' &&
        !(Array.isArray(schema.required) && schema.required.length > 0)
      )
        body.required = false;
    }
  }
  return doc;
}
