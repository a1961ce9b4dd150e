// The stand-in exercised only through the real AWS SDKs: EventBridgeClient for every operation
// and its errors, and SQSClient against fauxqs to observe what delivery put in the queues.

import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  InvalidEventPatternException,
  LimitExceededException,
  ListEventBusesCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type EventBridgeStandIn, startEventBridgeStandIn } from '../src/eventbridge';
import { type FauxqsProcess, startFauxqsProcess } from './eventbridge-fauxqs';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const quietLogger = { warn: () => {}, error: () => {} };

let fauxqs: FauxqsProcess;
let standIn: EventBridgeStandIn;
let eb: EventBridgeClient;
let sqs: SQSClient;

beforeAll(async () => {
  fauxqs = await startFauxqsProcess();
  standIn = await startEventBridgeStandIn({
    sqsEndpoint: fauxqs.address,
    logger: quietLogger,
    delivery: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20 },
  });
  eb = new EventBridgeClient({ endpoint: standIn.url, region: 'us-east-1', credentials });
  sqs = new SQSClient({ endpoint: fauxqs.address, region: 'us-east-1', credentials });
});

afterAll(async () => {
  eb?.destroy();
  sqs?.destroy();
  await standIn?.close();
  await fauxqs?.stop();
});

/** Calls fn and returns the error it rejects with (failing the test if it resolves). */
async function rejection(
  fn: () => Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

let queueCounter = 0;
async function createQueue(): Promise<{ url: string; arn: string }> {
  const name = `eb-test-${process.pid}-${++queueCounter}`;
  const out = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  return { url: out.QueueUrl!, arn: `arn:aws:sqs:us-east-1:000000000000:${name}` };
}

/** Receives until `count` messages arrived or the deadline passed (no fixed sleeps). */
async function receive(url: string, count: number, deadlineMs = 5000): Promise<Message[]> {
  const got: Message[] = [];
  const until = Date.now() + deadlineMs;
  while (got.length < count && Date.now() < until) {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 60,
      }),
    );
    got.push(...(out.Messages ?? []));
    if (got.length < count) await new Promise((r) => setTimeout(r, 20));
  }
  return got;
}

/** After flush() every delivery has happened, so an empty receive really means "nothing sent". */
async function expectEmpty(url: string): Promise<void> {
  await standIn.flush();
  const out = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  );
  expect(out.Messages ?? []).toEqual([]);
}

async function ruleToQueue(
  name: string,
  pattern: unknown,
  extra: { State?: 'ENABLED' | 'DISABLED'; EventBusName?: string } = {},
) {
  const q = await createQueue();
  await eb.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(pattern), ...extra }));
  const put = await eb.send(
    new PutTargetsCommand({
      Rule: name,
      EventBusName: extra.EventBusName,
      Targets: [{ Id: 'q', Arn: q.arn }],
    }),
  );
  expect(put.FailedEntryCount).toBe(0);
  return q;
}

describe('event buses', () => {
  it('has a default bus that cannot be deleted', async () => {
    const d = await eb.send(new DescribeEventBusCommand({}));
    expect(d.Name).toBe('default');
    expect(d.Arn).toBe('arn:aws:events:us-east-1:000000000000:event-bus/default');
    expect(d.CreationTime).toBeInstanceOf(Date);
    const err = await rejection(() => eb.send(new DeleteEventBusCommand({ Name: 'default' })));
    expect(err.name).toBe('ValidationException');
    expect(err.$metadata?.httpStatusCode).toBe(400);
  });

  it('creates, describes, lists and deletes a bus', async () => {
    const created = await eb.send(new CreateEventBusCommand({ Name: 'orders', Description: 'order events' }));
    expect(created.EventBusArn).toBe('arn:aws:events:us-east-1:000000000000:event-bus/orders');

    const dup = await rejection(() => eb.send(new CreateEventBusCommand({ Name: 'orders' })));
    expect(dup).toBeInstanceOf(ResourceAlreadyExistsException);

    const byArn = await eb.send(new DescribeEventBusCommand({ Name: created.EventBusArn }));
    expect(byArn).toMatchObject({ Name: 'orders', Description: 'order events' });

    const listed = await eb.send(new ListEventBusesCommand({}));
    expect(listed.EventBuses?.map((b) => b.Name)).toEqual(expect.arrayContaining(['default', 'orders']));
    const prefixed = await eb.send(new ListEventBusesCommand({ NamePrefix: 'ord' }));
    expect(prefixed.EventBuses?.map((b) => b.Name)).toEqual(['orders']);

    await eb.send(new DeleteEventBusCommand({ Name: 'orders' }));
    const gone = await rejection(() => eb.send(new DescribeEventBusCommand({ Name: 'orders' })));
    expect(gone).toBeInstanceOf(ResourceNotFoundException);
    expect(gone.message).toBe('Event bus orders does not exist.');
    // Deleting again is not an error, as in AWS.
    await eb.send(new DeleteEventBusCommand({ Name: 'orders' }));
  });

  it('paginates with Limit and NextToken', async () => {
    for (const n of ['page-a', 'page-b', 'page-c']) await eb.send(new CreateEventBusCommand({ Name: n }));
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await eb.send(
        new ListEventBusesCommand({ NamePrefix: 'page-', Limit: 2, NextToken: token }),
      );
      expect(page.EventBuses!.length).toBeLessThanOrEqual(2);
      names.push(...page.EventBuses!.map((b) => b.Name!));
      token = page.NextToken;
    } while (token);
    expect(names).toEqual(['page-a', 'page-b', 'page-c']);
  });
});

