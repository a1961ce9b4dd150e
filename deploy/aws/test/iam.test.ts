// Every IAM policy statement in the template, checked: no `*` action anywhere; `Resource: "*"`
// only for APIs without resource-level permissions; every other wildcard one that
// src/wildcards.ts justifies. And each service's task role grants what its code calls.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { contracts, PARTITIONS, SERVICE_NAMES, type ServiceName } from '@onair/contracts';
import { render } from '../src/nag';
import { justifiedWildcards, NO_RESOURCE_LEVEL_PERMISSIONS } from '../src/wildcards';
import { propsOf, resourcesOf, type Synthesized, synthesize } from './synth';

let s: Synthesized;
beforeAll(() => {
  s = synthesize({ livekitUrl: 'https://livekit.example.com' });
}, 120_000);
afterAll(() => s?.cleanup());

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, unknown>;
}
const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/** Every statement of every identity policy, with where it is. */
function statements(): Array<{ where: string; st: Statement }> {
  const out: Array<{ where: string; st: Statement }> = [];
  for (const [id, r] of Object.entries(s.json.Resources)) {
    const p = r.Properties ?? {};
    const docs: unknown[] = [];
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') docs.push(p.PolicyDocument);
    if (r.Type === 'AWS::IAM::Role')
      for (const inline of (p.Policies as Array<{ PolicyDocument: unknown }>) ?? [])
        docs.push(inline.PolicyDocument);
    for (const d of docs)
      for (const st of (d as { Statement: Statement[] }).Statement)
        out.push({ where: `${id}/${st.Sid ?? ''}`, st });
  }
  return out;
}

/** What is wrong with one statement; empty when it is fine. */
function problems(st: Statement, justified: ReturnType<typeof justifiedWildcards>): string[] {
  const out: string[] = [];
  const actions = list(st.Action);
  for (const a of actions) if (a.includes('*')) out.push(`wildcard action ${a}`);
  for (const raw of list(st.Resource)) {
    const r = render(raw);
    if (r === '*') {
      for (const a of actions) if (!(a in NO_RESOURCE_LEVEL_PERMISSIONS)) out.push(`${a} on "*"`);
    } else if (r.includes('*') && !justified.some((j) => j.matches(r))) out.push(`unjustified wildcard ${r}`);
  }
  return out;
}

const justifiedHere = () => justifiedWildcards('onair', ['recordings/', 'ivs/v1/<AWS::AccountId>/']);

