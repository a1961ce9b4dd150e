// OpenAPI-driven fuzzing of every REST operation: requests generated from the operation's JSON
// Schemas (valid instances) and mutated (wrong types, missing / extra fields, hostile strings and
// numbers, bad JSON, wrong content types, repeated query parameters, bad path ids), as an
// admin+streamer and sometimes as a viewer. Whatever is sent: no 5xx (501 is documented), every
// 4xx is problem+json (seed 001 / 004 routes: their documented JSON error shape), and after each
// operation every process of the stack is still up and ready.
//   FUZZ_RUNS=1000 (runs per operation, default 100), FUZZ_SEED, FUZZ_CONCURRENCY (operations at once,
//   default 2), FUZZ_STATS=1 (print the answers' statuses per operation)
import fc from 'fast-check';
import { type StackProcess, startStackProcess } from '../support/stack-process';
import {
  type Fixtures,
  FixtureMaker,
  goodToken,
  Http,
  isJson,
  isProblem,
  loadOperations,
  minimalInstance,
  type JsonSchema,
  OWNER,
  type Operation,
  pathValue,
  type RawRequest,
  type RawResponse,
  seedBody,
  seedShape,
  summarize,
  takesBody,
  validBody,
} from './openapi-fixtures';
import {
  BAD_BODIES,
  BAD_PATH_IDS,
  BAD_QUERY_VALUES,
  EVIL_VALUES,
  evilValueArb,
  toJson,
  validArb,
  WRONG_CONTENT_TYPES,
  wrongTypeArb,
} from './schema-arbitraries';

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const SEED = Number(process.env.FUZZ_SEED ?? 20_240_601);
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 2);
/** Per operation, so one slow route cannot take the whole budget (~4 min on 2 cores). */
const OP_TIME_LIMIT_MS = Number(process.env.FUZZ_OP_TIME_LIMIT_MS ?? Math.max(20_000, RUNS * 200));

interface Fuzzed {
  /** What was mutated, e.g. `body.title=100k string`, `content-type text/plain`. */
  label: string;
  req: RawRequest;
}

interface Finding {
  rule: string;
  got: string;
  count: number;
  example: Fuzzed;
}

const size = (f: Fuzzed) => f.req.path.length + (f.req.body ? Buffer.byteLength(f.req.body) : 0);
const clip = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);

function showExample(f: Fuzzed): string {
  const body = f.req.body === undefined ? '' : ` body=${clip(JSON.stringify(f.req.body.toString()), 120)}`;
  const ct = f.req.headers?.['content-type'];
  return `${f.req.method} ${clip(f.req.path, 100)}${ct !== undefined ? ` [content-type: ${ct}]` : ''}${body} (${f.label})`;
}

/** Seed bodies declare no schema in /openapi.json: their documented fields, as strings. */
function seedSchema(op: Operation, fx: Fixtures): JsonSchema | undefined {
  const b = seedBody(op, fx);
  if (!b) return undefined;
  const keys = Object.keys(b);
  return {
    type: 'object',
    required: keys,
    properties: Object.fromEntries(keys.map((k) => [k, { type: 'string', minLength: 1, maxLength: 128 }])),
  };
}

function pathArb(op: Operation, fx: Fixtures): fc.Arbitrary<{ path: string; label: string[] }> {
  const names = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  if (names.length === 0) return fc.constant({ path: op.path, label: [] });
  const one = (name: string) => {
    const schema = op.parameters.find((p) => p.in === 'path' && p.name === name)?.schema;
    return fc.oneof(
      { weight: 4, arbitrary: fc.constant({ raw: encodeURIComponent(pathValue(op, name, fx)), label: '' }) },
      {
        weight: 2,
        arbitrary: validArb(schema)
          .filter((v) => String(v).length > 0)
          .map((v) => ({ raw: encodeURIComponent(String(v)), label: `path.${name}=generated` })),
      },
      {
        weight: 3,
        arbitrary: fc
          .constantFrom(...BAD_PATH_IDS)
          .map((b) => ({ raw: b.raw, label: `path.${name}=${b.name}` })),
      },
    );
  };
  return fc.tuple(...names.map(one)).map((parts) => {
    let i = 0;
    const path = op.path.replace(/\{[^}]+\}/g, () => parts[i++].raw);
    return { path, label: parts.map((p) => p.label).filter(Boolean) };
  });
}