describe('rules and targets', () => {
  it('puts, describes, lists and deletes rules', async () => {
    const pattern = JSON.stringify({ source: ['onair.test'] });
    const put = await eb.send(
      new PutRuleCommand({ Name: 'r-one', EventPattern: pattern, Description: 'first' }),
    );
    expect(put.RuleArn).toBe('arn:aws:events:us-east-1:000000000000:rule/r-one');

    const d = await eb.send(new DescribeRuleCommand({ Name: 'r-one' }));
    expect(d).toMatchObject({
      Name: 'r-one',
      EventPattern: pattern,
      State: 'ENABLED',
      EventBusName: 'default',
    });

    await eb.send(new PutRuleCommand({ Name: 'r-two', EventPattern: pattern, State: 'DISABLED' }));
    await eb.send(new PutRuleCommand({ Name: 'other', EventPattern: pattern }));
    const listed = await eb.send(new ListRulesCommand({ NamePrefix: 'r-' }));
    expect(listed.Rules?.map((r) => [r.Name, r.State])).toEqual([
      ['r-one', 'ENABLED'],
      ['r-two', 'DISABLED'],
    ]);

    for (const Name of ['r-one', 'r-two', 'other']) await eb.send(new DeleteRuleCommand({ Name }));
    expect((await eb.send(new ListRulesCommand({ NamePrefix: 'r-' }))).Rules).toEqual([]);
    const gone = await rejection(() => eb.send(new DescribeRuleCommand({ Name: 'r-one' })));
    expect(gone).toBeInstanceOf(ResourceNotFoundException);
  });

  it('puts rules on a custom bus with a bus-scoped ARN', async () => {
    await eb.send(new CreateEventBusCommand({ Name: 'custom-rules' }));
    const put = await eb.send(
      new PutRuleCommand({ Name: 'c1', EventBusName: 'custom-rules', EventPattern: '{"source":["x"]}' }),
    );
    expect(put.RuleArn).toBe('arn:aws:events:us-east-1:000000000000:rule/custom-rules/c1');
    const onDefault = await rejection(() => eb.send(new DescribeRuleCommand({ Name: 'c1' })));
    expect(onDefault).toBeInstanceOf(ResourceNotFoundException);
    const listed = await eb.send(new ListRulesCommand({ EventBusName: 'custom-rules' }));
    expect(listed.Rules?.map((r) => r.Name)).toEqual(['c1']);
  });

  it('rejects invalid patterns, missing buses and missing pattern', async () => {
    const bad = await rejection(() =>
      eb.send(new PutRuleCommand({ Name: 'bad', EventPattern: '{"source":"x"}' })),
    );
    expect(bad).toBeInstanceOf(InvalidEventPatternException);
    expect(bad.message).toMatch(/^Event pattern is not valid/);
    const notJson = await rejection(() => eb.send(new PutRuleCommand({ Name: 'bad', EventPattern: '{' })));
    expect(notJson).toBeInstanceOf(InvalidEventPatternException);
    const noBus = await rejection(() =>
      eb.send(new PutRuleCommand({ Name: 'x', EventBusName: 'nope', EventPattern: '{"source":["x"]}' })),
    );
    expect(noBus).toBeInstanceOf(ResourceNotFoundException);
    const noPattern = await rejection(() => eb.send(new PutRuleCommand({ Name: 'x' })));
    expect(noPattern.name).toBe('ValidationException');
  });

  it('manages targets and refuses to delete a rule that still has some', async () => {
    const q = await createQueue();
    await eb.send(new PutRuleCommand({ Name: 't-rule', EventPattern: '{"source":["x"]}' }));
    const put = await eb.send(
      new PutTargetsCommand({
        Rule: 't-rule',
        Targets: [
          { Id: 'ok', Arn: q.arn },
          { Id: 'lambda', Arn: 'arn:aws:lambda:us-east-1:000000000000:function:f' },
        ],
      }),
    );
    expect(put.FailedEntryCount).toBe(1);
    expect(put.FailedEntries).toEqual([
      expect.objectContaining({ TargetId: 'lambda', ErrorCode: 'ValidationException' }),
    ]);

    const listed = await eb.send(new ListTargetsByRuleCommand({ Rule: 't-rule' }));
    expect(listed.Targets).toEqual([{ Id: 'ok', Arn: q.arn }]);

    const blocked = await rejection(() => eb.send(new DeleteRuleCommand({ Name: 't-rule' })));
    expect(blocked.name).toBe('ValidationException');
    expect(blocked.message).toBe("Rule can't be deleted since it has targets.");

    const removed = await eb.send(new RemoveTargetsCommand({ Rule: 't-rule', Ids: ['ok'] }));
    expect(removed.FailedEntryCount).toBe(0);
    expect((await eb.send(new ListTargetsByRuleCommand({ Rule: 't-rule' }))).Targets).toEqual([]);
    await eb.send(new DeleteRuleCommand({ Name: 't-rule' }));
  });

  it('reports missing rules and the per-rule target limit', async () => {
    for (const cmd of [
      new PutTargetsCommand({
        Rule: 'missing',
        Targets: [{ Id: 'a', Arn: 'arn:aws:sqs:us-east-1:000000000000:q' }],
      }),
      new ListTargetsByRuleCommand({ Rule: 'missing' }),
      new RemoveTargetsCommand({ Rule: 'missing', Ids: ['a'] }),
    ]) {
      // biome-ignore lint/suspicious/noExplicitAny: heterogeneous commands share send()
      const err = await rejection(() => eb.send(cmd as any));
      expect(err).toBeInstanceOf(ResourceNotFoundException);
    }
    await eb.send(new PutRuleCommand({ Name: 'limit', EventPattern: '{"source":["x"]}' }));
    const targets = Array.from({ length: 6 }, (_, i) => ({
      Id: `t${i}`,
      Arn: `arn:aws:sqs:us-east-1:000000000000:q${i}`,
    }));
    // The SDK retries LimitExceededException as throttling; one attempt is enough to see it.
    const once = new EventBridgeClient({
      endpoint: standIn.url,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1,
    });
    const err = await rejection(() => once.send(new PutTargetsCommand({ Rule: 'limit', Targets: targets })));
    once.destroy();
    expect(err).toBeInstanceOf(LimitExceededException);
  });
});

