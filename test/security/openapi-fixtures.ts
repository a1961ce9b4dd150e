// Shared by the security suites (auth matrix, REST fuzzing): a raw HTTP client, hand-made JWTs
// (good and bad), the operations of /openapi.json matched with the role policy table, minimal
// valid instances of JSON Schemas, and the resources (fixtures) path ids point at.
import { createHmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import fc from 'fast-check';
import { waitFor } from '../../libs/runtime/test/wait-for';
import { ROUTE_POLICY, type RoutePolicy } from '../../services/gateway/src/policy';
import type { StackProcess } from '../support/stack-process';

// ---------------------------------------------------------------------------------------------
// HTTP

export interface RawRequest {
  method: string;
  /** Sent as is (already percent-encoded where it must be). */
  path: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed body when it is JSON. */
  json?: unknown;
}

/** A tiny client on node:http: raw paths (no URL normalisation), raw bytes, repeated headers. */
export class Http {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(
    baseUrl: string,
    o: { maxSockets?: number; timeoutMs?: number } = {},
    private readonly timeoutMs = o.timeoutMs ?? 30_000,
  ) {
    const u = new URL(baseUrl);
    this.host = u.hostname;
    this.port = Number(u.port);
    this.agent = new Agent({ keepAlive: true, maxSockets: o.maxSockets ?? 8 });
  }

  send(r: RawRequest): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | string[]> = { ...(r.headers ?? {}) };
      if (r.body !== undefined) headers['content-length'] = String(Buffer.byteLength(r.body));
      const req = request(
        { host: this.host, port: this.port, method: r.method, path: r.path, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown;
            const ct = String(res.headers['content-type'] ?? '');
            if (/json/i.test(ct) && text !== '') {
              try {
                json = JSON.parse(text);
              } catch {
                json = undefined;
              }
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
          });
        },
      );
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      if (r.body !== undefined) req.write(r.body);
      req.end();
    });
  }

  /** JSON in, JSON out, with a bearer token. */
  async json(method: string, path: string, token: string | undefined, body?: unknown, headers = {}) {
    return this.send({
      method,
      path,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export const contentType = (r: RawResponse): string => String(r.headers['content-type'] ?? '');
export const isProblem = (r: RawResponse): boolean => /^application\/problem\+json\b/i.test(contentType(r));
export const isJson = (r: RawResponse): boolean => /^application\/json\b/i.test(contentType(r));

/** The readable text of an error answer: problem `detail`, or a seed's `message` / `errorMessage`. */
export function errorText(r: RawResponse): string {
  const j = r.json;
  if (j && typeof j === 'object' && !Array.isArray(j)) {
    const o = j as Record<string, unknown>;
    const parts = [o.detail, o.message, o.errorMessage].flat().filter((v) => typeof v === 'string');
    if (parts.length) return parts.join(' | ');
  }
  return r.text.slice(0, 200);
}

/** `404 application/problem+json "…detail…"` for tables. */
export function summarize(r: RawResponse): string {
  const ct = contentType(r).split(';')[0] || 'no content-type';
  const t = r.status >= 400 ? ` "${errorText(r).slice(0, 90)}"` : '';
  return `${r.status} ${ct}${t}`;
}

// ---------------------------------------------------------------------------------------------
// Tokens: signed here byte by byte so that broken ones (alg none, sub as a number, no exp) can be made.

const b64url = (v: string | Buffer) => Buffer.from(v).toString('base64url');

export function signHs256(header: object, payload: object, secret: string): string {
  const head = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

export const now = () => Math.floor(Date.now() / 1000);

export function goodToken(secret: string, user: string, roles: string[]): string {
  return signHs256(
    { alg: 'HS256', typ: 'JWT' },
    { sub: user, roles, name: user, iat: now(), exp: now() + 3600 },
    secret,
  );
}

export interface CredentialCase {
  name: string;
  /** The Authorization header, or undefined for none. */
  authorization: (secret: string) => string | undefined;
}

/**
 * Credentials every non-public route must refuse with 401. The claims are an admin's, so a
 * credential that is wrongly accepted shows as a 2xx rather than hiding behind a 403.
 */
export const BAD_CREDENTIALS: CredentialCase[] = (() => {
  const claims = (extra: object) => ({ sub: 'alice', roles: ['admin', 'streamer'], name: 'alice', ...extra });
  const hs = { alg: 'HS256', typ: 'JWT' };
  return [
    { name: 'no Authorization header', authorization: () => undefined },
    { name: 'malformed: Bearer x', authorization: () => 'Bearer x' },
    { name: 'malformed: Basic', authorization: () => `Basic ${b64url('alice:password')}` },
    { name: 'malformed: empty header', authorization: () => '' },
    {
      name: 'alg none',
      authorization: () =>
        `Bearer ${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(
          JSON.stringify(claims({ iat: now(), exp: now() + 3600 })),
        )}.`,
    },
    {
      name: 'wrong secret',
      authorization: () =>
        `Bearer ${signHs256(hs, claims({ iat: now(), exp: now() + 3600 }), 'not-the-secret')}`,
    },
    {
      name: 'expired',
      authorization: (s) => `Bearer ${signHs256(hs, claims({ iat: now() - 7200, exp: now() - 3600 }), s)}`,
    },
    { name: 'no exp', authorization: (s) => `Bearer ${signHs256(hs, claims({ iat: now() }), s)}` },
    {
      name: 'sub is a number',
      authorization: (s) =>
        `Bearer ${signHs256(hs, claims({ sub: 12345, iat: now(), exp: now() + 3600 }), s)}`,
    },
    {
      name: 'lifetime over 24 h',
      authorization: (s) => `Bearer ${signHs256(hs, claims({ iat: now(), exp: now() + 25 * 3600 }), s)}`,
    },
  ];
})();

// ---------------------------------------------------------------------------------------------
// /openapi.json

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

export interface Operation {
  method: string;
  /** OpenAPI form: /v1/streams/{streamId} */
  path: string;
  /** Fastify form, as ROUTE_POLICY keys it: /v1/streams/:streamId */
  route: string;
  /** `GET /v1/streams/:streamId` */
  key: string;
  parameters: Parameter[];
  /** The application/json request body schema, when the operation declares one. */
  body?: JsonSchema;
  bodyRequired: boolean;
  policy?: RoutePolicy;
}

interface OpenApiDoc {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: OpenApiBody }>>;
}
interface OpenApiBody {
  required?: boolean;
  content?: Record<string, { schema?: JsonSchema }>;
}

const METHODS = ['get', 'head', 'post', 'put', 'patch', 'delete', 'options'];

export const toRoute = (path: string) => path.replace(/\{([^}]+)\}/g, ':$1');

/** The policy of a route as the gateway's hook finds it (HEAD falls back to GET). */
export function policyFor(method: string, route: string): RoutePolicy | undefined {
  return ROUTE_POLICY[`${method} ${route}`] ?? (method === 'HEAD' ? ROUTE_POLICY[`GET ${route}`] : undefined);
}

export async function loadOperations(http: Http): Promise<Operation[]> {
  const r = await http.send({ method: 'GET', path: '/openapi.json' });
  if (r.status !== 200 || !r.json) throw new Error(`GET /openapi.json answered ${summarize(r)}`);
  const doc = r.json as OpenApiDoc;
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(item)) {
      if (!METHODS.includes(m)) continue;
      const method = m.toUpperCase();
      const route = toRoute(path);
      const body = op.requestBody?.content?.['application/json']?.schema;
      ops.push({
        method,
        path,
        route,
        key: `${method} ${route}`,
        parameters: op.parameters ?? [],
        body,
        bodyRequired: op.requestBody?.required ?? false,
        policy: policyFor(method, route),
      });
    }
  }
  return ops;
}