function queryArb(op: Operation): fc.Arbitrary<{ query: string; label: string[] }> {
  const params = op.parameters.filter((p) => p.in === 'query');
  const enc = (v: unknown) => encodeURIComponent(String(v));
  const validPairs = fc.tuple(
    ...params.map((p) =>
      fc.oneof(
        {
          weight: p.required ? 3 : 1,
          arbitrary: fc.constant(p.required ? minimalInstance(p.schema) : undefined),
        },
        { weight: 2, arbitrary: validArb(p.schema) },
        { weight: p.required ? 0 : 2, arbitrary: fc.constant(undefined) },
      ),
    ),
  );
  const base = validPairs.map((vals) =>
    params.flatMap((p, i) => (vals[i] === undefined ? [] : [`${enc(p.name)}=${enc(vals[i])}`])),
  );
  const names = params.map((p) => p.name);
  const mutation: fc.Arbitrary<{ pairs: (b: string[]) => string[]; label: string }> = fc.oneof(
    { weight: 4, arbitrary: fc.constant({ pairs: (b: string[]) => b, label: '' }) },
    ...(names.length
      ? [
          {
            weight: 2,
            arbitrary: fc
              .tuple(fc.constantFrom(...names), fc.constantFrom(...BAD_QUERY_VALUES))
              .map(([n, v]) => ({
                pairs: (b: string[]) => [...b.filter((x) => !x.startsWith(`${enc(n)}=`)), `${enc(n)}=${v}`],
                label: `query.${n}=${clip(v, 20)}`,
              })),
          },
          {
            weight: 1,
            arbitrary: fc.tuple(fc.constantFrom(...names), fc.constantFrom('1', 'x', '')).map(([n, v]) => ({
              pairs: (b: string[]) => [...b, `${enc(n)}=1`, `${enc(n)}=${v}`],
              label: `query.${n} repeated`,
            })),
          },
          {
            weight: 1,
            arbitrary: fc.constantFrom(...names).map((n) => ({
              pairs: (b: string[]) => [...b, `${enc(n)}[a]=1`, `${enc(n)}[]=2`],
              label: `query.${n} bracketed`,
            })),
          },
        ]
      : []),
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('unknown=1', 'limit=5&limit=6', '__proto__=x', '%00=1', '=', '&&&')
        .map((q) => ({
          pairs: (b: string[]) => [...b, q],
          label: `query+${q}`,
        })),
    },
  );
  return fc.tuple(base, mutation).map(([b, m]) => {
    const pairs = m.pairs(b);
    return { query: pairs.length ? `?${pairs.join('&')}` : '', label: m.label ? [m.label] : [] };
  });
}

interface BodyChoice {
  body?: string | Buffer;
  contentType?: string;
  label: string;
}

