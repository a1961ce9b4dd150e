// The development routes exist only when asked for AND the gateway runs with the local
// development secret: a gateway with any other secret (or an identity provider) has no way to
// mint tokens, whatever DEV_ROUTES says.
import { Metrics, silentLogger } from '@onair/runtime';
import type { FastifyInstance } from 'fastify';
import { DEV_JWT_SECRET } from '@onair/runtime';
import { testBuses } from '../../../test/support';
import { buildApp } from '../src/app';
import { createTokenVerifier } from '../src/auth';
import { devRoutesEnabled } from '../src/routes/v1/dev';

describe('development routes', () => {
  it('are on only with DEV_ROUTES=true and the local development JWT_SECRET', () => {
    expect(devRoutesEnabled({ DEV_ROUTES: true, JWT_SECRET: DEV_JWT_SECRET })).toBe(true);
    expect(devRoutesEnabled({ DEV_ROUTES: false, JWT_SECRET: DEV_JWT_SECRET })).toBe(false);
    expect(devRoutesEnabled({ DEV_ROUTES: true, JWT_SECRET: 'a-production-secret-of-some-length' })).toBe(
      false,
    );
    expect(devRoutesEnabled({ DEV_ROUTES: true })).toBe(false);
  });

  describe('on a gateway', () => {
    const buses = testBuses({ transport: 'memory' });
    const apps: FastifyInstance[] = [];
    const gateway = async (dev: boolean) => {
      const bus = await (await buses).make('gateway');
      const app = await buildApp({
        bus,
        logger: silentLogger,
        metrics: new Metrics({ defaultMetrics: false }),
        verifier: createTokenVerifier({ JWT_SECRET: DEV_JWT_SECRET }),
        instanceId: `gw-dev-${dev}`,
        ...(dev ? { dev: { jwtSecret: DEV_JWT_SECRET, ivsChatUrl: 'ws://127.0.0.1:9' } } : {}),
      });
      apps.push(app);
      return app;
    };
    afterAll(async () => {
      for (const a of apps) await a.close();
      await (await buses).cleanup();
    });

    it('with them: POST /v1/dev/tokens mints a token the gateway accepts, for the user and roles asked', async () => {
      const app = await gateway(true);
      const r = await app.inject({
        method: 'POST',
        url: '/v1/dev/tokens',
        payload: { userId: 'carol', roles: ['viewer', 'moderator'], ttlMinutes: 5 },
      });
      expect(r.statusCode).toBe(201);
      const body = r.json();
      expect(body).toMatchObject({
        userId: 'carol',
        roles: ['viewer', 'moderator'],
        ivsChatUrl: 'ws://127.0.0.1:9',
      });
      const p = await createTokenVerifier({ JWT_SECRET: DEV_JWT_SECRET })(body.token);
      expect(p).toMatchObject({ userId: 'carol', roles: ['viewer', 'moderator'] });
      expect(Date.parse(body.expiresAt) - Date.now()).toBeLessThanOrEqual(5 * 60_000);
      // Bodies are closed and checked like every other route's.
      const extra = await app.inject({
        method: 'POST',
        url: '/v1/dev/tokens',
        payload: { userId: 'carol', roles: ['admin'], actor: { userId: 'x' } },
      });
      expect(extra.statusCode).toBe(400);
      const noRole = await app.inject({
        method: 'POST',
        url: '/v1/dev/tokens',
        payload: { userId: 'c', roles: ['root'] },
      });
      expect(noRole.statusCode).toBe(400);
    });

    it('without them: there is no such route (404), and no simulated broadcasts either', async () => {
      const app = await gateway(false);
      const r = await app.inject({ method: 'POST', url: '/v1/dev/tokens' });
      expect(r.statusCode).toBe(404);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      const doc = (await app.inject({ url: '/openapi.json' })).json();
      expect(Object.keys(doc.paths).filter((p) => p.startsWith('/v1/dev/'))).toEqual([]);
    });
  });
});
