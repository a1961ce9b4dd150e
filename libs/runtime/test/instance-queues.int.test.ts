// Per-instance queues of an instance that dies (kill -9 of a process of its own) go away on both
// transports, and a live instance's never do: SQS by the expiry tag its instance renews and the
// sweeper (libs/runtime/src/bus/instance-queues.ts), RabbitMQ by x-expires, which the broker
// applies itself (and which a live instance renews on the queues nobody consumes).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { ListRulesCommand } from '@aws-sdk/client-eventbridge';
import { GetQueueUrlCommand, ListQueuesCommand, ListQueueTagsCommand } from '@aws-sdk/client-sqs';
import { contracts, type Envelope, makeEnvelope } from '@onair/contracts';
import * as amqp from 'amqplib';
import {
  type Bus,
  EXPIRES_AT_TAG,
  INSTANCE_TAG,
  RabbitBus,
  RULE_TAG,
  SqsBus,
  sqsNames,
  sweepExpiredQueues,
} from '../src/bus';
import { AMQP_URL, requireRabbit } from './rabbit-harness';
import { type SqsHarness, sqsHarness } from './sqs-harness';
import { waitFor } from './wait-for';

jest.setTimeout(90_000);

const noop = async () => {};

/**
 * A bus instance in a child process (instance-queues-child.ts), ready when it says so. Node with
 * tsx as a loader, not tsx's CLI: that runs the script in a grandchild, which kill -9 would miss.
 */
async function startInstance(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, 'instance-queues-child.ts')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  await new Promise<void>((ok, fail) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('"ready":true')) ok();
    });
    child.once('exit', (code) => fail(new Error(`the instance exited with ${code}: ${err}`)));
  });
  return child;
}

function kill9(child: ChildProcess): Promise<void> {
  return new Promise((ok) => {
    if (child.exitCode !== null || child.signalCode !== null) return ok();
    child.once('exit', () => ok());
    child.kill('SIGKILL');
  });
}

const ping = (service: string): Envelope =>
  makeEnvelope({
    type: 'onair.system.ping.v1',
    source: 'test',
    data: { service, sentAt: new Date().toISOString() },
  });