/**
 * Routes the gateway serves on purpose without documenting them in /openapi.json
 * (`schema: { hide: true }`: the infrastructure routes every service has). Public only.
 */
export const HIDDEN_PUBLIC_ROUTES = [
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'GET /openapi.json',
  'GET /asyncapi.json',
  // The web console's static files (any path without an extension is its page).
  'GET /console',
  'GET /console/*',
];

/** Which seed's error shape an operation answers with (undefined: problem+json like the rest of onair). */
export function seedShape(route: string): { seed: string; field: string } | undefined {
  if (route === '/token' || route === '/recordings' || route.startsWith('/recordings/'))
    return { seed: 'seed 001', field: 'errorMessage' };
  if (route.startsWith('/api/') && route !== '/api/chat/token') return { seed: 'seed 004', field: 'message' };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Minimal valid instances of a JSON Schema

const PATTERN_CANDIDATES = [
  'a',
  'abc',
  'x1',
  'arn:aws:ivschat:us-east-1:123456789012:room/abc',
  'arn:aws:ivs:us-east-1:123456789012:recording-configuration/abc',
  'arn:aws:lambda:us-east-1:123456789012:function:f',
  'https://example.com/',
];

export function stringFor(s: JsonSchema): string {
  const min = s.minLength ?? 0;
  const max = s.maxLength ?? Number.POSITIVE_INFINITY;
  const fits = (v: string) =>
    v.length >= min && v.length <= max && (!s.pattern || new RegExp(s.pattern, 'u').test(v));
  if (s.format === 'date-time') return new Date(Date.now() + 3600_000).toISOString();
  if (s.format === 'uri' || s.format === 'url') return 'https://example.com/';
  if (s.format === 'email') return 'a@example.com';
  for (const c of PATTERN_CANDIDATES) {
    const v = c.length < min ? c.padEnd(min, 'a') : c;
    if (fits(v)) return v;
  }
  if (s.pattern) {
    const arb = fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length >= min && v.length <= max);
    const [v] = fc.sample(arb, { numRuns: 1, seed: 42 });
    if (v !== undefined) return v;
  }
  return 'a'.repeat(Math.max(min, 1));
}

