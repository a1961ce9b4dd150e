// The admin dead-letter API through the gateway app: admins only (401 without a token, 403 for
// every other role), and list / show / replay / replay all / purge on a real bus (RabbitMQ, a
// namespace of its own) with a service whose handler fails until it is "fixed".
import { randomUUID } from 'node:crypto';
import { contracts, makeEnvelope } from '@onair/contracts';
import {
  AppError,
  type DeadLetters,
  Metrics,
  RabbitBus,
  RabbitDeadLetters,
  silentLogger,
} from '@onair/runtime';
import type { FastifyInstance } from 'fastify';
import { AMQP_URL, requireRabbit } from '../../../libs/runtime/test/rabbit-harness';
import { waitFor } from '../../../libs/runtime/test/wait-for';
import { buildApp } from '../src/app';
import { createTokenVerifier } from '../src/auth';
import { TEST_SECRET, tokenFor } from './helpers';

jest.setTimeout(60_000);

const metrics = () => new Metrics({ defaultMetrics: false });
const verifier = createTokenVerifier({ JWT_SECRET: TEST_SECRET });

describe('admin dead-letter API', () => {
  const namespace = `t-${randomUUID().slice(0, 8)}`;
  const target = 'dl-svc';
  const queue = `${namespace}.${target}.commands`;
  let app: FastifyInstance;
  let gwBus: RabbitBus;
  let svcBus: RabbitBus;
  let deadLetters: RabbitDeadLetters;
  const state = { broken: true, handled: [] as string[] };
  let admin: string;

  const mkBus = (service: string) =>
    new RabbitBus(AMQP_URL, { namespace, service, registry: contracts, maxAttempts: 2, retryDelaysMs: [50] });
  const ping = () =>
    makeEnvelope({
      type: 'onair.system.ping.v1',
      source: 'test',
      data: { service: target, sentAt: new Date().toISOString() },
    });

  beforeAll(async () => {
    await requireRabbit();
    gwBus = mkBus('gateway');
    svcBus = mkBus(target);
    await Promise.all([gwBus.start(), svcBus.start()]);
    await svcBus.consumeCommands(target, async (m) => {
      state.handled.push(m.id);
      if (state.broken) throw new Error('the service is broken');
    });
    deadLetters = new RabbitDeadLetters(AMQP_URL, { namespace });
    app = await buildApp({
      bus: gwBus,
      logger: silentLogger,
      metrics: metrics(),
      verifier,
      instanceId: 'gw-1',
      deadLetters,
    });
    admin = `Bearer ${await tokenFor('root', ['admin'])}`;
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all([gwBus?.close(), svcBus?.close()]);
    // Leave nothing of this namespace behind.
    const amqp = await import('amqplib');
    const c = await amqp.connect(AMQP_URL);
    const ch = await c.createChannel();
    ch.on('error', () => {});
    for (const q of [queue, `${queue}.dlq`, `${queue}.retry.50`, `${namespace}.dead-letter-queues`])
      await ch.deleteQueue(q).catch(() => {});
    await ch.deleteExchange(`${namespace}.commands`).catch(() => {});
    await ch.deleteExchange(`${namespace}.events`).catch(() => {});
    await c.close();
  });

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, authorization?: string, body?: unknown) =>
    app.inject({
      method,
      url,
      headers: authorization ? { authorization } : {},
      ...(body !== undefined ? { payload: body as object } : {}),
    });

  async function deadLetter(): Promise<{ id: string; envelopeId: string }> {
    const cmd = ping();
    await gwBus.send(cmd, { to: target });
    return waitFor(
      async () => {
        const r = await call('GET', `/v1/admin/dead-letters?queue=${queue}`, admin);
        const items: Array<{ id: string; message: { id?: string } }> = r.json().items ?? [];
        const d = items.find((i) => i.message.id === cmd.id);
        return d && { id: d.id, envelopeId: cmd.id };
      },
      { what: 'the dead letter', timeoutMs: 20_000 },
    );
  }

  it('refuses every route without a token (401) and for viewers, streamers and moderators (403)', async () => {
    const { id } = await deadLetter();
    const routes: Array<['GET' | 'POST' | 'DELETE', string, unknown?]> = [
      ['GET', '/v1/admin/dead-letters'],
      ['GET', `/v1/admin/dead-letters/${encodeURIComponent(id)}`],
      ['POST', `/v1/admin/dead-letters/${encodeURIComponent(id)}/replay`],
      ['POST', '/v1/admin/dead-letters/replay', {}],
      ['DELETE', `/v1/admin/dead-letters?queue=${queue}`],
    ];
    for (const [method, url, body] of routes) {
      const none = await call(method, url, undefined, body);
      expect([method, url, none.statusCode]).toEqual([method, url, 401]);
      for (const role of ['viewer', 'streamer', 'moderator']) {
        const r = await call(method, url, `Bearer ${await tokenFor('eve', [role])}`, body);
        expect([method, url, role, r.statusCode]).toEqual([method, url, role, 403]);
        expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    }
    // Nothing was replayed or purged by those attempts.
    const r = await call('GET', `/v1/admin/dead-letters/${encodeURIComponent(id)}`, admin);
    expect(r.statusCode).toBe(200);
    await call('DELETE', `/v1/admin/dead-letters?queue=${queue}`, admin);
  });

  it('admins list, show, replay one, replay all and purge', async () => {
    const a = await deadLetter();
    const b = await deadLetter();
    const list = await call('GET', '/v1/admin/dead-letters', admin);
    expect(list.statusCode).toBe(200);
    expect(list.json().queues).toContainEqual({ queue, deadLetterQueue: `${queue}.dlq`, count: 2 });
    const shown = await call('GET', `/v1/admin/dead-letters/${encodeURIComponent(a.id)}`, admin);
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toMatchObject({
      id: a.id,
      queue,
      type: 'onair.system.ping.v1',
      reason: 'failed',
      error: 'the service is broken',
      attempts: 2,
      message: { id: a.envelopeId },
    });
    expect(typeof shown.json().firstFailedAt).toBe('string');

    state.broken = false;
    const one = await call('POST', `/v1/admin/dead-letters/${encodeURIComponent(a.id)}/replay`, admin);
    expect(one.statusCode).toBe(200);
    expect(one.json().replayed.id).toBe(a.id);
    await waitFor(() => state.handled.filter((h) => h === a.envelopeId).length === 3, { what: 'the replay' });
    expect((await call('GET', `/v1/admin/dead-letters/${encodeURIComponent(a.id)}`, admin)).statusCode).toBe(
      404,
    );
    expect(
      (await call('POST', `/v1/admin/dead-letters/${encodeURIComponent(a.id)}/replay`, admin)).statusCode,
    ).toBe(404);

    const all = await call('POST', '/v1/admin/dead-letters/replay', admin, { queue });
    expect(all.statusCode).toBe(200);
    expect(all.json()).toEqual({ replayed: 1, skipped: [] });
    await waitFor(() => state.handled.filter((h) => h === b.envelopeId).length === 3, { what: 'replay all' });

    state.broken = true;
    await deadLetter();
    const purged = await call('DELETE', `/v1/admin/dead-letters?queue=${queue}`, admin);
    expect(purged.statusCode).toBe(200);
    expect(purged.json()).toEqual({ queue, purged: 1 });
    const after = await call('GET', `/v1/admin/dead-letters?queue=${queue}`, admin);
    expect(after.json()).toEqual({
      queues: [{ queue, deadLetterQueue: `${queue}.dlq`, count: 0 }],
      items: [],
      truncated: false,
    });
    state.broken = false;
  });

  it('answers problem+json for bad ids (400), unknown queues (404), unknown body fields (400) and a missing queue on purge (400)', async () => {
    const cases: Array<[string, 'GET' | 'POST' | 'DELETE', string, unknown, number, RegExp]> = [
      ['bad id', 'GET', '/v1/admin/dead-letters/not-an-id', undefined, 400, /id/],
      [
        'unknown id',
        'GET',
        `/v1/admin/dead-letters/${encodeURIComponent(`${queue}.dlq~nope`)}`,
        undefined,
        404,
        /nope/,
      ],
      [
        'unknown queue',
        'GET',
        '/v1/admin/dead-letters?queue=no-such-svc.commands',
        undefined,
        404,
        /no-such-svc/,
      ],
      ['unknown query field', 'GET', '/v1/admin/dead-letters?owner=x', undefined, 400, /owner/],
      ['limit too high', 'GET', '/v1/admin/dead-letters?limit=100000', undefined, 400, /limit/],
      ['body field', 'POST', '/v1/admin/dead-letters/replay', { queue, actor: 'x' }, 400, /actor/],
      [
        'replay one takes no body',
        'POST',
        `/v1/admin/dead-letters/${encodeURIComponent(`${queue}.dlq~x`)}/replay`,
        { userId: 'x' },
        400,
        /userId/,
      ],
      ['purge without queue', 'DELETE', '/v1/admin/dead-letters', undefined, 400, /queue/],
      [
        'purge unknown queue',
        'DELETE',
        '/v1/admin/dead-letters?queue=nothing-here',
        undefined,
        404,
        /nothing-here/,
      ],
    ];
    for (const [what, method, url, body, status, detail] of cases) {
      const r = await call(method, url, admin, body);
      expect([what, r.statusCode]).toEqual([what, status]);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect([what, r.json().detail]).toEqual([what, expect.stringMatching(detail)]);
    }
  });

  it('passes the port errors through (409 busy or source gone, 503 broker away) and answers 501 without dead letters', async () => {
    const failing = (e: Error): DeadLetters => ({
      list: async () => Promise.reject(e),
      show: async () => Promise.reject(e),
      replay: async () => Promise.reject(e),
      replayAll: async () => Promise.reject(e),
      purge: async () => Promise.reject(e),
      close: async () => {},
    });
    const appWith = async (dl?: DeadLetters) =>
      buildApp({
        bus: gwBus,
        logger: silentLogger,
        metrics: metrics(),
        verifier,
        instanceId: 'gw-2',
        deadLetters: dl,
      });
    const cases: Array<[DeadLetters | undefined, number, RegExp]> = [
      [
        failing(new AppError('DLQ_SOURCE_GONE', 409, "The queue 'q' no longer exists")),
        409,
        /no longer exists/,
      ],
      [
        failing(new AppError('BUS_UNAVAILABLE', 503, 'The message broker is unreachable')),
        503,
        /unreachable/,
      ],
      [undefined, 501, /not configured/],
    ];
    for (const [dl, status, detail] of cases) {
      const other = await appWith(dl);
      try {
        const r = await other.inject({
          method: 'POST',
          url: `/v1/admin/dead-letters/${encodeURIComponent(`${queue}.dlq~x`)}/replay`,
          headers: { authorization: admin },
        });
        expect(r.statusCode).toBe(status);
        expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(r.json().detail).toMatch(detail);
      } finally {
        await other.close();
      }
    }
  });
});