describe('sqs: per-instance queues', () => {
  let h: SqsHarness;
  const buses: Bus[] = [];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    h = await sqsHarness();
  });
  afterAll(async () => {
    await Promise.all(children.map(kill9));
    await Promise.all(buses.map((b) => b.close()));
    await h?.cleanup();
  });

  const queueNames = async (): Promise<string[]> => {
    const r = await h.clients().sqs.send(new ListQueuesCommand({ QueueNamePrefix: `${h.namespace}-` }));
    return (r.QueueUrls ?? []).map((u) => u.slice(u.lastIndexOf('/') + 1));
  };
  const tagsOf = async (name: string): Promise<Record<string, string>> => {
    const { sqs } = h.clients();
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    return (await sqs.send(new ListQueueTagsCommand({ QueueUrl }))).Tags ?? {};
  };
  const q = (who: string, kind: 'commands' | 'events') => sqsNames.queue(h.namespace, who, kind);
  const instanceQueues = (id: string) => [
    q(`gateway.${id}`, 'commands'),
    sqsNames.dlq(q(`gateway.${id}`, 'commands')),
    q(`probe.${id}.presence`, 'events'),
    sqsNames.dlq(q(`probe.${id}.presence`, 'events')),
    sqsNames.replyQueue(h.namespace, id),
  ];
  const expiryMs = 3000;

  /** A live instance like the child, in this process, sweeping every 300 ms. */
  async function liveInstance(id: string): Promise<SqsBus> {
    const bus = new SqsBus(h.clients(), {
      namespace: h.namespace,
      service: 'live',
      instanceId: id,
      registry: contracts,
      instanceQueueExpiryMs: expiryMs,
      sweepIntervalMs: 300,
      waitTimeSeconds: 1,
    });
    buses.push(bus);
    await bus.start();
    await bus.consumeCommands(`gateway.${id}`, noop, { ephemeral: true });
    await bus.subscribe(`probe.${id}.presence`, ['onair.presence.snapshot-requested.v1'], noop, {
      ephemeral: true,
    });
    await bus.request(ping('nobody'), { to: `nobody-${id}`, timeoutMs: 200 }).catch(() => {});
    return bus;
  }

  it("a killed instance's queues and rule are swept; a live instance's, renewed, are kept; durable ones are never touched", async () => {
    const live = `live${randomUUID().slice(0, 6)}`;
    const dead = `dead${randomUUID().slice(0, 6)}`;
    const liveSince = Date.now();
    const bus = await liveInstance(live);
    await bus.consumeCommands('durable-svc', noop); // a service queue: no expiry tag
    const durable = [q('durable-svc', 'commands'), sqsNames.dlq(q('durable-svc', 'commands'))];

    // What the instance wrote on its queues.
    const tags = await tagsOf(q(`gateway.${live}`, 'commands'));
    expect(tags[INSTANCE_TAG]).toBe(live);
    expect(Date.parse(tags[EXPIRES_AT_TAG])).toBeGreaterThan(Date.now());
    expect((await tagsOf(q(`probe.${live}.presence`, 'events')))[RULE_TAG]).toBe(
      sqsNames.rule(h.namespace, `probe.${live}.presence`),
    );
    expect(await tagsOf(durable[0])).toEqual({});

    const child = await startInstance({
      TRANSPORT: 'sqs',
      NAMESPACE: h.namespace,
      INSTANCE: dead,
      EXPIRY_MS: String(expiryMs),
      SQS_ENDPOINT: h.sqsEndpoint,
      EVENTBRIDGE_ENDPOINT: h.eventBridgeEndpoint,
    });
    children.push(child);
    const before = await queueNames();
    for (const name of instanceQueues(dead)) expect(before).toContain(name);
    await kill9(child);

    // The live instance's sweeper removes what the dead one left, once its expiry has passed.
    await waitFor(
      async () => {
        const names = await queueNames();
        return instanceQueues(dead).every((n) => !names.includes(n));
      },
      { timeoutMs: 30_000, what: "the dead instance's queues to be swept" },
    );
    const rules = await h
      .clients()
      .eventBridge.send(new ListRulesCommand({ EventBusName: h.namespace, NamePrefix: h.namespace }));
    const ruleNames = (rules.Rules ?? []).map((r) => r.Name);
    expect(ruleNames).not.toContain(sqsNames.rule(h.namespace, `probe.${dead}.presence`));
    expect(ruleNames).toContain(sqsNames.rule(h.namespace, `probe.${live}.presence`));

    // The live instance's queues outlived their first expiry: renewed, not swept.
    expect(Date.now()).toBeGreaterThan(liveSince + expiryMs);
    const swept = await sweepExpiredQueues({ ...h.clients(), namespace: h.namespace });
    expect(swept).toEqual([]);
    const after = await queueNames();
    for (const name of [...instanceQueues(live), ...durable]) expect(after).toContain(name);
  });

  it("a clean stop deletes the instance's queues at once and leaves their DLQs to expire, then be swept", async () => {
    const id = `stop${randomUUID().slice(0, 6)}`;
    const bus = await liveInstance(id);
    await bus.close();
    const [cmdQ, cmdDlq, evtQ, evtDlq, replyQ] = instanceQueues(id);
    const names = await queueNames();
    for (const n of [cmdQ, evtQ, replyQ]) expect(names).not.toContain(n);
    expect(names).toEqual(expect.arrayContaining([cmdDlq, evtDlq]));
    // Not yet expired: a sweep now keeps them; one after their expiry removes them.
    const { sqs, eventBridge } = h.clients();
    expect(await sweepExpiredQueues({ sqs, eventBridge, namespace: h.namespace })).toEqual([]);
    const later = await sweepExpiredQueues({
      sqs,
      eventBridge,
      namespace: h.namespace,
      now: Date.now() + expiryMs + 1000,
    });
    expect(later.map((s) => s.name)).toEqual(expect.arrayContaining([cmdDlq, evtDlq]));
    const left = await queueNames();
    for (const n of [cmdDlq, evtDlq]) expect(left).not.toContain(n);
  });
});