/** A minimal valid instance: required members only, the smallest values that pass. */
export function minimalInstance(s: JsonSchema | undefined): unknown {
  if (!s) return {};
  if (s.const !== undefined) return s.const;
  if (s.enum?.length) return s.enum[0];
  if (s.default !== undefined) return s.default;
  const alt = s.anyOf ?? s.oneOf;
  if (alt?.length) return minimalInstance(alt[0]);
  if (s.allOf?.length) return Object.assign({}, ...s.allOf.map((x) => minimalInstance(x) as object));
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string':
      return stringFor(s);
    case 'integer':
    case 'number': {
      const lo = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
      return s.maximum !== undefined && lo > s.maximum ? s.maximum : lo;
    }
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => minimalInstance(s.items));
    default: {
      const o: Record<string, unknown> = {};
      for (const k of s.required ?? []) o[k] = minimalInstance(s.properties?.[k]);
      return o;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Fixtures: resources owned by alice (a streamer), made through the API

export const OWNER = 'alice';
export const OTHER = 'bob';
/** The user the ban / disconnect routes act on: nobody's fixture depends on them. */
export const TARGET = 'carol';

export interface Fixtures {
  streamId: string;
  ivsRoomId: string;
  ivsRoomArn: string;
  nativeRoomId: string;
  lkRoomId: string;
  /** A LiveKit room only recording starts use (one recording per room). */
  lkRecordRoomId: string;
  /** A recording in progress (status recording). */
  activeRecording?: { recordingId: string; roomName: string; fileName: string };
  /** A finished recording (status ready). */
  readyRecording?: { recordingId: string; roomName: string; fileName: string };
  /** Why a fixture could not be made (each is a failure of its own). */
  problems: string[];
}

/** The API as alice, plus an admin token for looking resources up. */
export class FixtureMaker {
  readonly alice: string;
  readonly admin: string;
  private n = 0;

  constructor(
    readonly http: Http,
    readonly stack: Pick<StackProcess, 'jwtSecret'>,
  ) {
    this.alice = goodToken(stack.jwtSecret, OWNER, ['streamer']);
    this.admin = goodToken(stack.jwtSecret, 'fixture-admin', ['admin']);
  }

  private expect(r: RawResponse, ok: number[], what: string): Record<string, unknown> {
    if (!ok.includes(r.status) || !r.json || typeof r.json !== 'object')
      throw new Error(`${what} answered ${summarize(r)}`);
    return r.json as Record<string, unknown>;
  }

  async stream(): Promise<{ streamId: string }> {
    const r = await this.http.json(
      'POST',
      '/v1/streams',
      this.alice,
      { title: `fixture ${++this.n}`, chatProvider: 'ivs' },
      { prefer: 'wait=20' },
    );
    const s = this.expect(r, [201], 'POST /v1/streams (Prefer: wait=20)');
    return { streamId: String(s.streamId) };
  }

  async chatRoom(provider: 'ivs' | 'native'): Promise<{ roomId: string; arn: string }> {
    const r = await this.http.json('POST', '/v1/chat/rooms', this.alice, {
      name: `fixture ${++this.n}`,
      provider,
    });
    const room = this.expect(r, [201], `POST /v1/chat/rooms (${provider})`);
    return { roomId: String(room.roomId), arn: String(room.arn ?? '') };
  }

  async lkRoom(): Promise<{ roomId: string }> {
    const r = await this.http.json('POST', '/v1/rooms', this.alice, { topic: `fixture ${++this.n}` });
    return { roomId: String(this.expect(r, [201], 'POST /v1/rooms').roomId) };
  }

  async recordingStatus(recordingId: string): Promise<string | undefined> {
    const r = await this.http.json('GET', `/v1/recordings/${encodeURIComponent(recordingId)}`, this.admin);
    return r.status === 200 ? String((r.json as Record<string, unknown>).status) : undefined;
  }

  /** A recording in progress in a room of its own. */
  async activeRecording(): Promise<{ recordingId: string; roomName: string; fileName: string }> {
    const { roomId } = await this.lkRoom();
    const r = await this.http.json('POST', '/v1/recordings', this.alice, { roomId });
    const rec = this.expect(r, [201], 'POST /v1/recordings');
    const recordingId = String(rec.recordingId);
    await waitFor(async () => (await this.recordingStatus(recordingId)) === 'recording', {
      what: `recording ${recordingId} to be recording`,
      timeoutMs: 60_000,
    });
    return { recordingId, roomName: String(rec.roomName ?? roomId), fileName: String(rec.fileName) };
  }

  /** A finished recording (stopped, uploaded: status ready). */
  async readyRecording(): Promise<{ recordingId: string; roomName: string; fileName: string }> {
    const rec = await this.activeRecording();
    const r = await this.http.json('POST', `/v1/recordings/${rec.recordingId}/stop`, this.alice);
    this.expect(r, [200], 'POST /v1/recordings/{id}/stop');
    await waitFor(async () => (await this.recordingStatus(rec.recordingId)) === 'ready', {
      what: `recording ${rec.recordingId} to be ready`,
      timeoutMs: 60_000,
    });
    return rec;
  }

  async exists(path: string): Promise<boolean> {
    return (await this.http.json('GET', path, this.admin)).status === 200;
  }

  async all(): Promise<Fixtures> {
    const problems: string[] = [];
    const attempt = async <T>(what: string, f: () => Promise<T>, fallback: T): Promise<T> => {
      try {
        return await f();
      } catch (e) {
        problems.push(`fixture ${what}: ${(e as Error).message}`);
        return fallback;
      }
    };
    const [stream, ivs, native, lk, lkRecord, activeRecording, readyRecording] = await Promise.all([
      attempt('stream', () => this.stream(), { streamId: 'strm_0000000000000000' }),
      attempt('IVS chat room', () => this.chatRoom('ivs'), { roomId: 'chat_missing_ivs', arn: '' }),
      attempt('native chat room', () => this.chatRoom('native'), { roomId: 'chat_missing_native', arn: '' }),
      attempt('LiveKit room', () => this.lkRoom(), { roomId: 'room-0-missing' }),
      attempt('LiveKit room for recordings', () => this.lkRoom(), { roomId: 'room-0-missing' }),
      attempt('recording in progress', () => this.activeRecording(), undefined),
      attempt('finished recording', () => this.readyRecording(), undefined),
    ]);
    return {
      streamId: stream.streamId,
      ivsRoomId: ivs.roomId,
      ivsRoomArn: ivs.arn || 'arn:aws:ivschat:us-east-1:123456789012:room/missing',
      nativeRoomId: native.roomId,
      lkRoomId: lk.roomId,
      lkRecordRoomId: lkRecord.roomId,
      activeRecording,
      readyRecording,
      problems,
    };
  }
}

/** Native rooms have bans and history; IVS Chat rooms have tokens, events, deletes and disconnects. */
export function chatRoomFor(op: Pick<Operation, 'method' | 'route'>, f: Fixtures): string {
  const native = /\/bans\b/.test(op.route) || (op.method === 'GET' && op.route.endsWith('/messages'));
  return native ? f.nativeRoomId : f.ivsRoomId;
}

/** Path parameter values by name and path prefix. */
export function pathValue(op: Pick<Operation, 'method' | 'route'>, name: string, f: Fixtures): string {
  const r = op.route;
  switch (name) {
    case 'service':
      return 'stream-svc';
    case 'streamId':
      return f.streamId;
    case 'roomId':
      if (r.startsWith('/v1/chat/rooms')) return chatRoomFor(op, f);
      return f.lkRoomId; // /v1/rooms, /api/room
    case 'messageId':
      return 'msg-0001';
    case 'userId':
      return TARGET;
    case 'recordingId':
      return (r.endsWith('/stop') ? f.activeRecording : f.readyRecording)?.recordingId ?? 'rec_missing';
    case 'recordingName':
      return f.readyRecording?.fileName ?? 'room-0-missing-0.mp4';
    case 'id':
      // A dead letter id (/v1/admin/dead-letters): well formed, in no DLQ of the stack (404).
      if (r.startsWith('/v1/admin/dead-letters'))
        return 'onair-fixture-commands-dlq~00000000-0000-4000-8000-000000000000';
      return 'x';
    default:
      return 'x';
  }
}

export function fillPath(op: Operation, values: (name: string) => string): string {
  return op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(values(name)));
}

