import { randomUUID } from 'node:crypto';
import { contracts } from '@onair/contracts';
import { MemoryBus, Metrics, silentLogger } from '@onair/runtime';
import type { FastifyInstance } from 'fastify';
import { buildService } from '../../stream-svc/src/app';
import { buildApp } from '../src/app';
import { PREFER_WAIT_MAX_S } from '../src/routes/v1/streams';
import { createTokenVerifier } from '../src/auth';
import { TEST_SECRET, tokenFor } from './helpers';

describe('gateway base: auth, problem+json, docs, health, and a request through the bus', () => {
  const namespace = `t-${randomUUID().slice(0, 8)}`;
  let app: FastifyInstance;
  let gwBus: MemoryBus;
  let svcBus: MemoryBus;
  let svc: ReturnType<typeof buildService>;

  beforeAll(async () => {
    // The bus carries the ping; the broker is not what these tests are about.
    const mk = (service: string) => new MemoryBus({ namespace, service, registry: contracts });
    gwBus = mk('gateway');
    svcBus = mk('stream-svc');
    await Promise.all([gwBus.start(), svcBus.start()]);
    svc = buildService({ bus: svcBus, logger: silentLogger, instanceId: 'stream-1' });
    await svc.start();
    app = await buildApp({
      bus: gwBus,
      logger: silentLogger,
      metrics: new Metrics({ defaultMetrics: false }),
      verifier: createTokenVerifier({ JWT_SECRET: TEST_SECRET }),
      instanceId: 'gw-1',
      requestTimeoutMs: 3000,
    });
  });
  afterAll(async () => {
    await app?.close();
    await svc?.stop();
    await Promise.all([gwBus?.close(), svcBus?.close()]);
  });

  it('pings stream-svc through the bus and gets its instance back', async () => {
    const res = await app.inject({
      url: '/v1/system/ping/stream-svc',
      headers: { authorization: `Bearer ${await tokenFor('alice')}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ service: 'stream-svc', instanceId: 'stream-1' });
    expect(res.headers['x-request-id']).toBeDefined();
  });

  it('answers 401 problem+json without a token, with a bad one, and with an expired one', async () => {
    const cases = [
      [undefined, /Send a bearer token/],
      ['Bearer nope', /not valid/],
      [`Bearer ${await tokenFor('alice', ['viewer'], 'another-secret-of-16+chars')}`, /not valid/],
      [`Bearer ${await tokenFor('alice', ['viewer'], TEST_SECRET, '-1m')}`, /expired/],
    ] as const;
    for (const [authorization, detail] of cases) {
      const res = await app.inject({
        url: '/v1/system/ping/stream-svc',
        headers: authorization ? { authorization } : {},
      });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
      expect(res.json().detail).toMatch(detail);
    }
  });

  it('answers 400 naming the bad field, and 404 for an unknown route', async () => {
    const auth = { authorization: `Bearer ${await tokenFor('alice')}` };
    const bad = await app.inject({ url: '/v1/system/ping/nosuch-svc', headers: auth });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(bad.json().detail).toMatch(/service/);
    const missing = await app.inject({ url: '/v1/nothing-here', headers: auth });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().detail).toBe('No route GET /v1/nothing-here');
  });

  it('answers 504 when the owning service does not answer in time', async () => {
    const res = await app.inject({
      url: '/v1/system/ping/fanout-svc',
      headers: { authorization: `Bearer ${await tokenFor('alice')}` },
    });
    expect(res.statusCode).toBe(504);
    expect(res.json().code).toBe('TIMEOUT');
  });

  it('serves OpenAPI 3.1 and the docs without a token, with bearer security declared', async () => {
    const spec = await app.inject({ url: '/openapi.json' });
    expect(spec.statusCode).toBe(200);
    expect(spec.json().openapi).toBe('3.1.0');
    expect(spec.json().components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(spec.json().paths)).toContain('/v1/system/ping/{service}');
    expect((await app.inject({ url: '/docs/' })).statusCode).toBe(200);
  });

  it('exposes health, readiness and metrics', async () => {
    expect((await app.inject({ url: '/healthz' })).json()).toMatchObject({ status: 'ok' });
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks).toEqual({ bus: true });
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.body).toMatch(/onair_http_request_duration_seconds_bucket/);
  });

  it('keeps a socket open longer than the longest wait a route makes (Prefer: wait), or the answer is lost', () => {
    // A 30 s idle timeout closed the socket of a create waiting on a broker outage (30 s) before
    // its 503 was written; Prefer: wait=60 would have been cut short the same way.
    expect(app.initialConfig.connectionTimeout).toBeGreaterThan(PREFER_WAIT_MAX_S * 1000 + 10_000);
  });

  it('answers 501 naming a command its owner has no handler for', async () => {
    // stream-svc has no handler for this command: it must say so, not pretend or drop it.
    const { makeEnvelope } = await import('@onair/contracts');
    await expect(
      gwBus.request(
        makeEnvelope({
          type: 'onair.stream.delete.v1',
          source: 'test',
          data: { streamId: 'st_1', actor: { userId: 'alice', roles: ['streamer'] } },
        }),
        { timeoutMs: 3000 },
      ),
    ).rejects.toMatchObject({
      status: 501,
      message: 'stream-svc does not handle onair.stream.delete.v1 yet',
    });
  });
});