function bodyArb(op: Operation, fx: Fixtures): fc.Arbitrary<BodyChoice> {
  if (!takesBody(op)) return fc.constant({ label: '' });
  const schema = op.body ?? seedSchema(op, fx) ?? { type: 'object', properties: {} };
  const props = Object.keys(schema.properties ?? {});
  const required = schema.required ?? [];
  const fixtureBody = validBody(op, fx) ?? {};
  const json = (v: unknown, label: string): BodyChoice => ({
    body: toJson(v),
    contentType: 'application/json',
    label,
  });
  const valid = fc.oneof(
    { weight: 2, arbitrary: fc.constant(fixtureBody) },
    { weight: 3, arbitrary: validArb(schema).map((v) => ({ ...(v as object) })) },
  ) as fc.Arbitrary<Record<string, unknown>>;
  const choices: Array<{ weight: number; arbitrary: fc.Arbitrary<BodyChoice> }> = [
    { weight: 4, arbitrary: valid.map((v) => json(v, 'valid')) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(valid, fc.constantFrom(...BAD_BODIES))
        .map(([, b]) => ({ body: b.text, contentType: 'application/json', label: b.name })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(valid, fc.constantFrom(...WRONG_CONTENT_TYPES))
        .map(([v, ct]) => ({ body: toJson(v), contentType: ct, label: `content-type ${ct ?? '(none)'}` })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          valid,
          fc.constantFrom(
            'actor',
            'ownerId',
            'createdBy',
            'userId',
            'roomId',
            'zzz',
            '__proto__',
            'constructor',
          ),
          evilValueArb,
        )
        .filter(([, k]) => !props.includes(k))
        .map(([v, k, e]) => json({ ...v, [k]: e.value }, `extra field ${k}=${e.name}`)),
    },
  ];
  if (props.length) {
    choices.push(
      {
        weight: 3,
        arbitrary: fc
          .tuple(valid, fc.constantFrom(...props), evilValueArb)
          .map(([v, k, e]) => json({ ...v, [k]: e.value }, `body.${k}=${e.name}`)),
      },
      {
        weight: 2,
        arbitrary: fc
          .constantFrom(...props)
          .chain((k) => fc.tuple(valid, fc.constant(k), wrongTypeArb(schema.properties?.[k])))
          .map(([v, k, w]) => json({ ...v, [k]: w.value }, `body.${k} as ${w.name}`)),
      },
    );
  }
  if (required.length)
    choices.push({
      weight: 1,
      arbitrary: fc.tuple(valid, fc.constantFrom(...required)).map(([v, k]) => {
        const { [k]: _dropped, ...rest } = v;
        return json(rest, `missing ${k}`);
      }),
    });
  return fc.oneof(...choices);
}

function requestArb(
  op: Operation,
  fx: Fixtures,
  tokens: { admin: string; viewer: string },
): fc.Arbitrary<Fuzzed> {
  return fc
    .record({
      p: pathArb(op, fx),
      q: queryArb(op),
      b: bodyArb(op, fx),
      viewer: fc.integer({ min: 1, max: 5 }).map((n) => n === 1),
    })
    .map(({ p, q, b, viewer }) => {
      const headers: Record<string, string> = {
        authorization: `Bearer ${viewer ? tokens.viewer : tokens.admin}`,
      };
      if (b.contentType !== undefined) headers['content-type'] = b.contentType;
      const label = [...p.label, ...q.label, b.label, viewer ? 'as viewer' : ''].filter(Boolean).join(', ');
      return {
        label: label || 'valid',
        req: { method: op.method, path: p.path + q.query, headers, body: b.body },
      };
    });
}

/** What must hold for any answer; the broken rules, as [rule, got]. */
function violations(op: Operation, r: RawResponse | Error): Array<[string, string]> {
  if (r instanceof Error) return [['an answer', `no answer: ${r.message}`]];
  const out: Array<[string, string]> = [];
  const seed = seedShape(op.route);
  if (r.status >= 500 && r.status !== 501) out.push(['no 5xx', summarize(r)]);
  if (r.status >= 400) {
    if (seed) {
      const shaped =
        isJson(r) &&
        (op.method === 'HEAD' ||
          (!!r.json && typeof r.json === 'object' && seed.field in (r.json as Record<string, unknown>)));
      if (!shaped && !isProblem(r))
        out.push([`${seed.seed} error shape (JSON with "${seed.field}")`, summarize(r)]);
    } else if (!isProblem(r)) {
      out.push(['4xx/5xx as application/problem+json', summarize(r)]);
    } else if (op.method !== 'HEAD') {
      const j = r.json as { status?: unknown } | undefined;
      if (!j || j.status !== r.status) out.push(['a problem body with the same status', summarize(r)]);
    }
  }
  return out;
}

describe('REST fuzzing: every operation of /openapi.json', () => {
  let stack: StackProcess;
  let http: Http;
  let ops: Operation[];
  let fx: Fixtures;

  beforeAll(async () => {
    stack = await startStackProcess({ timeoutMs: 90_000 });
    http = new Http(stack.gatewayUrl, { maxSockets: CONCURRENCY * 2, timeoutMs: 45_000 });
    ops = await loadOperations(http);
    fx = await new FixtureMaker(http, stack).all();
  }, 180_000);

  afterAll(async () => {
    http?.close();
    await stack?.stop();
  }, 60_000);

  it(`${RUNS} generated requests per operation: no 5xx, 4xx as problem+json, the stack stays up`, async () => {
    const tokens = {
      admin: goodToken(stack.jwtSecret, OWNER, ['admin', 'streamer']),
      viewer: goodToken(stack.jwtSecret, 'vic', ['viewer']),
    };
    // What deletes or stops fixtures goes last.
    const rank = (o: Operation) => (o.method === 'DELETE' || o.route.endsWith('/stop') ? 1 : 0);
    const queue = [...ops].sort((a, b) => rank(a) - rank(b));
    const findings = new Map<string, Map<string, Finding>>();
    const notes: string[] = [...fx.problems];
    const timings: string[] = [];
    let dead: string | undefined;

    const fuzz = async (op: Operation) => {
      const found = new Map<string, Finding>();
      findings.set(op.key, found);
      const started = Date.now();
      let sent = 0;
      const statuses = new Map<string, number>();
      const prop = fc.asyncProperty(requestArb(op, fx, tokens), async (f) => {
        if (dead) return;
        sent++;
        const r = await http.send(f.req).catch((e: Error) => e);
        const st = r instanceof Error ? 'error' : String(r.status);
        statuses.set(st, (statuses.get(st) ?? 0) + 1);
        for (const [rule, got] of violations(op, r)) {
          const key = `${rule}: ${got.replace(/"[^"]*"?$/, '').trim()}`;
          const prev = found.get(key);
          if (!prev) found.set(key, { rule, got, count: 1, example: f });
          else {
            prev.count++;
            if (size(f) < size(prev.example)) Object.assign(prev, { got, example: f });
          }
        }
      });
      const details = await fc.check(prop, {
        numRuns: RUNS,
        seed: SEED,
        interruptAfterTimeLimit: OP_TIME_LIMIT_MS,
      });
      if (details.failed)
        notes.push(`${op.key}: the property itself failed: ${String(details.errorInstance)}`);
      if (details.interrupted)
        notes.push(`${op.key}: stopped after ${OP_TIME_LIMIT_MS} ms (${sent} requests)`);
      const hist = [...statuses].sort().map(([k, n]) => `${k}×${n}`);
      timings.push(`${op.key}: ${sent} requests in ${Date.now() - started} ms (${hist.join(' ')})`);
      const why = await stack.unhealthy();
      if (why) {
        dead = `after ${op.key}: ${why}`;
        found.set(`stack: ${why}`, {
          rule: 'the stack stays up',
          got: why,
          count: 1,
          example: { label: 'after this operation', req: { method: op.method, path: op.path } },
        });
      }
    };

    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let op = queue.shift(); op && !dead; op = queue.shift()) await fuzz(op);
      }),
    );

    const report: string[] = [];
    let total = 0;
    for (const [key, found] of findings) {
      if (found.size === 0) continue;
      report.push(`${key}: ${found.size} distinct failure(s)`);
      for (const f of [...found.values()].sort((a, b) => b.count - a.count)) {
        total++;
        report.push(`  - ${f.rule}: got ${clip(f.got, 140)} ×${f.count}`);
        report.push(`      smallest: ${showExample(f.example)}`);
      }
    }
    if (dead) notes.push(`the stack broke ${dead}; operations after it were not fuzzed`);
    if (process.env.FUZZ_STATS) console.log(timings.join('\n'));
    const text = [
      `${total} failure(s) in ${[...findings.values()].filter((f) => f.size).length} of ${ops.length} operations (seed ${SEED}, ${RUNS} runs each)`,
      ...report,
      ...notes.map((n) => `note: ${n}`),
    ].join('\n');
    const broken = total > 0 || !!dead || fx.problems.length > 0;
    if (broken) console.log(text);
    expect(ops.length).toBeGreaterThan(40);
    expect(EVIL_VALUES.length).toBeGreaterThan(10);
    if (broken) throw new Error(text);
  }, 420_000);
});
