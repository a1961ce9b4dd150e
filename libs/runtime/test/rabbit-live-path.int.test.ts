// The live path on RabbitMQ: partition queues and live subscriptions are classic queues (their
// data is durable in the table), and a subscription that moves there stops feeding its old quorum
// queue: unbound, and deleted when empty.
import { randomUUID } from 'node:crypto';
import { contracts, makeEnvelope } from '@onair/contracts';
import * as amqp from 'amqplib';
import { RabbitBus } from '../src/bus';
import { silentLogger } from '../src/logger';
import { chatMessage } from './bus-contract';
import { AMQP_URL, requireRabbit } from './rabbit-harness';
import { waitFor } from './wait-for';

const streamEvent = () =>
  makeEnvelope({
    type: 'onair.stream.state-changed.v1',
    source: 'test',
    data: { streamId: 'st_1', status: 'live', at: new Date().toISOString() },
  });

describe('the live path on RabbitMQ', () => {
  let conn: amqp.ChannelModel;
  const namespace = `t-${randomUUID().slice(0, 8)}`;
  const buses: RabbitBus[] = [];
  const bus = async () => {
    const b = new RabbitBus(AMQP_URL, {
      namespace,
      service: 'svc',
      registry: contracts,
      logger: silentLogger,
    });
    await b.start();
    buses.push(b);
    return b;
  };
  /** The queue's message count, or undefined when it does not exist (a refusal closes the channel). */
  const depth = async (queue: string): Promise<number | undefined> => {
    const ch = await conn.createChannel();
    ch.on('error', () => {});
    try {
      return (await ch.checkQueue(queue)).messageCount;
    } catch {
      return undefined;
    } finally {
      await ch.close().catch(() => {});
    }
  };
  const queueType = async (
    queue: string,
    args: Record<string, unknown> = {},
  ): Promise<string | undefined> => {
    // The management API is not assumed: a classic queue accepts a re-declare with its own
    // arguments and classic as its type, a quorum queue refuses it.
    const ch = await conn.createChannel();
    ch.on('error', () => {});
    try {
      await ch.assertQueue(queue, { durable: true, arguments: { ...args, 'x-queue-type': 'classic' } });
      return 'classic';
    } catch {
      return 'not classic';
    } finally {
      await ch.close().catch(() => {});
    }
  };

  beforeAll(async () => {
    await requireRabbit();
    conn = await amqp.connect(AMQP_URL);
  });
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });
  afterAll(async () => {
    await conn.close();
  });

  it('moves a subscription to a classic queue and retires its empty quorum queue', async () => {
    const sub = `sub-${randomUUID().slice(0, 6)}`;
    const old = await bus();
    await old.subscribe(sub, ['onair.stream.#'], async () => {});
    await old.close();
    expect(await depth(`${namespace}.${sub}.events`)).toBe(0);
    expect(await queueType(`${namespace}.${sub}.events`)).toBe('not classic');

    const got: string[] = [];
    const now = await bus();
    await now.subscribe(sub, ['onair.stream.#'], async (m) => void got.push(m.id), { livePath: true });
    expect(await depth(`${namespace}.${sub}.events`)).toBeUndefined();
    const e = streamEvent();
    await (await bus()).publish(e);
    await waitFor(() => got.length === 1, { what: 'the event on the live queue' });
    expect(got).toEqual([e.id]);
  });

  it('leaves a retired queue that still holds messages, but unbound: it stops growing', async () => {
    const sub = `sub-${randomUUID().slice(0, 6)}`;
    const old = await bus();
    await old.subscribe(sub, ['onair.stream.#'], async () => {});
    await old.close();
    const publisher = await bus();
    await publisher.publish(streamEvent());
    await waitFor(async () => (await depth(`${namespace}.${sub}.events`)) === 1, {
      what: 'one waiting event',
    });

    const got: string[] = [];
    await (await bus()).subscribe(sub, ['onair.stream.#'], async (m) => void got.push(m.id), {
      livePath: true,
    });
    await publisher.publish(streamEvent());
    await waitFor(() => got.length === 1, { what: 'the new event on the live queue' });
    expect(await depth(`${namespace}.${sub}.events`)).toBe(1); // kept for an operator, not fed
  });

  it('makes partition-style queues classic, with a single active consumer', async () => {
    const target = `svc-${randomUUID().slice(0, 6)}.p0`;
    const b = await bus();
    await b.consumeCommands(target, async () => undefined, { singleActive: true, livePath: true });
    const args = {
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': `${namespace}.${target}.commands.dlq`,
      'x-single-active-consumer': true,
    };
    expect(await queueType(`${namespace}.${target}.commands`, args)).toBe('classic');
  });

  it('a consumer whose queue is deleted under it (the connection up) declares it again and goes on', async () => {
    const target = `svc-${randomUUID().slice(0, 6)}.p1`;
    const got: string[] = [];
    let detached = 0;
    const b = await bus();
    await b.consumeCommands(target, async (m) => void got.push(m.id), {
      singleActive: true,
      livePath: true,
      onDetached: () => detached++,
    });
    const queue = `${namespace}.${target}.commands`;
    const ch = await conn.createChannel();
    await ch.deleteQueue(queue);
    // The broker cancels the consumer; before this fix nothing consumed the queue again until
    // the connection itself dropped, so every later command waited there for ever.
    await waitFor(() => detached === 1, { what: 'the consumer to be told it was detached' });
    await waitFor(async () => (await depth(queue)) !== undefined, { what: 'the queue declared again' });
    const cmd = makeEnvelope({
      type: 'onair.system.ping.v1',
      source: 'test',
      data: { service: 'svc', sentAt: new Date().toISOString() },
    });
    await (await bus()).send(cmd, { to: target });
    await waitFor(() => got.length === 1, { what: 'the command after the queue came back' });
    expect(got).toEqual([cmd.id]);
    await ch.close();
  });

  it('sends the live events of one turn as one AMQP message, the parts cut apart by byte lengths', async () => {
    // A raw queue on the events exchange sees what the broker carries.
    const ch = await conn.createChannel();
    const { queue } = await ch.assertQueue('', { exclusive: true });
    await ch.bindQueue(queue, `${namespace}.events`, 'onair.chat.message.sent.v1');
    const amqpMessages: amqp.ConsumeMessage[] = [];
    await ch.consume(queue, (m) => m && amqpMessages.push(m), { noAck: true });
    const publisher = await bus();
    const sent = Array.from({ length: 30 }, (_, i) => chatMessage('cr_batch', i + 1));
    await Promise.all(sent.map((e) => publisher.publish(e)));
    await waitFor(
      () =>
        amqpMessages.reduce(
          (n, m) => n + ((m.properties.headers?.['x-onair-batch'] as number[])?.length ?? 1),
          0,
        ) >= 30,
      { what: 'the 30 events' },
    );
    expect(amqpMessages.length).toBe(1);
    const [m] = amqpMessages;
    const lengths = m?.properties.headers?.['x-onair-batch'] as number[];
    let at = 0;
    const parts = lengths.map((n) => {
      const part = JSON.parse(m?.content.subarray(at, at + n).toString('utf8') ?? '') as { id: string };
      at += n;
      return part.id;
    });
    expect(parts).toEqual(sent.map((e) => e.id));
    expect(m?.properties.deliveryMode).not.toBe(2); // live: not persisted
    await ch.close();
  });

  it('dead-letters a batch whose lengths do not add up, whole, and keeps consuming', async () => {
    const sub = `sub-${randomUUID().slice(0, 6)}`;
    const got: string[] = [];
    await (await bus()).subscribe(sub, ['onair.chat.message.sent.v1'], async (m) => void got.push(m.id), {
      livePath: true,
    });
    const ch = await conn.createChannel();
    const body = Buffer.from(JSON.stringify(chatMessage('cr_bad', 1)));
    ch.publish(`${namespace}.events`, 'onair.chat.message.sent.v1', body, {
      headers: { 'x-onair-batch': [body.length + 5] },
    });
    const good = chatMessage('cr_bad', 2);
    await (await bus()).publish(good);
    await waitFor(() => got.length === 1, { what: 'the good event' });
    expect(got).toEqual([good.id]);
    await waitFor(async () => (await depth(`${namespace}.${sub}.live.dlq`)) === 1, {
      what: 'the bad batch dead-lettered',
    });
    const dead = await ch.get(`${namespace}.${sub}.live.dlq`, { noAck: true });
    expect(dead ? dead.content.equals(body) : false).toBe(true);
    expect(dead && String(dead.properties.headers?.['x-onair-error'])).toMatch(/adds up to/);
    await ch.close();
  });
});