describe('every IAM statement', () => {
  it('has no wildcard action, `*` only for APIs without resource-level permissions, only justified ARN wildcards', () => {
    const all = statements();
    expect(all.length).toBeGreaterThan(40);
    const found = all.flatMap(({ where, st }) => problems(st, justifiedHere()).map((p) => `${where}: ${p}`));
    expect(found).toEqual([]);
  });

  it('the check itself catches what it must', () => {
    const j = justifiedHere();
    const st = (Action: string | string[], Resource: unknown): Statement => ({
      Effect: 'Allow',
      Action,
      Resource,
    });
    expect(problems(st('sqs:*', 'arn:aws:sqs:us-east-1:1:onair-chat-svc-commands'), j)).toHaveLength(1);
    expect(problems(st('sqs:SendMessage', '*'), j)).toEqual(['sqs:SendMessage on "*"']);
    expect(problems(st('sqs:SendMessage', 'arn:aws:sqs:us-east-1:1:onair-*'), j)).toHaveLength(1);
    expect(
      problems(st('s3:GetObject', { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Other', 'Arn'] }, '/*']] }), j),
    ).toHaveLength(1);
    expect(problems(st('sqs:ListQueues', '*'), j)).toEqual([]);
    expect(problems(st('sqs:ReceiveMessage', 'arn:aws:sqs:us-east-1:1:onair-gateway_*-commands'), j)).toEqual(
      [],
    );
  });

  it('every wildcard reason is a sentence a reviewer can check', () => {
    for (const w of justifiedHere()) expect(w.reason.length).toBeGreaterThan(30);
    for (const r of Object.values(NO_RESOURCE_LEVEL_PERMISSIONS)) expect(r.length).toBeGreaterThan(20);
  });
});

/** The task role statements of one service. */
function taskStatements(svc: ServiceName): Statement[] {
  const td = resourcesOf(s, 'AWS::ECS::TaskDefinition').find(([, t]) =>
    JSON.stringify(t.Properties?.ContainerDefinitions).includes(`"Name":"${svc}"`),
  );
  if (!td) throw new Error(`no task definition for ${svc}`);
  const roleId = propsOf(td[1]).TaskRoleArn as { 'Fn::GetAtt': [string, string] };
  return resourcesOf(s, 'AWS::IAM::Policy')
    .filter(([, p]) =>
      (propsOf(p).Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId['Fn::GetAtt'][0]),
    )
    .flatMap(([, p]) => (propsOf(p).PolicyDocument as { Statement: Statement[] }).Statement);
}
const actionsOn = (svc: ServiceName, pred: (resource: string) => boolean) =>
  new Set(
    taskStatements(svc).flatMap((st) =>
      list(st.Resource)
        .map((x) => render(x))
        .some(pred)
        ? list(st.Action)
        : [],
    ),
  );
const granted = (svc: ServiceName) => new Set(taskStatements(svc).flatMap((st) => list(st.Action)));

describe('task roles', () => {
  it('the gateway only reads tables', () => {
    const ddb = [...granted('gateway')].filter((a) => a.startsWith('dynamodb:'));
    expect(ddb.sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
    expect([...granted('gateway')].filter((a) => a.startsWith('s3:')).sort()).toEqual([
      's3:GetObject',
      's3:ListBucket',
    ]);
  });

  it('each worker writes only its own table', () => {
    for (const svc of ['stream-svc', 'chat-svc', 'recording-svc', 'fanout-svc'] as const) {
      const own = (r: string) => r.includes('Tables') || r.startsWith('<Table');
      for (const st of taskStatements(svc).filter((x) =>
        list(x.Action).some((a) => a.startsWith('dynamodb:')),
      )) {
        for (const r of list(st.Resource).map((x) => render(x))) {
          expect(own(r)).toBe(true);
          expect(r.toLowerCase()).toContain(`table${svc.replace(/-/g, '')}`);
        }
      }
    }
  });

  it('only stream-svc touches IVS, only chat-svc IVS Chat, only recording-svc deletes recordings', () => {
    for (const svc of SERVICE_NAMES) {
      const g = [...granted(svc)];
      expect(g.some((a) => a.startsWith('ivs:'))).toBe(svc === 'stream-svc');
      expect(g.some((a) => a.startsWith('ivschat:'))).toBe(svc === 'chat-svc');
      expect(g.includes('s3:DeleteObject')).toBe(svc === 'recording-svc');
      expect(g.some((a) => a.startsWith('iam:') || a.startsWith('kms:'))).toBe(false);
    }
  });

  it('IVS and IVS Chat writes are limited to onair-tagged resources', () => {
    const cond = (svc: ServiceName, action: string) =>
      taskStatements(svc).find((st) => list(st.Action).includes(action))?.Condition;
    expect(cond('stream-svc', 'ivs:DeleteChannel')).toEqual({
      Null: { 'aws:ResourceTag/onair:streamId': 'false' },
    });
    expect(cond('stream-svc', 'ivs:CreateChannel')).toEqual({
      Null: { 'aws:RequestTag/onair:streamId': 'false' },
    });
    for (const a of ['ivschat:CreateChatToken', 'ivschat:DeleteRoom', 'ivschat:SendEvent'])
      expect(cond('chat-svc', a)).toEqual({ Null: { 'aws:ResourceTag/onair:roomId': 'false' } });
  });

  it('each service sends commands only to the queues it sends to', () => {
    const sends = (svc: ServiceName) =>
      actionsOn(svc, (r) => /onair-(stream|chat|recording|fanout)-svc-commands$/.test(r)).has(
        'sqs:ReceiveMessage',
      );
    // Workers consume their own command queues (chat-svc: and its partition queues), nobody else's.
    for (const svc of ['stream-svc', 'chat-svc', 'recording-svc', 'fanout-svc'] as const) {
      const receives = taskStatements(svc)
        .filter((st) => list(st.Action).includes('sqs:ReceiveMessage'))
        .flatMap((st) => list(st.Resource).map((x) => render(x)))
        .filter((r) => r.endsWith('-commands'));
      const own = contracts.targetsOf(svc).map((t) => `onair-${t.replace('.', '_')}-commands`);
      expect(receives).toEqual(own.map((q) => expect.stringMatching(new RegExp(`:${q}$`))));
      expect(receives.length).toBe(svc === 'chat-svc' ? 1 + PARTITIONS : 1);
    }
    expect(sends('gateway')).toBe(false);
  });

  it('grants every AWS SDK call each service makes (read from its source)', () => {
    for (const svc of SERVICE_NAMES) {
      const calls = sdkCalls(join(__dirname, '..', '..', '..', 'services', svc, 'src'));
      // The gateway serves the admin dead-letter API on the bus library's dead-letter code.
      if (svc === 'gateway')
        for (const c of sdkCalls(
          join(__dirname, '..', '..', '..', 'libs', 'runtime', 'src', 'bus', 'dead-letters'),
        ))
          calls.add(c);
      const g = granted(svc);
      const missing = [...calls].filter((a) => !g.has(a));
      expect({ svc, missing }).toEqual({ svc, missing: [] });
    }
  });
});

const DOC_CLIENT: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  Query: 'Query',
  Scan: 'Scan',
  BatchWrite: 'BatchWriteItem',
  BatchGet: 'BatchGetItem',
  TransactWrite: 'TransactWriteItems',
  TransactGet: 'TransactGetItems',
};
const S3: Record<string, string> = {
  GetObject: 's3:GetObject',
  HeadObject: 's3:GetObject',
  DeleteObject: 's3:DeleteObject',
  PutObject: 's3:PutObject',
  ListObjectsV2: 's3:ListBucket',
};

/** IAM actions of the SDK commands a service's source imports. */
function sdkCalls(dir: string): Set<string> {
  const out = new Set<string>();
  for (const file of files(dir)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/([a-z-]+)'/g)) {
      const names = m[1]
        .split(',')
        .map((n) => n.trim().replace(/^type\s+/, ''))
        .filter((n) => n.endsWith('Command'))
        .map((n) => n.slice(0, -'Command'.length));
      for (const n of names) {
        if (m[2] === 'client-ivs') out.add(`ivs:${n}`);
        else if (m[2] === 'client-ivschat') out.add(`ivschat:${n}`);
        else if (m[2] === 'lib-dynamodb') out.add(`dynamodb:${DOC_CLIENT[n] ?? n}`);
        else if (m[2] === 'client-s3') out.add(S3[n] ?? `s3:${n}`);
        // A batch call is granted by its single action (ChangeMessageVisibilityBatch -> ChangeMessageVisibility).
        else if (m[2] === 'client-sqs') out.add(`sqs:${n.replace(/Batch$/, '')}`);
        else if (m[2] === 'client-dynamodb') out.add(`dynamodb:${n}`);
      }
    }
  }
  return out;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}
