// /openapi.json says what the API does: a structural OpenAPI 3.1 check (no package with the
// official OpenAPI 3.1 JSON Schema is installed, so the parts clients and the security tests rely
// on are checked here), optional parameters that are optional, a success and an error response
// on every operation, the shared Problem, and the media routes' partial content.
import { Ajv2020 } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { isObject, type Json, refsOf, resolve, startDocsGateway } from './docs.harness';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** The OpenAPI 3.1 structure this document uses (a subset of the official schema's rules). */
const OPENAPI_31 = {
  type: 'object',
  required: ['openapi', 'info', 'paths'],
  properties: {
    openapi: { type: 'string', pattern: '^3\\.1\\.\\d+$' },
    info: {
      type: 'object',
      required: ['title', 'version'],
      properties: { title: { type: 'string' }, version: { type: 'string' } },
    },
    security: { type: 'array', items: { type: 'object' } },
    components: {
      type: 'object',
      properties: {
        schemas: { type: 'object', additionalProperties: { type: ['object', 'boolean'] } },
        securitySchemes: {
          type: 'object',
          additionalProperties: { type: 'object', required: ['type'] },
        },
      },
    },
    paths: {
      type: 'object',
      propertyNames: { pattern: '^/' },
      additionalProperties: {
        type: 'object',
        propertyNames: { enum: [...METHODS, 'parameters', 'summary', 'description', 'servers', '$ref'] },
        additionalProperties: { $ref: '#/$defs/operation' },
      },
    },
  },
  $defs: {
    operation: {
      type: 'object',
      required: ['responses'],
      properties: {
        summary: { type: 'string' },
        tags: { type: 'array', items: { type: 'string' } },
        parameters: { type: 'array', items: { $ref: '#/$defs/parameter' } },
        requestBody: {
          type: 'object',
          required: ['content'],
          properties: { content: { $ref: '#/$defs/content' }, required: { type: 'boolean' } },
        },
        responses: {
          type: 'object',
          minProperties: 1,
          propertyNames: { pattern: '^([1-5](\\d\\d|XX)|default)$' },
          additionalProperties: {
            type: 'object',
            required: ['description'],
            properties: {
              description: { type: 'string' },
              headers: {
                type: 'object',
                additionalProperties: { type: 'object', required: ['schema'] },
              },
              content: { $ref: '#/$defs/content' },
            },
          },
        },
        security: { type: 'array', items: { type: 'object' } },
      },
    },
    parameter: {
      type: 'object',
      required: ['name', 'in', 'schema'],
      properties: {
        name: { type: 'string' },
        in: { enum: ['path', 'query', 'header', 'cookie'] },
        required: { type: 'boolean' },
        schema: { type: ['object', 'boolean'] },
      },
      // Path parameters are required (OpenAPI 3.1, 4.8.12.1).
      anyOf: [
        { properties: { in: { not: { const: 'path' } } } },
        { required: ['required'], properties: { required: { const: true } } },
      ],
    },
    content: {
      type: 'object',
      propertyNames: { pattern: '^[a-z]+/[a-z0-9.+*-]+$' },
      additionalProperties: { type: 'object', properties: { schema: { type: ['object', 'boolean'] } } },
    },
  },
};

interface Op {
  key: string;
  path: string;
  method: string;
  op: Json;
  responses: Record<string, Json>;
}

function operations(doc: Json): Op[] {
  const out: Op[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.includes(method) || !isObject(op)) continue;
      out.push({
        key: `${method.toUpperCase()} ${path}`,
        path,
        method,
        op,
        responses: op.responses as Record<string, Json>,
      });
    }
  }
  return out;
}

/** Seed 001 and 004 routes answer errors in their seed's own JSON shape (docs, openapi-fixtures). */
function seedErrorField(path: string): string | undefined {
  if (path === '/token' || path === '/recordings' || path.startsWith('/recordings/')) return 'errorMessage';
  if (path.startsWith('/api/') && path !== '/api/chat/token') return 'statusCode';
  return undefined;
}

const isError = (status: string) => /^[45]/.test(status);

