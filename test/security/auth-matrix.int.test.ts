// The auth matrix, generated from /openapi.json and the role policy table
// (services/gateway/src/policy.ts): for every operation, bad credentials (401), every role
// (403 exactly when the route's `who` rule refuses it), another user on an owned resource
// (403), and bodies that try to speak for someone else (400, and never acting as them).
// Every hole is collected and printed as one table; a test fails when its table is not empty.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '@onair/runtime';
import type { RoleName } from '../../services/gateway/src/auth';
import { allows, ROUTE_POLICY } from '../../services/gateway/src/policy';
import { type StackProcess, startStackProcess } from '../support/stack-process';
import {
  BAD_CREDENTIALS,
  errorText,
  type Fixtures,
  FixtureMaker,
  fillPath,
  goodToken,
  HIDDEN_PUBLIC_ROUTES,
  Http,
  isJson,
  isProblem,
  loadOperations,
  minimalQuery,
  OTHER,
  OWNER,
  type Operation,
  pathValue,
  type RawResponse,
  seedShape,
  summarize,
  TARGET,
  takesBody,
  validBody,
} from './openapi-fixtures';

const ROLES: RoleName[] = ['viewer', 'streamer', 'moderator', 'admin'];
/** Fields that say who acts or owns: a body must not carry them unless its schema declares them. */
const IDENTITY_FIELDS = ['actor', 'ownerId', 'roomId', 'userId', 'createdBy'] as const;
const INTRUDER = 'mallory';
const injected: Record<(typeof IDENTITY_FIELDS)[number], unknown> = {
  actor: { userId: INTRUDER, roles: ['admin'] },
  ownerId: INTRUDER,
  roomId: 'chat_mallory',
  userId: INTRUDER,
  createdBy: INTRUDER,
};

interface Row {
  op: string;
  case: string;
  expected: string;
  got: string;
}

function table(rows: Row[]): string {
  if (rows.length === 0) return '';
  const cols: Array<keyof Row> = ['op', 'case', 'expected', 'got'];
  const width = (c: keyof Row) => Math.min(60, Math.max(c.length, ...rows.map((r) => r[c].length)));
  const line = (r: Record<keyof Row, string>) =>
    cols.map((c) => r[c].slice(0, 120).padEnd(width(c))).join(' | ');
  return [
    `${rows.length} hole(s):`,
    line({ op: 'operation', case: 'case', expected: 'expected', got: 'got' }),
    cols.map((c) => '-'.repeat(width(c))).join('-+-'),
    ...rows.map(line),
  ].join('\n');
}

/** A 4xx in onair's shape, or (seed 001 / 004 routes) in the seed's documented JSON shape. */
function errorShaped(op: Operation, r: RawResponse): boolean {
  if (isProblem(r)) return true;
  const seed = seedShape(op.route);
  if (op.method === 'HEAD') return !!seed && isJson(r); // no body to look into
  return (
    !!seed &&
    isJson(r) &&
    !!r.json &&
    typeof r.json === 'object' &&
    seed.field in (r.json as Record<string, unknown>)
  );
}

/** 501 is documented (a part not configured or not built yet); any other 5xx is a bug. */
const serverError = (r: RawResponse) => r.status >= 500 && r.status !== 501;

/**
 * Operations whose success consumes the resource their path (or body) names. Each case of these
 * gets a pristine resource: the one made before, unless the last case used it up.
 */
type Slot = 'stream' | 'chatRoom' | 'lkRoom' | 'recordRoom' | 'activeRecording' | 'readyRecording';
const DESTRUCTIVE: Record<string, Slot> = {
  'DELETE /v1/streams/:streamId': 'stream',
  'DELETE /stream/:streamId': 'stream',
  'DELETE /v1/chat/rooms/:roomId': 'chatRoom',
  'DELETE /v1/rooms/:roomId': 'lkRoom',
  'POST /v1/recordings': 'recordRoom',
  'POST /recordings/start': 'recordRoom',
  'POST /v1/recordings/:recordingId/stop': 'activeRecording',
  'POST /recordings/stop': 'activeRecording',
  'DELETE /v1/recordings/:recordingId': 'readyRecording',
  'DELETE /recordings/:recordingName': 'readyRecording',
};

