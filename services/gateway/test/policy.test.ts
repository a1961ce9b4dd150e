import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createHttpBase, Metrics, silentLogger } from '@onair/runtime';
import type { Principal } from '../src/auth';
import { registerPlugins } from '../src/http/plugins';
import { allows, ROUTE_POLICY } from '../src/policy';
import { policyMarkdown } from '../src/policy-doc';

const as = (...roles: Principal['roles']): Principal => ({ userId: 'u', roles });

describe('role policy table', () => {
  it('lets viewers read and chat but not create; creators create; admins do everything', () => {
    expect(allows('signed-in', as('viewer'))).toBe(true);
    expect(allows('creator', as('viewer'))).toBe(false);
    for (const r of ['streamer', 'moderator', 'admin'] as const) expect(allows('creator', as(r))).toBe(true);
    expect(allows('admin', as('streamer', 'moderator'))).toBe(false);
    expect(allows('admin', as('admin'))).toBe(true);
  });

  it('is the table docs/security.md shows (run `npm run docs:policy` after changing it)', () => {
    const doc = readFileSync(resolve(__dirname, '../../../docs/security.md'), 'utf8');
    const section = doc.slice(doc.indexOf('<!-- policy:start -->') + 21, doc.indexOf('<!-- policy:end -->'));
    expect(section.trim()).toBe(policyMarkdown());
  });

  it('every create route is for creators only', () => {
    const creates = Object.entries(ROUTE_POLICY).filter(([route]) =>
      /^POST \/(v1\/(streams|rooms|chat\/rooms|recordings)|stream|api\/room\/create|recordings\/start)$/.test(
        route,
      ),
    );
    expect(creates.length).toBe(7);
    for (const [route, p] of creates) expect({ route, who: p.who }).toEqual({ route, who: 'creator' });
  });

  it('answers browser preflights for every method the API uses, with the headers a page reads', async () => {
    const app = createHttpBase({
      service: 'gateway',
      logger: silentLogger,
      metrics: new Metrics({ defaultMetrics: false }),
      readiness: {},
    });
    await registerPlugins(app, {
      verifier: async () => as('admin'),
      corsOrigins: 'https://app.example',
      version: 't',
    });
    app.delete('/v1/streams/:streamId', async (_req, reply) => reply.status(204).send());
    app.patch('/v1/streams/:streamId', async () => ({}));
    await app.ready();
    for (const method of ['GET', 'POST', 'PATCH', 'DELETE', 'HEAD']) {
      const res = await app.inject({
        method: 'OPTIONS',
        url: '/v1/streams/strm_1',
        headers: {
          origin: 'https://app.example',
          'access-control-request-method': method,
          'access-control-request-headers': 'authorization,content-type',
        },
      });
      expect({ method, status: res.statusCode }).toEqual({ method, status: 204 });
      expect(String(res.headers['access-control-allow-methods']).split(/,\s*/)).toContain(method);
      expect(res.headers['access-control-allow-origin']).toBe('https://app.example');
      expect(String(res.headers['access-control-allow-headers']).toLowerCase()).toMatch(/authorization/);
    }
    const del = await app.inject({
      method: 'DELETE',
      url: '/v1/streams/strm_1',
      headers: { origin: 'https://app.example', authorization: 'Bearer x' },
    });
    for (const h of ['location', 'etag', 'content-range', 'retry-after'])
      expect(String(del.headers['access-control-expose-headers']).toLowerCase()).toContain(h);
    const other = await app.inject({
      method: 'OPTIONS',
      url: '/v1/streams/strm_1',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'DELETE' },
    });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    await app.close();
  });

  it('a route that is not in the table stops the gateway from starting', async () => {
    const app = createHttpBase({
      service: 'gateway',
      logger: silentLogger,
      metrics: new Metrics({ defaultMetrics: false }),
      readiness: {},
    });
    await registerPlugins(app, { verifier: async () => as('admin'), corsOrigins: '', version: 't' });
    expect(() => app.get('/v1/forgotten', async () => 'open')).toThrow(/not in the role policy table/);
    await app.close();
  });
});