describe('/openapi.json', () => {
  let app: FastifyInstance;
  let stop: () => Promise<void>;
  let doc: Json;
  let ops: Op[];

  beforeAll(async () => {
    ({ app, stop } = await startDocsGateway());
    const res = await app.inject({ url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    doc = res.json();
    ops = operations(doc);
  }, 60_000);
  afterAll(async () => {
    await stop?.();
  });

  it('is an OpenAPI 3.1 document whose every $ref resolves', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const validate = ajv.compile(OPENAPI_31);
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
    expect(ops.length).toBeGreaterThan(40);
    const dangling = refsOf(doc).filter((r) => resolve(doc, r.ref) === undefined);
    expect(dangling).toEqual([]);
    // Every schema in the document compiles as JSON Schema 2020-12 (OpenAPI 3.1's dialect).
    const schemas = new Ajv2020({ strict: false });
    addFormats(schemas);
    schemas.addSchema({ ...doc, $id: 'doc' });
    for (const name of Object.keys((doc.components as Json).schemas as Json))
      expect(() => schemas.getSchema(`doc#/components/schemas/${name}`)).not.toThrow();
  });

  it('has one operation per method and path template, each with a summary', () => {
    const templates = ops.map((o) => `${o.method} ${o.path.replace(/\{[^}]+\}/g, '{}')}`);
    expect(templates.length).toBe(new Set(templates).size);
    expect(
      ops.filter((o) => typeof o.op.summary !== 'string' || o.op.summary === '').map((o) => o.key),
    ).toEqual([]);
  });

  it('marks no parameter that has a default as required', () => {
    const withDefault: string[] = [];
    const wrong: string[] = [];
    for (const o of ops) {
      for (const p of (o.op.parameters ?? []) as Json[]) {
        const schema = p.schema as Json;
        if (schema.default === undefined) continue;
        withDefault.push(`${o.key} ${p.name}`);
        if (p.required) wrong.push(`${o.key} ${p.name}`);
      }
    }
    expect(wrong).toEqual([]);
    // The lists' limits and the history's `after` are among them (the check checks something).
    expect(withDefault).toEqual(
      expect.arrayContaining([
        'GET /v1/streams limit',
        'GET /v1/chat/rooms limit',
        'GET /v1/rooms limit',
        'GET /v1/recordings limit',
        'GET /v1/chat/rooms/{roomId}/messages after',
        'GET /v1/chat/rooms/{roomId}/messages limit',
      ]),
    );
  });

  it('marks a request body optional exactly when it has no required field (tokens take none)', () => {
    const optional: string[] = [];
    const wrong: string[] = [];
    for (const o of ops) {
      const body = o.op.requestBody as Json | undefined;
      if (!body) continue;
      const schema = ((body.content as Json)['application/json'] as Json | undefined)?.schema as
        | Json
        | undefined;
      const needsOne = Array.isArray(schema?.required) && (schema.required as unknown[]).length > 0;
      if (!needsOne) optional.push(o.key);
      if (Boolean(body.required) !== needsOne) wrong.push(`${o.key} required=${String(body.required)}`);
    }
    expect(wrong).toEqual([]);
    expect(optional).toEqual(
      expect.arrayContaining(['POST /v1/chat/rooms/{roomId}/tokens', 'POST /v1/rooms/{roomId}/tokens']),
    );
  });

  it('declares every request body closed, nested objects too (the server refuses unknown fields)', () => {
    const open: string[] = [];
    const walk = (schema: unknown, at: string) => {
      if (!schema || typeof schema !== 'object') return;
      const sch = schema as Json;
      if (
        sch.type === 'object' &&
        sch.properties &&
        sch.additionalProperties === undefined &&
        !sch.patternProperties
      )
        open.push(at);
      for (const [name, sub] of Object.entries((sch.properties as Json | undefined) ?? {}))
        walk(sub, `${at}.${name}`);
      for (const k of ['items', 'anyOf', 'oneOf'] as const) {
        const v = sch[k];
        if (Array.isArray(v)) for (const [i, x] of v.entries()) walk(x, `${at}.${k}[${i}]`);
        else walk(v, `${at}.${k}`);
      }
    };
    let bodies = 0;
    for (const o of ops) {
      const body = o.op.requestBody as Json | undefined;
      const schema = ((body?.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema;
      if (!schema) continue;
      bodies++;
      walk(schema, o.key);
    }
    expect(bodies).toBeGreaterThan(15);
    expect(open).toEqual([]);
  });

  it('constrains every path parameter (a pattern, an enum or an integer): an id is never free text', () => {
    const free: string[] = [];
    for (const o of ops) {
      for (const p of (o.op.parameters ?? []) as Json[]) {
        if (p.in !== 'path') continue;
        const schema = p.schema as Json;
        if (schema.pattern === undefined && schema.enum === undefined && schema.type !== 'integer')
          free.push(`${o.key} ${String(p.name)}`);
      }
    }
    expect(free).toEqual([]);
  });

  it('gives every operation a 2xx and error responses: problem+json, or the seed shape on seed 001 / 004 routes', () => {
    const holes: string[] = [];
    for (const o of ops) {
      const statuses = Object.keys(o.responses);
      if (!statuses.some((s) => /^2/.test(s))) holes.push(`${o.key}: no 2xx`);
      if (!statuses.some((s) => /^4/.test(s))) holes.push(`${o.key}: no 4xx`);
      if (!statuses.includes('5XX')) holes.push(`${o.key}: no 5XX`);
      const seed = seedErrorField(o.path);
      for (const s of statuses.filter(isError)) {
        const content = (o.responses[s].content ?? {}) as Record<string, Json>;
        if (!seed || s === '416') {
          const schema = content['application/problem+json']?.schema as Json | undefined;
          if (schema?.$ref !== '#/components/schemas/Problem') holes.push(`${o.key} ${s}: not the Problem`);
        } else {
          const schema = content['application/json']?.schema as Json | undefined;
          const required = (schema?.required ?? []) as string[];
          if (!required.includes(seed)) holes.push(`${o.key} ${s}: not the seed's error (${seed})`);
        }
      }
      if (o.op.security === undefined || (o.op.security as unknown[]).length > 0) {
        // Every route that takes a token says what a missing one gets.
        if (!statuses.includes('401')) holes.push(`${o.key}: takes a token but declares no 401`);
      }
    }
    expect(holes).toEqual([]);
    const problem = resolve(doc, '#/components/schemas/Problem') as Json;
    expect(problem.required).toEqual(['type', 'title', 'status', 'code', 'detail']);
  });

  it('declares 200, 206, 304 and 416 on the media routes, with their content type and headers', () => {
    const media = ops.filter(
      (o) =>
        ['get', 'head'].includes(o.method) &&
        (o.path === '/v1/recordings/{recordingId}/media' || o.path === '/recordings/{recordingName}'),
    );
    expect(media.map((o) => o.method).sort()).toEqual(['get', 'get', 'head', 'head']);
    for (const o of media) {
      const r = o.responses;
      expect(Object.keys(r)).toEqual(expect.arrayContaining(['200', '206', '304', '404', '416']));
      expect(Object.keys(r['200'].content as Json)).toEqual(['video/mp4']);
      expect(Object.keys(r['206'].content as Json)).toEqual(['video/mp4']);
      expect(Object.keys(r['206'].headers as Json)).toEqual(
        expect.arrayContaining(['Accept-Ranges', 'Content-Range', 'ETag', 'Content-Length']),
      );
      expect(Object.keys(r['200'].headers as Json)).toEqual(
        expect.arrayContaining(['Accept-Ranges', 'ETag']),
      );
      expect(r['304'].content).toBeUndefined();
      expect(Object.keys(r['416'].headers as Json)).toEqual(['Content-Range']);
      const headers = ((o.op.parameters ?? []) as Json[]).filter((p) => p.in === 'header').map((p) => p.name);
      expect(headers).toEqual(expect.arrayContaining(['range', 'if-none-match', 'if-range']));
    }
  });

  it('renders the ping target as a string enum', () => {
    const [param] = (doc.paths as Record<string, Record<string, Json>>)['/v1/system/ping/{service}'].get
      .parameters as Json[];
    expect(param.schema).toEqual({
      type: 'string',
      enum: ['stream-svc', 'chat-svc', 'recording-svc', 'fanout-svc'],
    });
  });

  it('answers problems that match the declared Problem, extra members kept', async () => {
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(resolve(doc, '#/components/schemas/Problem') as Json);
    const res = await app.inject({ url: '/v1/system/ping/stream-svc' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = res.json();
    expect(validate(body) ? [] : validate.errors).toEqual([]);
    // The serializer (the declared schema) keeps what the schema does not list.
    expect(body).toMatchObject({ status: 401, instance: '/v1/system/ping/stream-svc' });
    expect(typeof body.requestId).toBe('string');
  });
});