describe('PutEvents', () => {
  it('validates entries one by one', async () => {
    const out = await eb.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'onair.test', DetailType: 'ok', Detail: '{}' },
          { DetailType: 'no source', Detail: '{}' },
          { Source: 'onair.test', Detail: '{}' },
          { Source: 'onair.test', DetailType: 'no detail' },
          { Source: 'onair.test', DetailType: 'bad', Detail: '{not json' },
          { Source: 'onair.test', DetailType: 'array', Detail: '[1]' },
          { Source: 'aws.ivs', DetailType: 'spoof', Detail: '{}' },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(6);
    const e = out.Entries!;
    expect(e[0].EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(e.slice(1, 4).map((x) => x.ErrorCode)).toEqual([
      'InvalidArgument',
      'InvalidArgument',
      'InvalidArgument',
    ]);
    expect(e[1].ErrorMessage).toBe('Parameter Source is not valid. Reason: Source is a required argument.');
    expect(e[4]).toEqual({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
    expect(e[5].ErrorCode).toBe('MalformedDetail');
    expect(e[6].ErrorCode).toBe('NotAuthorizedForSourceException');
  });

  it('rejects more than 10 entries', async () => {
    const Entries = Array.from({ length: 11 }, () => ({ Source: 's', DetailType: 'd', Detail: '{}' }));
    const err = await rejection(() => eb.send(new PutEventsCommand({ Entries })));
    expect(err.name).toBe('ValidationException');
  });

  it('delivers matching events to SQS as the EventBridge envelope', async () => {
    const q = await ruleToQueue('e2e-match', { source: ['onair.e2e'], detail: { kind: ['created'] } });
    const time = new Date('2024-05-01T10:20:30Z');
    const out = await eb.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'onair.e2e',
            DetailType: 'Thing Created',
            Detail: JSON.stringify({ kind: 'created', n: 1 }),
            Resources: ['arn:aws:thing:1'],
            Time: time,
          },
          { Source: 'onair.e2e', DetailType: 'Thing Deleted', Detail: JSON.stringify({ kind: 'deleted' }) },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(0);
    const [msg, ...rest] = await receive(q.url, 1);
    expect(rest).toEqual([]);
    expect(JSON.parse(msg.Body!)).toEqual({
      version: '0',
      id: out.Entries![0].EventId,
      'detail-type': 'Thing Created',
      source: 'onair.e2e',
      account: '000000000000',
      time: '2024-05-01T10:20:30Z',
      region: 'us-east-1',
      resources: ['arn:aws:thing:1'],
      detail: { kind: 'created', n: 1 },
    });
    await expectEmpty(q.url);
  });

  it('fans one event out to every matching rule; non-matching and disabled rules get nothing', async () => {
    const a = await ruleToQueue('fan-a', { source: ['onair.fan'] });
    const b = await ruleToQueue('fan-b', { 'detail-type': [{ prefix: 'Fan' }] });
    const miss = await ruleToQueue('fan-miss', { source: ['onair.other'] });
    const off = await ruleToQueue('fan-off', { source: ['onair.fan'] }, { State: 'DISABLED' });

    await eb.send(
      new PutEventsCommand({ Entries: [{ Source: 'onair.fan', DetailType: 'Fan Out', Detail: '{"x":1}' }] }),
    );
    expect(await receive(a.url, 1)).toHaveLength(1);
    expect(await receive(b.url, 1)).toHaveLength(1);
    await expectEmpty(miss.url);
    await expectEmpty(off.url);

    // Re-enabling the rule (PutRule is an upsert that keeps targets) starts deliveries again.
    await eb.send(
      new PutRuleCommand({ Name: 'fan-off', EventPattern: '{"source":["onair.fan"]}', State: 'ENABLED' }),
    );
    await eb.send(
      new PutEventsCommand({ Entries: [{ Source: 'onair.fan', DetailType: 'Fan Out', Detail: '{"x":2}' }] }),
    );
    const [again] = await receive(off.url, 1);
    expect(JSON.parse(again.Body!).detail).toEqual({ x: 2 });
  });

  it('routes by bus: events on a custom bus only reach that bus’s rules', async () => {
    await eb.send(new CreateEventBusCommand({ Name: 'routing' }));
    const onCustom = await ruleToQueue(
      'route-custom',
      { source: ['onair.route'] },
      { EventBusName: 'routing' },
    );
    const onDefault = await ruleToQueue('route-default', { source: ['onair.route'] });
    await eb.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'onair.route',
            DetailType: 'x',
            Detail: '{}',
            EventBusName: 'arn:aws:events:us-east-1:000000000000:event-bus/routing',
          },
        ],
      }),
    );
    expect(await receive(onCustom.url, 1)).toHaveLength(1);
    await expectEmpty(onDefault.url);
  });

  it('applies a constant Input or an InputPath to the target', async () => {
    const q1 = await createQueue();
    const q2 = await createQueue();
    await eb.send(new PutRuleCommand({ Name: 'input', EventPattern: '{"source":["onair.input"]}' }));
    await eb.send(
      new PutTargetsCommand({
        Rule: 'input',
        Targets: [
          { Id: 'const', Arn: q1.arn, Input: '{"fixed":true}' },
          { Id: 'path', Arn: q2.arn, InputPath: '$.detail.inner' },
        ],
      }),
    );
    await eb.send(
      new PutEventsCommand({
        Entries: [{ Source: 'onair.input', DetailType: 'x', Detail: '{"inner":{"a":1}}' }],
      }),
    );
    expect(JSON.parse((await receive(q1.url, 1))[0].Body!)).toEqual({ fixed: true });
    expect(JSON.parse((await receive(q2.url, 1))[0].Body!)).toEqual({ a: 1 });
  });

  it('delivers any Unicode in the detail to SQS (fauxqs refuses astral characters unescaped)', async () => {
    const text =
      'hi 😀 👩‍👩‍👧 안녕하세요 你好 שלום مرحبا \u200b\u200d\ufeff \t\n\u0001 \u0085\ufffe\uffff\u{10ffff}';
    const detail = { text, [text]: [text], lone: '\ud800 \udfff' };
    const q = await ruleToQueue('unicode', { source: ['onair.unicode'] });
    const q1 = await createQueue();
    const q2 = await createQueue();
    await eb.send(
      new PutTargetsCommand({
        Rule: 'unicode',
        Targets: [
          { Id: 'const', Arn: q1.arn, Input: JSON.stringify({ fixed: text }) },
          { Id: 'path', Arn: q2.arn, InputPath: '$.detail' },
        ],
      }),
    );
    // The SDK sends the Detail as it is: raw emoji, no escapes.
    const out = await eb.send(
      new PutEventsCommand({
        Entries: [{ Source: 'onair.unicode', DetailType: 'Ünïcode 😀', Detail: JSON.stringify(detail) }],
      }),
    );
    expect(out.FailedEntryCount).toBe(0);
    const injected = standIn.injectEvent({ source: 'onair.unicode', 'detail-type': text, detail });
    await standIn.flush();
    expect(standIn.failedDeliveries()).toEqual([]);
    const [viaPut, viaInject] = await receive(q.url, 2);
    expect(JSON.parse(viaPut.Body!)).toMatchObject({ 'detail-type': 'Ünïcode 😀', detail });
    expect(JSON.parse(viaInject.Body!)).toEqual(injected);
    // The bodies are JSON with escapes where SQS would refuse a character.
    for (const m of [viaPut, viaInject]) expect(m.Body).toMatch(/^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD]*$/);
    expect(JSON.parse((await receive(q1.url, 1))[0].Body!)).toEqual({ fixed: text });
    expect(JSON.parse((await receive(q2.url, 1))[0].Body!)).toEqual(detail);
  });

  it('accepts events for a bus that does not exist and drops them (as AWS does)', async () => {
    const out = await eb.send(
      new PutEventsCommand({
        Entries: [{ Source: 'onair.x', DetailType: 'x', Detail: '{}', EventBusName: 'no-such-bus' }],
      }),
    );
    expect(out.FailedEntryCount).toBe(0);
  });
});

