import { randomUUID } from 'node:crypto';
import {
  ContractRegistry,
  type Envelope,
  makeEnvelope,
  SystemError,
  SystemPing,
  SystemPong,
} from '@onair/contracts';
import { Type } from '@sinclair/typebox';
import type { Bus } from '../src/bus';
import { AppError } from '../src/errors';
import { waitFor } from './wait-for';

export interface DeadLetter {
  body: string;
  reason: string;
  error: string;
  attempts: number;
}

export interface MakeBusOptions {
  /** The contracts this bus checks what it sends against (default: the real ones). */
  registry?: ContractRegistry;
}

/** What a transport gives the contract suite. Each harness uses its own namespace. */
export interface BusHarness {
  makeBus(service: string, opts?: MakeBusOptions): Promise<Bus>;
  /** Put raw bytes on a command queue, bypassing every check (a poison message). */
  injectRawCommand(target: string, body: string): Promise<void>;
  readDeadLetters(target: string): Promise<DeadLetter[]>;
  cleanup(): Promise<void>;
}

const ping = (service: string, id?: string): Envelope =>
  makeEnvelope({
    type: 'onair.system.ping.v1',
    source: 'test',
    id,
    data: { service, sentAt: new Date().toISOString() },
  });
const streamEvent = (streamId: string): Envelope =>
  makeEnvelope({
    type: 'onair.stream.state-changed.v1',
    source: 'test',
    data: { streamId, status: 'live', at: new Date().toISOString() },
  });
/** A live event (contracts: `live`): the RabbitMQ transport sends those of one turn as one message. */
export const chatMessage = (roomId: string, seq: number): Envelope =>
  makeEnvelope({
    type: 'onair.chat.message.sent.v1',
    source: 'test',
    data: {
      roomId,
      messageId: `m${seq}`,
      seq,
      requestId: `r${seq}`,
      sender: { userId: 'bob' },
      content: `message ${seq}`,
      sendTime: new Date().toISOString(),
    },
  });
const pong = (cause: Envelope, service: string): Envelope =>
  makeEnvelope({
    type: SystemPong.type,
    source: service,
    correlationid: cause.correlationid,
    causationid: cause.id,
    data: {
      service,
      instanceId: 'x',
      sentAt: (cause.data as { sentAt: string }).sentAt,
      answeredAt: new Date().toISOString(),
    },
  });

/**
 * Text every transport must carry exactly as it was sent: what people type into a chat (emoji,
 * including ZWJ sequences, CJK, right-to-left scripts), invisible characters, control characters,
 * and the edges of the code space (U+0000, C1 controls, line/paragraph separators, the
 * noncharacters U+FFFE/U+FFFF, the first and last astral code points).
 */
const UNICODE = {
  emoji: 'hi 😀 👩‍👩‍👧',
  cjk: '안녕하세요 你好',
  rtl: 'שלום مرحبا',
  zeroWidth: 'a\u200bb\u200dc\ufeffd',
  control: 'tab\tnewline\nsoh\u0001',
  edges: '\u0000\u001f\u007f\u0085\u009f\u2028\u2029\ufffd\ufffe\uffff\u{10000}\u{10ffff}',
};
const ALL_UNICODE = Object.values(UNICODE).join(' | ');

/** Each string exactly the same, code unit for code unit (so byte for byte in UTF-8 too). */
function expectIdentical(got: unknown, sent: unknown): void {
  expect(got).toEqual(sent);
  expect(
    Buffer.from(JSON.stringify(got), 'utf16le').equals(Buffer.from(JSON.stringify(sent), 'utf16le')),
  ).toBe(true);
}

/**
 * Contracts of a producer on another version of onair: its ping lets any `service` through, so
 * its own outgoing check passes a message the consumer's contract refuses.
 */
const laxRegistry = new ContractRegistry([
  { ...SystemPing, schema: Type.Object({ service: Type.Unknown(), sentAt: Type.String() }) },
  SystemPong,
  SystemError,
]);

/**
 * The promises every transport keeps (docs/architecture.md#promises). Runs unchanged against each
 * transport; the harness is the only transport-specific part. Buses are built with
 * maxAttempts 3 and short retry delays.
 */