describe('rabbitmq: per-instance queues', () => {
  const namespace = `t-${randomUUID().slice(0, 8)}`;
  let conn: amqp.ChannelModel;
  const buses: Bus[] = [];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    await requireRabbit();
    conn = await amqp.connect(AMQP_URL);
    conn.on('error', () => {});
  });
  afterAll(async () => {
    await Promise.all(children.map(kill9));
    await Promise.all(buses.map((b) => b.close()));
    const ch = await conn.createChannel();
    ch.on('error', () => {});
    for (const name of await rabbitQueues(namespace)) await ch.deleteQueue(name).catch(() => {});
    await ch.deleteExchange(`${namespace}.commands`).catch(() => {});
    await ch.deleteExchange(`${namespace}.events`).catch(() => {});
    await conn.close();
  });

  // Not a passive declare (checkQueue): that counts as using the queue and renews its x-expires.
  const exists = async (queue: string): Promise<boolean> => (await rabbitQueues(namespace)).includes(queue);
  const expiryMs = 1500;
  const retryDelays = [50, 100];
  /** The queues of an instance's ephemeral command consumer: itself and its retry queues. */
  const instanceQueues = (id: string) => {
    const main = `${namespace}.gateway.${id}.commands`;
    const events = `${namespace}.probe.${id}.presence.events`;
    return [main, events, ...[main, events].flatMap((m) => retryDelays.map((ms) => `${m}.retry.${ms}`))];
  };

  it("a killed instance's queues expire (x-expires); a live instance's stay, its retry queues and DLQ too, and its retries still work", async () => {
    const live = `live${randomUUID().slice(0, 6)}`;
    const dead = `dead${randomUUID().slice(0, 6)}`;
    const bus = new RabbitBus(AMQP_URL, {
      namespace,
      service: 'live',
      instanceId: live,
      registry: contracts,
      instanceQueueExpiryMs: expiryMs,
      retryDelaysMs: retryDelays,
      maxAttempts: 3,
    });
    buses.push(bus);
    await bus.start();
    const attempts = new Map<string, number[]>();
    await bus.consumeCommands(
      `gateway.${live}`,
      async (m, ctx) => {
        attempts.set(m.id, [...(attempts.get(m.id) ?? []), ctx.attempt]);
        if (ctx.attempt === 1) throw new Error('fails once');
      },
      { ephemeral: true },
    );
    await bus.subscribe(`probe.${live}.presence`, ['onair.presence.snapshot-requested.v1'], noop, {
      ephemeral: true,
    });
    const liveSince = Date.now();

    const child = await startInstance({
      TRANSPORT: 'rabbitmq',
      NAMESPACE: namespace,
      INSTANCE: dead,
      EXPIRY_MS: String(expiryMs),
      AMQP_URL,
    });
    children.push(child);
    // The child uses the default retry delays: its retry queues are named after them.
    const deadMain = [`${namespace}.gateway.${dead}.commands`, `${namespace}.probe.${dead}.presence.events`];
    for (const name of deadMain) expect(await exists(name)).toBe(true);
    await kill9(child);

    await waitFor(async () => !(await exists(deadMain[0])) && !(await exists(deadMain[1])), {
      timeoutMs: 30_000,
      what: "the dead instance's queues to expire",
    });
    // The live instance's queues have outlived their expiry: the consumed ones by having their
    // consumer, the others (retry queues, DLQ) because the instance declares them again.
    expect(Date.now()).toBeGreaterThan(liveSince + expiryMs);
    await waitFor(() => Date.now() > liveSince + 2 * expiryMs, { what: 'two expiry periods' });
    for (const name of [...instanceQueues(live), `${namespace}.gateway.${live}.commands.dlq`])
      expect([name, await exists(name)]).toEqual([name, true]);
    // So a failure is still retried (a retry queue that had expired would drop it silently).
    const cmd = ping('x');
    await bus.send(cmd, { to: `gateway.${live}` });
    await waitFor(() => attempts.get(cmd.id)?.length === 2, { what: 'the retry' });
    expect(attempts.get(cmd.id)).toEqual([1, 2]);
  });
});

/** Queue names of a namespace, from rabbitmqctl (AMQP cannot list queues). */
function rabbitQueues(namespace: string): Promise<string[]> {
  return new Promise((ok) => {
    execFile('rabbitmqctl', ['list_queues', 'name', '--quiet', '--no-table-headers'], (err, stdout) => {
      if (err) return ok([]);
      ok(
        stdout
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l.startsWith(`${namespace}.`)),
      );
    });
  });
}