describe('injectEvent and delivery', () => {
  it('delivers aws.* events injected in-process through the same rules', async () => {
    const q = await ruleToQueue('ivs-state', {
      source: ['aws.ivs'],
      'detail-type': ['IVS Stream State Change'],
      detail: { event_name: ['Stream Start', 'Stream End'] },
    });
    const envelope = standIn.injectEvent({
      source: 'aws.ivs',
      'detail-type': 'IVS Stream State Change',
      resources: ['arn:aws:ivs:us-east-1:000000000000:channel/abc'],
      detail: { event_name: 'Stream Start', channel_name: 'abc', stream_id: 'st-1' },
    });
    standIn.injectEvent({
      source: 'aws.ivs',
      'detail-type': 'IVS Stream State Change',
      detail: { event_name: 'Session Created' },
    });
    await standIn.flush();
    const msgs = await receive(q.url, 1);
    expect(msgs).toHaveLength(1);
    expect(JSON.parse(msgs[0].Body!)).toEqual(envelope);
    expect(envelope.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await expectEmpty(q.url);
  });

  it('keeps per-queue order for a burst of events', async () => {
    const q = await ruleToQueue('burst', { source: ['onair.burst'] });
    for (let i = 0; i < 20; i++)
      standIn.injectEvent({ source: 'onair.burst', 'detail-type': 'n', detail: { i } });
    await standIn.flush();
    const msgs = await receive(q.url, 20);
    expect(msgs.map((m) => JSON.parse(m.Body!).detail.i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('retries a failing target, then records the failure without blocking others', async () => {
    const good = await ruleToQueue('retry-good', { source: ['onair.retry'] });
    await eb.send(new PutRuleCommand({ Name: 'retry-bad', EventPattern: '{"source":["onair.retry"]}' }));
    await eb.send(
      new PutTargetsCommand({
        Rule: 'retry-bad',
        Targets: [{ Id: 'gone', Arn: 'arn:aws:sqs:us-east-1:000000000000:does-not-exist' }],
      }),
    );
    const before = standIn.failedDeliveries().length;
    const env = standIn.injectEvent({ source: 'onair.retry', 'detail-type': 'x', detail: {} });
    await standIn.flush();
    expect(await receive(good.url, 1)).toHaveLength(1);
    const failures = standIn.failedDeliveries().slice(before);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ attempts: 3, job: { eventId: env.id, targetId: 'gone' } });
    await eb.send(new RemoveTargetsCommand({ Rule: 'retry-bad', Ids: ['gone'] }));
  });
});

describe('wire protocol', () => {
  it('answers unknown operations and bad JSON with AWS-style errors', async () => {
    const unknown = await fetch(standIn.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSEvents.Nope', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { __type: string }).__type).toBe('UnknownOperationException');

    const bad = await fetch(standIn.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSEvents.ListRules', 'content-type': 'application/x-amz-json-1.1' },
      body: '{oops',
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(await bad.json()).toEqual({
      __type: 'SerializationException',
      message: 'Request body is not valid JSON.',
    });
  });
});