export function busContract(
  name: string,
  makeHarness: () => Promise<BusHarness>,
  features: { singleActive?: boolean } = {},
): void {
  const singleActiveIt = features.singleActive === false ? it.skip : it;
  describe(`bus contract: ${name}`, () => {
    let h: BusHarness;
    const buses: Bus[] = [];
    const bus = async (service: string, opts?: MakeBusOptions) => {
      const b = await h.makeBus(service, opts);
      buses.push(b);
      return b;
    };

    beforeAll(async () => {
      h = await makeHarness();
    });
    afterEach(async () => {
      await Promise.all(buses.splice(0).map((b) => b.close()));
    });
    afterAll(async () => {
      await h?.cleanup();
    });

    it('delivers a command to its consumer', async () => {
      const target = `svc-${randomUUID().slice(0, 6)}`;
      const consumer = await bus(target);
      const got: Envelope[] = [];
      await consumer.consumeCommands(target, async (m) => {
        got.push(m);
      });
      const producer = await bus('producer');
      const cmd = ping(target);
      await producer.send(cmd, { to: target });
      await waitFor(() => got.length === 1, { what: 'the command' });
      expect(got[0]).toEqual(cmd);
    });

    it('shares commands between competing consumers, each handled once', async () => {
      const target = `svc-${randomUUID().slice(0, 6)}`;
      const seen = new Map<string, string[]>();
      for (const instance of ['a', 'b']) {
        const b = await bus(target);
        await b.consumeCommands(
          target,
          async (m) => {
            seen.set(m.id, [...(seen.get(m.id) ?? []), instance]);
            await new Promise((r) => setImmediate(r));
          },
          { concurrency: 1 },
        );
      }
      const producer = await bus('producer');
      await Promise.all(Array.from({ length: 40 }, () => producer.send(ping(target), { to: target })));
      await waitFor(() => seen.size === 40, { what: '40 commands' });
      expect([...seen.values()].every((v) => v.length === 1)).toBe(true);
      const byInstance = [...seen.values()].flat();
      expect(byInstance.filter((i) => i === 'a').length).toBeGreaterThan(0);
      expect(byInstance.filter((i) => i === 'b').length).toBeGreaterThan(0);
    });

    singleActiveIt(
      'hands a single-active queue to one consumer at a time; a standby takes over',
      async () => {
        const target = `svc-${randomUUID().slice(0, 6)}`;
        const seen: Array<[string, string]> = [];
        const consumers = [];
        for (const instance of ['a', 'b']) {
          const b = await bus(target);
          consumers.push(
            await b.consumeCommands(
              target,
              async (m) => {
                seen.push([instance, m.id]);
              },
              { singleActive: true, concurrency: 4 },
            ),
          );
        }
        const producer = await bus('producer');
        for (let i = 0; i < 20; i++) await producer.send(ping(target), { to: target });
        await waitFor(() => seen.length === 20, { what: '20 commands' });
        expect(new Set(seen.map(([i]) => i))).toEqual(new Set(['a']));
        await consumers[0].stop();
        for (let i = 0; i < 5; i++) await producer.send(ping(target), { to: target });
        await waitFor(() => seen.length === 25, { what: '5 more commands, to the standby' });
        expect(seen.slice(20).every(([i]) => i === 'b')).toBe(true);
      },
    );

    it('gives every subscriber a copy, and instances of one subscriber share', async () => {
      const tag = randomUUID().slice(0, 6);
      const got: Record<string, string[]> = { one: [], two: [] };
      for (const [sub, instances] of [
        ['one', 2],
        ['two', 1],
      ] as const) {
        for (let i = 0; i < instances; i++) {
          const b = await bus(`sub-${sub}`);
          await b.subscribe(`sub-${sub}-${tag}`, ['onair.stream.#'], async (m) => {
            got[sub].push(m.id);
          });
        }
      }
      const producer = await bus('producer');
      const events = Array.from({ length: 10 }, (_, i) => streamEvent(`st_${i}`));
      for (const e of events) await producer.publish(e);
      await waitFor(() => got.one.length === 10 && got.two.length === 10, { what: 'both subscribers' });
      expect(new Set(got.one).size).toBe(10);
      expect(got.two.sort()).toEqual(events.map((e) => e.id).sort());
    });

    it('routes only the event types a subscriber asked for', async () => {
      const tag = randomUUID().slice(0, 6);
      const got: string[] = [];
      const b = await bus('picky');
      await b.subscribe(`picky-${tag}`, ['onair.stream.deleted.v1'], async (m) => {
        got.push(m.type);
      });
      const producer = await bus('producer');
      await producer.publish(streamEvent('st_x'));
      await producer.publish(
        makeEnvelope({ type: 'onair.stream.deleted.v1', source: 't', data: { streamId: 'st_x' } }),
      );
      await waitFor(() => got.length >= 1, { what: 'the deleted event' });
      // The state-changed event was published first; had it been routed here it would be first.
      expect(got).toEqual(['onair.stream.deleted.v1']);
    });

    it('answers a request, and fails with a TIMEOUT when nobody answers', async () => {
      const target = `svc-${randomUUID().slice(0, 6)}`;
      const server = await bus(target);
      await server.consumeCommands(target, async (m) => pong(m, target));
      const client = await bus('client');
      const cmd = ping(target);
      const reply = await client.request(cmd, { to: target, timeoutMs: 5000 });
      expect(reply.type).toBe('onair.system.pong.v1');
      expect(reply.causationid).toBe(cmd.id);
      await expect(
        client.request(ping('nobody'), { to: `nobody-${randomUUID().slice(0, 6)}`, timeoutMs: 300 }),
      ).rejects.toMatchObject({
        code: 'TIMEOUT',
        status: 504,
      });
    });

    it('drops a request its requester stopped waiting for, unhandled (no backlog after an outage)', async () => {
      const target = `svc-${randomUUID().slice(0, 6)}`;
      const first = await bus(target);
      await first.consumeCommands(target, async (m) => pong(m, target));
      await first.close(); // the queue stays; nobody consumes it now
      const client = await bus('client');
      const stale = ping(target);
      const sentAt = Date.now();
      await expect(client.request(stale, { to: target, timeoutMs: 300 })).rejects.toMatchObject({
        code: 'TIMEOUT',
      });
      // The requester's timer runs on the event loop's cached clock and may fire a few ms before
      // the message's own expiry (sent just after it): the promise is about a request past it.
      await waitFor(() => Date.now() > sentAt + 300 + 10, { what: 'the stale request to expire' });
      const seen: string[] = [];
      const server = await bus(target);
      await server.consumeCommands(target, async (m) => {
        seen.push(m.id);
        return pong(m, target);
      });
      const fresh = ping(target);
      const reply = await client.request(fresh, { to: target, timeoutMs: 8000 });
      expect(reply.causationid).toBe(fresh.id);
      // The stale request was ahead of the fresh one in the queue: had it been kept, it would
      // have been handled first.
      expect(seen).toEqual([fresh.id]);
    });

    it('answers a refused command with its error at once, without retrying', async () => {
      const target = `svc-${randomUUID().slice(0, 6)}`;
      const server = await bus(target);
      let calls = 0;
      await server.consumeCommands(target, async () => {
        calls++;
        throw new AppError('CONFLICT', 409, 'Stream st_1 is not live');
      });
      const client = await bus('client');
      await expect(client.request(ping(target), { to: target, timeoutMs: 5000 })).rejects.toMatchObject({
        code: 'CONFLICT',
        status: 409,
        message: 'Stream st_1 is not live',
      });
      expect(calls).toBe(1);
      expect(await h.readDeadLetters(target)).toEqual([]);
    });

    it('retries a failing handler with backoff until it succeeds', async () => {
      const target = `svc-${randomUUID().slice(0, 6)}`;
      const server = await bus(target);
      const attempts: number[] = [];
      await server.consumeCommands(target, async (_m, ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt < 3) throw new Error('transient');
      });
      const client = await bus('client');
      await client.send(ping(target), { to: target });
      await waitFor(() => attempts.length === 3, { what: 'three attempts' });
      expect(attempts).toEqual([1, 2, 3]);
      expect(await h.readDeadLetters(target)).toEqual([]);
    });

    it('delivers many live events published at once, each once and whole, in the order published', async () => {
      const sub = `sub-${randomUUID().slice(0, 6)}`;
      const consumer = await bus(sub);
      const got: Envelope[] = [];
      await consumer.subscribe(
        sub,
        ['onair.chat.message.sent.v1'],
        async (m) => {
          got.push(m);
        },
        { concurrency: 1, livePath: true },
      );
      const producer = await bus('producer');
      const roomId = `cr_${randomUUID().slice(0, 6)}`;
      const sent = Array.from({ length: 60 }, (_, i) => chatMessage(roomId, i + 1));
      await Promise.all(sent.map((e) => producer.publish(e))); // one turn: one batch where the transport batches
      await waitFor(
        () =>
          got.filter((e) => e.subject === undefined && (e.data as { roomId: string }).roomId === roomId)
            .length >= 60,
        {
          what: '60 live events',
        },
      );
      const mine = got.filter((e) => (e.data as { roomId: string }).roomId === roomId);
      expect(mine).toEqual(sent);
    });

    it('retries only the failing one of many live events published at once', async () => {
      const sub = `sub-${randomUUID().slice(0, 6)}`;
      const consumer = await bus(sub);
      const roomId = `cr_${randomUUID().slice(0, 6)}`;
      const sent = Array.from({ length: 20 }, (_, i) => chatMessage(roomId, i + 1));
      const failing = sent[7]?.id;
      const handled = new Map<string, number[]>();
      await consumer.subscribe(
        sub,
        ['onair.chat.message.sent.v1'],
        async (m, ctx) => {
          handled.set(m.id, [...(handled.get(m.id) ?? []), ctx.attempt]);
          if (m.id === failing && ctx.attempt < 2) throw new Error('transient');
        },
        { livePath: true },
      );
      const producer = await bus('producer');
      await Promise.all(sent.map((e) => producer.publish(e)));
      await waitFor(() => sent.every((e) => handled.has(e.id)) && handled.get(failing ?? '')?.length === 2, {
        what: 'every event, the failing one twice',
      });
      for (const e of sent) expect(handled.get(e.id)).toEqual(e.id === failing ? [1, 2] : [1]);
    });

    it('answers many requests at once, each with its own reply', async () => {
      const target = `svc-${randomUUID().slice(0, 6)}`;
      const server = await bus(target);
      await server.consumeCommands(target, async (m) => pong(m, target), { concurrency: 50 });
      const client = await bus('client');
      const cmds = Array.from({ length: 50 }, () => ping(target));
      const replies = await Promise.all(cmds.map((c) => client.request(c, { to: target, timeoutMs: 5000 })));
      expect(replies.map((r) => r.causationid)).toEqual(cmds.map((c) => c.id));
    });

    it('dead-letters a message after maxAttempts with the error and the count, and replies 500', async () => {
      const target = `svc-${randomUUID().slice(0, 6)}`;
      const server = await bus(target);
      let calls = 0;
      await server.consumeCommands(target, async () => {
        calls++;
        throw new Error('database on fire');
      });
      const client = await bus('client');
      const cmd = ping(target);
      await expect(client.request(cmd, { to: target, timeoutMs: 10_000 })).rejects.toMatchObject({
        status: 500,
      });
      const dl = await waitFor(
        async () => {
          const d = await h.readDeadLetters(target);
          return d.length > 0 ? d : undefined;
        },
        { what: 'a dead letter' },
      );
      expect(calls).toBe(3);
      expect(dl).toHaveLength(1);
      expect(dl[0]).toMatchObject({ reason: 'failed', attempts: 3 });
      expect(dl[0].error).toContain('database on fire');
      expect(JSON.parse(dl[0].body).id).toBe(cmd.id);
    });

    it('dead-letters a poison message at once, with the reason, and keeps consuming', async () => {
      const target = `svc-${randomUUID().slice(0, 6)}`;
      const server = await bus(target);
      const got: string[] = [];
      await server.consumeCommands(target, async (m) => {
        got.push(m.id);
      });
      await h.injectRawCommand(target, '{"this is": not json');
      const bad = ping(target);
      await h.injectRawCommand(
        target,
        JSON.stringify({ ...bad, data: { ...(bad.data as object), service: 42 } }),
      );
      const client = await bus('client');
      const good = ping(target);
      await client.send(good, { to: target });
      await waitFor(() => got.includes(good.id), { what: 'the good message after the poison' });
      const dl = await waitFor(
        async () => {
          const d = await h.readDeadLetters(target);
          return d.length >= 2 ? d : undefined;
        },
        { what: 'two dead letters' },
      );
      expect(dl.map((d) => d.reason)).toEqual(['invalid', 'invalid']);
      // Both are handled at once (several in flight), so either may reach the DLQ first.
      const errors = dl.map((d) => d.error).sort();
      expect(errors).toEqual([
        expect.stringMatching(/not JSON/),
        expect.stringMatching(/onair\.system\.ping\.v1 data\/service/),
      ]);
      expect(got).toEqual([good.id]);
    });

    it('answers a request its consumer finds invalid at once with a 400, and dead-letters it', async () => {
      const target = `svc-${randomUUID().slice(0, 6)}`;
      const server = await bus(target);
      let calls = 0;
      await server.consumeCommands(target, async (m) => {
        calls++;
        return pong(m, target);
      });
      // The requester checks against contracts of its own, which let `service: 42` through.
      const client = await bus('client', { registry: laxRegistry });
      const bad = makeEnvelope({
        type: SystemPing.type,
        source: 'test',
        data: { service: 42, sentAt: new Date().toISOString() },
      });
      const t0 = Date.now();
      await expect(client.request(bad, { to: target, timeoutMs: 8000 })).rejects.toMatchObject({
        code: 'BUS_INVALID_MESSAGE',
        status: 400,
        message: expect.stringMatching(/onair\.system\.ping\.v1 data\/service/),
      });
      // Answered, not timed out: well before the request's 8 s.
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(calls).toBe(0);
      const dl = await waitFor(
        async () => {
          const d = await h.readDeadLetters(target);
          return d.length > 0 ? d : undefined;
        },
        { what: 'the invalid request in the DLQ' },
      );
      expect(dl).toHaveLength(1);
      expect(dl[0]).toMatchObject({ reason: 'invalid' });
      expect(dl[0].error).toMatch(/onair\.system\.ping\.v1 data\/service/);
      expect(JSON.parse(dl[0].body).id).toBe(bad.id);
      // The consumer goes on: a valid request from the same producer is answered.
      const good = ping(target);
      expect((await client.request(good, { to: target, timeoutMs: 5000 })).causationid).toBe(good.id);
    });

    it('carries any Unicode in a command unchanged', async () => {
      const target = `svc-${randomUUID().slice(0, 6)}`;
      const consumer = await bus(target);
      const got: Envelope[] = [];
      await consumer.consumeCommands(target, async (m) => {
        got.push(m);
      });
      const producer = await bus('producer');
      const cmd = makeEnvelope({
        type: SystemPing.type,
        source: 'test',
        subject: UNICODE.emoji,
        data: { service: ALL_UNICODE, sentAt: new Date().toISOString() },
      });
      await producer.send(cmd, { to: target });
      await waitFor(() => got.length === 1, { what: 'the command' });
      expectIdentical(got[0], cmd);
    });

    it('carries any Unicode in an event unchanged', async () => {
      const tag = randomUUID().slice(0, 6);
      const sub = await bus('unicode-sub');
      const got: Envelope[] = [];
      await sub.subscribe(`unicode-${tag}`, ['onair.chat.message.sent.v1'], async (m) => {
        got.push(m);
      });
      const producer = await bus('producer');
      const evt = makeEnvelope({
        type: 'onair.chat.message.sent.v1',
        source: 'test',
        data: {
          roomId: `room_${tag}`,
          messageId: `msg_${tag}`,
          seq: 1,
          requestId: UNICODE.emoji,
          sender: { userId: UNICODE.cjk, attributes: { [UNICODE.rtl]: UNICODE.emoji } },
          content: ALL_UNICODE,
          // Keys in every script too.
          attributes: { ...UNICODE, [UNICODE.emoji]: UNICODE.cjk, [UNICODE.zeroWidth]: UNICODE.control },
          sendTime: new Date().toISOString(),
        },
      });
      await producer.publish(evt);
      await waitFor(() => got.length === 1, { what: 'the event' });
      expectIdentical(got[0], evt);
    });

    it('carries any Unicode in a request and its reply unchanged', async () => {
      const target = `svc-${randomUUID().slice(0, 6)}`;
      const server = await bus(target);
      const got: Envelope[] = [];
      await server.consumeCommands(target, async (m) => {
        got.push(m);
        const p = pong(m, target);
        // The reply echoes the text back.
        return { ...p, data: { ...(p.data as object), service: (m.data as { service: string }).service } };
      });
      const client = await bus('client');
      const cmd = makeEnvelope({
        type: SystemPing.type,
        source: 'test',
        data: { service: ALL_UNICODE, sentAt: new Date().toISOString() },
      });
      const reply = await client.request(cmd, { to: target, timeoutMs: 5000 });
      expectIdentical(got[0], cmd);
      expect(reply.causationid).toBe(cmd.id);
      expectIdentical((reply.data as { service: string }).service, ALL_UNICODE);
      // A refusal quoting the text comes back unchanged too.
      const refuser = `svc-${randomUUID().slice(0, 6)}`;
      const refusing = await bus(refuser);
      await refusing.consumeCommands(refuser, async (m) => {
        throw new AppError('CONFLICT', 409, `no: ${(m.data as { service: string }).service}`);
      });
      await expect(client.request(ping(ALL_UNICODE), { to: refuser, timeoutMs: 5000 })).rejects.toMatchObject(
        {
          code: 'CONFLICT',
          message: `no: ${ALL_UNICODE}`,
        },
      );
    });

    it('does not choke on lone surrogates (they arrive as sent)', async () => {
      const target = `svc-${randomUUID().slice(0, 6)}`;
      const consumer = await bus(target);
      const got: Envelope[] = [];
      await consumer.consumeCommands(target, async (m) => {
        got.push(m);
      });
      const producer = await bus('producer');
      const lone = ping('\ud800 high alone, low alone \udfff, reversed \ude00\ud83d');
      await producer.send(lone, { to: target });
      const after = ping(target);
      await producer.send(after, { to: target });
      await waitFor(() => got.length === 2, { what: 'both commands' });
      expectIdentical(
        got.find((m) => m.id === lone.id),
        lone,
      );
    });

    it('handles a duplicate delivery once (same id)', async () => {
      const target = `svc-${randomUUID().slice(0, 6)}`;
      const server = await bus(target);
      const got: string[] = [];
      await server.consumeCommands(target, async (m) => {
        got.push(m.id);
      });
      const client = await bus('client');
      const cmd = ping(target);
      await client.send(cmd, { to: target });
      await client.send(cmd, { to: target });
      const marker = ping(target);
      await client.send(marker, { to: target });
      await waitFor(() => got.includes(marker.id), { what: 'the marker' });
      expect(got.filter((id) => id === cmd.id)).toHaveLength(1);
    });

    it('refuses to send a message that breaks its contract', async () => {
      const client = await bus('client');
      await expect(
        client.send(makeEnvelope({ type: 'onair.stream.stop.v1', source: 't', data: { streamId: 1 } })),
      ).rejects.toMatchObject({ code: 'BUS_INVALID_MESSAGE' });
    });

    it('finishes in-flight handlers before close() returns', async () => {
      const target = `svc-${randomUUID().slice(0, 6)}`;
      const server = await h.makeBus(target);
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      let started = false;
      let finished = false;
      await server.consumeCommands(target, async () => {
        started = true;
        await gate;
        finished = true;
      });
      const client = await bus('client');
      await client.send(ping(target), { to: target });
      await waitFor(() => started, { what: 'the handler to start' });
      const closing = server.close();
      release();
      await closing;
      expect(finished).toBe(true);
    });
  });
}