describe('auth matrix: every operation of /openapi.json against the role policy', () => {
  let stack: StackProcess;
  let http: Http;
  let ops: Operation[];
  let fx: Fixtures;
  let maker: FixtureMaker;
  const allRows: Row[] = [];

  beforeAll(async () => {
    stack = await startStackProcess({ timeoutMs: 90_000 });
    http = new Http(stack.gatewayUrl, { maxSockets: 4 });
    ops = await loadOperations(http);
    maker = new FixtureMaker(http, stack);
    fx = await maker.all();
  }, 180_000);

  afterAll(async () => {
    if (allRows.length) console.log(`auth matrix\n${table(allRows)}`);
    http?.close();
    await stack?.stop();
  }, 60_000);

  /** Fixtures with a pristine resource in the slot of a destructive operation. */
  class Pristine {
    private current: Partial<Fixtures> | undefined;
    constructor(private readonly slot: Slot) {}

    async get(rows: Row[], op: string): Promise<Fixtures> {
      if (!this.current) {
        try {
          this.current = await this.make();
        } catch (e) {
          rows.push({ op, case: 'fixture', expected: 'a fresh resource', got: (e as Error).message });
          this.current = {};
        }
      }
      return { ...fx, ...this.current };
    }

    private async make(): Promise<Partial<Fixtures>> {
      switch (this.slot) {
        case 'stream':
          return { streamId: (await maker.stream()).streamId };
        case 'chatRoom':
          return { ivsRoomId: (await maker.chatRoom('ivs')).roomId };
        case 'lkRoom':
          return { lkRoomId: (await maker.lkRoom()).roomId };
        case 'recordRoom':
          return { lkRecordRoomId: (await maker.lkRoom()).roomId };
        case 'activeRecording':
          return { activeRecording: await maker.activeRecording() };
        case 'readyRecording':
          return { readyRecording: await maker.readyRecording() };
      }
    }

    /** After a case: a 2xx, or a resource that is no longer as it was, needs a new one. */
    async after(r: RawResponse): Promise<void> {
      const c = this.current;
      if (!c) return;
      let pristine = r.status < 200 || r.status >= 300;
      if (pristine) {
        if (c.streamId) pristine = await maker.exists(`/v1/streams/${c.streamId}`);
        if (c.ivsRoomId) pristine = await maker.exists(`/v1/chat/rooms/${c.ivsRoomId}`);
        if (c.lkRoomId) {
          const got = await http.json('GET', `/v1/rooms/${c.lkRoomId}`, maker.admin);
          pristine = got.status === 200 && (got.json as { status?: string }).status === 'active';
        }
        if (c.lkRecordRoomId) {
          const got = await http.json(
            'GET',
            `/v1/recordings?roomId=${c.lkRecordRoomId}&limit=100`,
            maker.admin,
          );
          pristine = got.status === 200 && (got.json as { items?: unknown[] }).items?.length === 0;
        }
        if (c.activeRecording)
          pristine = (await maker.recordingStatus(c.activeRecording.recordingId)) === 'recording';
        if (c.readyRecording)
          pristine = (await maker.recordingStatus(c.readyRecording.recordingId)) === 'ready';
      }
      if (!pristine) this.current = undefined;
    }
  }

  /** Runs one request of the matrix for an operation, with a pristine resource when it is destructive. */
  function runner(op: Operation) {
    const slot = DESTRUCTIVE[op.key];
    const pool = slot ? new Pristine(slot) : undefined;
    return async (
      rows: Row[],
      o: { authorization?: string; body?: (f: Fixtures) => unknown },
    ): Promise<RawResponse | undefined> => {
      const f = pool ? await pool.get(rows, op.key) : fx;
      const path = fillPath(op, (name) => pathValue(op, name, f)) + minimalQuery(op);
      const body = o.body ? o.body(f) : validBody(op, f);
      const headers: Record<string, string> = {};
      if (o.authorization !== undefined) headers.authorization = o.authorization;
      const send = body !== undefined || takesBody(op);
      if (send) headers['content-type'] = 'application/json';
      try {
        const r = await http.send({
          method: op.method,
          path,
          headers,
          body: send ? JSON.stringify(body ?? {}) : undefined,
        });
        await pool?.after(r);
        return r;
      } catch (e) {
        rows.push({ op: op.key, case: 'request', expected: 'an answer', got: (e as Error).message });
        return undefined;
      }
    };
  }

  /** Body for a case: the valid one, with `extra` merged in. */
  const bodyWith = (op: Operation, f: Fixtures, extra: Record<string, unknown>) => ({
    ...(validBody(op, f) ?? {}),
    ...extra,
  });

  const sorted = () => {
    // Destructive operations last, so what they use up is nobody else's fixture.
    const rank = (o: Operation) => (DESTRUCTIVE[o.key] || o.method === 'DELETE' ? 1 : 0);
    return [...ops].sort((a, b) => rank(a) - rank(b));
  };

  function finish(rows: Row[]): void {
    allRows.push(...rows);
    if (rows.length) throw new Error(table(rows));
  }

  it('every operation of /openapi.json is in the role policy table, and every route of the table is served', async () => {
    const rows: Row[] = [];
    for (const p of fx.problems) rows.push({ op: '-', case: 'fixtures', expected: 'made', got: p });
    const documented = new Set(ops.map((o) => o.key));
    for (const o of ops)
      if (!o.policy)
        rows.push({ op: o.key, case: 'policy table', expected: 'in ROUTE_POLICY', got: 'missing' });
    for (const key of Object.keys(ROUTE_POLICY)) {
      if (documented.has(key)) continue;
      if (HIDDEN_PUBLIC_ROUTES.includes(key) && ROUTE_POLICY[key].who === 'public') {
        // Hidden on purpose (schema.hide): still public and served.
        const [method, path] = key.split(' ');
        const r = await http.send({ method, path });
        if (r.status !== 200)
          rows.push({
            op: key,
            case: 'hidden public route',
            expected: '200 without a token',
            got: summarize(r),
          });
        continue;
      }
      rows.push({ op: key, case: 'openapi', expected: 'in /openapi.json', got: 'missing' });
    }
    expect(ops.length).toBeGreaterThan(40);
    finish(rows);
  });

  it('bad credentials: every non-public route answers 401 problem+json', async () => {
    const rows: Row[] = [];
    for (const op of sorted()) {
      const run = runner(op);
      const pub = op.policy?.who === 'public';
      const isWebhook = op.key === 'POST /v1/webhooks/livekit';
      for (const c of BAD_CREDENTIALS) {
        if (pub && !isWebhook && c.name !== 'no Authorization header') continue;
        const r = await run(rows, { authorization: c.authorization(stack.jwtSecret) });
        if (!r) continue;
        if (pub && !isWebhook) {
          if (r.status >= 500 || r.status === 401 || r.status === 403)
            rows.push({ op: op.key, case: c.name, expected: 'public: no 401/403/5xx', got: summarize(r) });
          continue;
        }
        // The LiveKit webhook is public but signed: a bearer token is no signature (401).
        if (r.status !== 401 || !errorShaped(op, r))
          rows.push({ op: op.key, case: c.name, expected: '401 problem+json', got: summarize(r) });
      }
    }
    finish(rows);
  }, 600_000);

  it("roles: 403 problem+json exactly when the route's `who` rule refuses the role", async () => {
    const rows: Row[] = [];
    for (const op of sorted()) {
      const policy = op.policy;
      if (!policy || policy.who === 'public') continue;
      const run = runner(op);
      for (const role of ROLES) {
        // alice owns every fixture: the object rules pass, so only the role rule can refuse.
        const token = goodToken(stack.jwtSecret, OWNER, [role]);
        const r = await run(rows, { authorization: `Bearer ${token}` });
        if (!r) continue;
        const may = allows(policy.who, { userId: OWNER, roles: [role] });
        if (!may) {
          if (r.status !== 403 || !errorShaped(op, r))
            rows.push({
              op: op.key,
              case: `role ${role}`,
              expected: `403 problem+json (${policy.who})`,
              got: summarize(r),
            });
        } else if (r.status === 401 || r.status === 403 || serverError(r)) {
          rows.push({
            op: op.key,
            case: `role ${role}`,
            expected: `not 401/403/5xx (${policy.who}${policy.object ? `, ${policy.object}` : ''})`,
            got: summarize(r),
          });
        }
      }
    }
    finish(rows);
  }, 600_000);

  it("another user: bob (a streamer) gets 403 on alice's owned resources", async () => {
    const rows: Row[] = [];
    const bob = goodToken(stack.jwtSecret, OTHER, ['streamer']);
    for (const op of sorted()) {
      const object = op.policy?.object;
      if (object !== 'owner' && object !== 'recorder' && object !== 'moderator') continue;
      const r = await runner(op)(rows, { authorization: `Bearer ${bob}` });
      if (!r) continue;
      // No doc says that another user's resource is hidden (404): reading is open, changing is 403.
      if (r.status !== 403 || !errorShaped(op, r))
        rows.push({
          op: op.key,
          case: `${OTHER} (${object})`,
          expected: '403 problem+json',
          got: summarize(r),
        });
    }
    finish(rows);
  }, 600_000);

  it('bodies: a field that says who acts is refused (400 naming it) unless the schema declares it', async () => {
    const rows: Row[] = [];
    const alice = `Bearer ${goodToken(stack.jwtSecret, OWNER, ['streamer'])}`;
    // Admin-only routes refuse a streamer before they read the body: alice as an admin there.
    const aliceAdmin = `Bearer ${goodToken(stack.jwtSecret, OWNER, ['admin'])}`;
    for (const op of sorted()) {
      if (!op.policy || op.policy.who === 'public' || !takesBody(op)) continue;
      const authorization = op.policy.who === 'admin' ? aliceAdmin : alice;
      const declared = new Set(Object.keys(op.body?.properties ?? {}));
      const run = runner(op);
      for (const field of IDENTITY_FIELDS) {
        if (declared.has(field)) continue;
        // seedBody / validBody use alice's fixtures; the extra field points elsewhere.
        const r = await run(rows, {
          authorization,
          body: (f) => bodyWith(op, f, { [field]: injected[field] }),
        });
        if (!r) continue;
        const ok = r.status === 400 && errorShaped(op, r) && errorText(r).includes(field);
        if (!ok)
          rows.push({
            op: op.key,
            case: `body.${field}`,
            expected: `400 naming "${field}"`,
            got: summarize(r) + actsAs(r),
          });
      }
    }
    finish(rows);
  }, 600_000);

  /** On a 2xx: whether the answer shows the injected identity (the resource acts as someone else). */
  function actsAs(r: RawResponse): string {
    if (r.status < 200 || r.status >= 300) return '';
    return JSON.stringify(r.json ?? '').includes(INTRUDER) ? ` (and the resource names ${INTRUDER})` : '';
  }

  it('declared identity fields: a viewer cannot borrow an admin actor (bans, disconnections, events, recordings)', async () => {
    const rows: Row[] = [];
    const viewer = `Bearer ${goodToken(stack.jwtSecret, 'vic', ['viewer'])}`;
    const admin = { userId: 'x', roles: ['admin'] };
    const byKey = (k: string) => ops.find((o) => o.key === k);
    const cases: Array<{ key: string; body: Record<string, unknown> }> = [
      { key: 'POST /v1/chat/rooms/:roomId/bans', body: { userId: OWNER, actor: admin } },
      { key: 'POST /v1/chat/rooms/:roomId/disconnections', body: { userId: OWNER, actor: admin } },
      { key: 'POST /v1/chat/rooms/:roomId/events', body: { eventName: 'takeover', actor: admin } },
      { key: 'POST /v1/recordings', body: { roomId: fx.lkRecordRoomId, actor: admin } },
    ];
    for (const c of cases) {
      const op = byKey(c.key);
      if (!op) {
        rows.push({ op: c.key, case: 'actor from body', expected: 'in /openapi.json', got: 'missing' });
        continue;
      }
      const r = await runner(op)(rows, { authorization: viewer, body: () => c.body });
      if (!r) continue;
      if ((r.status !== 400 && r.status !== 403) || !errorShaped(op, r))
        rows.push({
          op: op.key,
          case: 'viewer + body.actor admin',
          expected: '400 or 403',
          got: summarize(r),
        });
    }

    // Whatever the answer said, alice must not be banned from her own room.
    const ddbEndpoint = /dynamodb (http:\/\/[^\s,]+)/.exec(stack.output())?.[1];
    if (!ddbEndpoint) {
      rows.push({
        op: 'bans',
        case: 'ban lookup',
        expected: 'the stack prints its DynamoDB',
        got: 'not found',
      });
    } else {
      const ddb = createDocumentClient({ region: 'us-east-1', endpoint: ddbEndpoint });
      const got = await ddb.send(
        new GetCommand({
          TableName: 'onair-chat-svc',
          Key: { PK: `ROOM#${fx.nativeRoomId}`, SK: `BAN#${OWNER}` },
          ConsistentRead: true,
        }),
      );
      if (got.Item && !got.Item.lifted) {
        rows.push({
          op: 'POST /v1/chat/rooms/:roomId/bans',
          case: 'viewer + body.actor admin',
          expected: `${OWNER} not banned`,
          got: `${OWNER} is banned (${JSON.stringify(got.Item).slice(0, 80)})`,
        });
        // Lift it, so the other suites' assumptions hold.
        await http.json('DELETE', `/v1/chat/rooms/${fx.nativeRoomId}/bans/${OWNER}`, maker.admin);
      }
      ddb.destroy();
    }
    expect(TARGET).not.toBe(OWNER);
    finish(rows);
  }, 120_000);
});
