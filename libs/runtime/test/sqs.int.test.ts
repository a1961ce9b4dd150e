import { randomUUID } from 'node:crypto';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DeleteQueueCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { contracts } from '@onair/contracts';
import { type Envelope, makeEnvelope } from '@onair/contracts';
import { SqsBus } from '../src/bus';
import { busContract } from './bus-contract';
import { type SqsHarness, sqsHarness } from './sqs-harness';
import { waitFor } from './wait-for';

// SQS visibility has a 1 s granularity: retries take a second each.
jest.setTimeout(60_000);

busContract('sqs+eventbridge', sqsHarness);

describe('sqs transport: batching and recovery', () => {
  let h: SqsHarness;
  const buses: SqsBus[] = [];

  beforeAll(async () => {
    h = await sqsHarness();
  });
  afterAll(async () => {
    await Promise.all(buses.map((b) => b.close()));
    await h?.cleanup();
  });

  const ping = (service: string): Envelope =>
    makeEnvelope({
      type: 'onair.system.ping.v1',
      source: 'test',
      data: { service, sentAt: new Date().toISOString() },
    });

  /** Clients whose SQS and EventBridge calls are counted by command name. */
  const countingClients = () => {
    const calls = new Map<string, number>();
    const c = h.clients();
    const count = (name = '?') => calls.set(name, (calls.get(name) ?? 0) + 1);
    c.sqs.middlewareStack.add(
      (next, context) => async (args) => {
        count(context.commandName);
        return next(args);
      },
      { step: 'initialize', name: 'countCalls' },
    );
    c.eventBridge.middlewareStack.add(
      (next, context) => async (args) => {
        count(context.commandName);
        return next(args);
      },
      { step: 'initialize', name: 'countCalls' },
    );
    return { clients: c, calls };
  };

  it('sends 25 concurrent commands in fewer SendMessageBatch calls, each delivered', async () => {
    const target = `svc-${randomUUID().slice(0, 6)}`;
    const server = await h.makeBus(target);
    buses.push(server as SqsBus);
    const got = new Set<string>();
    await server.consumeCommands(target, async (m) => {
      got.add(m.id);
    });
    const { clients, calls } = countingClients();
    const producer = await h.makeBusWith('producer', clients);
    buses.push(producer);
    const cmds = Array.from({ length: 25 }, () => ping(target));
    await Promise.all(cmds.map((c) => producer.send(c, { to: target })));
    const batches = calls.get('SendMessageBatchCommand') ?? 0;
    expect(batches).toBeGreaterThan(0);
    expect(batches).toBeLessThanOrEqual(5);
    expect(calls.get('SendMessageCommand') ?? 0).toBe(0);
    await waitFor(() => got.size === 25, { what: '25 commands' });
    expect([...got].sort()).toEqual(cmds.map((c) => c.id).sort());
  });

  it('publishes 25 concurrent events in fewer PutEvents calls, each delivered', async () => {
    const tag = randomUUID().slice(0, 6);
    const sub = await h.makeBus('sub');
    buses.push(sub as SqsBus);
    const got = new Set<string>();
    await sub.subscribe(`batch-${tag}`, ['onair.stream.#'], async (m) => {
      got.add(m.id);
    });
    const { clients, calls } = countingClients();
    const producer = await h.makeBusWith('producer', clients);
    buses.push(producer);
    const events = Array.from({ length: 25 }, (_, i) =>
      makeEnvelope({
        type: 'onair.stream.state-changed.v1',
        source: 'test',
        data: { streamId: `st_${i}`, status: 'live', at: new Date().toISOString() },
      }),
    );
    await Promise.all(events.map((e) => producer.publish(e)));
    const puts = calls.get('PutEventsCommand') ?? 0;
    expect(puts).toBeGreaterThan(0);
    expect(puts).toBeLessThanOrEqual(5);
    await waitFor(() => got.size === 25, { what: '25 events' });
  });

  it('keeps consuming and sending when the queue is deleted under it', async () => {
    const target = `svc-${randomUUID().slice(0, 6)}`;
    const server = await h.makeBus(target);
    buses.push(server as SqsBus);
    const got = new Set<string>();
    await server.consumeCommands(target, async (m) => {
      got.add(m.id);
    });
    const producer = await h.makeBus('producer');
    buses.push(producer as SqsBus);
    const first = ping(target);
    await producer.send(first, { to: target });
    await waitFor(() => got.has(first.id), { what: 'the first command' });

    const admin = h.clients().sqs;
    const name = (server as SqsBus).queueName(target, 'commands');
    const { QueueUrl } = await admin.send(new GetQueueUrlCommand({ QueueName: name }));
    await admin.send(new DeleteQueueCommand({ QueueUrl }));

    // The consumer's receives fail: it declares the queue again by itself.
    await waitFor(async () => (await admin.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl, {
      what: 'the consumer to declare its queue again',
      timeoutMs: 20_000,
    });
    // The producer's cached URL may be stale too: it declares the queue again if it must.
    const second = ping(target);
    await producer.send(second, { to: target });
    await waitFor(() => got.has(second.id), {
      what: 'a command after the queue was deleted',
      timeoutMs: 20_000,
    });
    admin.destroy();
  });

  it('is ready while SQS answers, and not when it does not', async () => {
    const bus = await h.makeBus('ready');
    buses.push(bus as SqsBus);
    expect(await bus.isReady()).toBe(true);
    const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };
    const dead = new SqsBus(
      {
        sqs: new SQSClient({
          region: 'us-east-1',
          endpoint: 'http://127.0.0.1:9',
          credentials,
          maxAttempts: 1,
        }),
        eventBridge: new EventBridgeClient({
          region: 'us-east-1',
          endpoint: 'http://127.0.0.1:9',
          credentials,
        }),
      },
      { namespace: h.namespace, service: 'dead', registry: contracts },
    );
    expect(await dead.isReady()).toBe(false);
    await dead.close();
  });
});