/** Query string with the required parameters at minimal valid values. */
export function minimalQuery(op: Operation): string {
  const q = op.parameters
    .filter((p) => p.in === 'query' && p.required)
    .map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(String(minimalInstance(p.schema)))}`);
  return q.length ? `?${q.join('&')}` : '';
}

/** Body fields filled from the fixtures, by name (top level). */
export function bodyOverrides(op: Operation, f: Fixtures): Record<string, unknown> {
  switch (op.key) {
    case 'POST /v1/recordings':
      return { roomId: f.lkRecordRoomId };
    case 'POST /api/chat/token':
      return { roomIdentifier: f.ivsRoomArn };
    case 'POST /v1/chat/rooms/:roomId/bans':
    case 'POST /v1/chat/rooms/:roomId/disconnections':
      return { userId: TARGET };
    default:
      return {};
  }
}

/**
 * The documented bodies of the seed routes (docs/rooms-and-recordings.md lists them; their
 * schemas in /openapi.json, where they have one, may leave the fields optional).
 */
export function seedBody(op: Operation, f: Fixtures): Record<string, unknown> | undefined {
  switch (op.key) {
    case 'POST /token':
      return { roomName: f.lkRoomId, participantName: OWNER };
    case 'POST /recordings/start':
      return { roomName: f.lkRecordRoomId };
    case 'POST /recordings/stop':
      return { roomName: f.activeRecording?.roomName ?? f.lkRecordRoomId };
    case 'POST /api/room/create':
      return { userName: OWNER };
    case 'POST /api/room/join':
    case 'POST /api/token':
      return { roomId: f.lkRoomId, userName: OWNER };
    default:
      return undefined;
  }
}

/** A valid body for an operation: the schema's minimal instance with fixture values, or the seed's. */
export function validBody(op: Operation, f: Fixtures): Record<string, unknown> | undefined {
  const seed = seedBody(op, f);
  if (op.body) {
    // A seed route's schema may leave its fields optional (the handler answers the seed's own
    // message for a missing one): its documented body fills them in.
    const base = minimalInstance(op.body);
    return {
      ...(base && typeof base === 'object' ? (base as Record<string, unknown>) : {}),
      ...seed,
      ...bodyOverrides(op, f),
    };
  }
  return seed;
}

/** Whether an operation takes a JSON body at all (a schema, a seed body, or a POST/PATCH/PUT). */
export const takesBody = (op: Operation) => ['POST', 'PATCH', 'PUT'].includes(op.method);
