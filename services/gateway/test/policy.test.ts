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
