import { createHttpBase } from '../src/http';
import { AppError } from '../src/errors';
import { silentLogger } from '../src/logger';
import { Metrics } from '../src/metrics';

function base(readiness: Record<string, () => Promise<boolean>> = {}) {
  const app = createHttpBase({
    service: 'test',
    logger: silentLogger,
    metrics: new Metrics({ defaultMetrics: false }),
    readiness,
    bodyLimit: 1024,
  });
  app.post('/echo', async (req) => req.body);
  app.get('/boom', async () => {
    throw new Error('connection string postgres://admin:secret@db leaked');
  });
  app.get('/conflict', async () => {
    throw new AppError('CONFLICT', 409, 'Room r1 is already recording');
  });
  return app;
}

describe('HTTP base', () => {
  it('refuses a body over the limit with 413 problem+json', async () => {
    const res = await base().inject({ method: 'POST', url: '/echo', payload: { big: 'x'.repeat(5000) } });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 413, title: 'Payload Too Large' });
  });

  it('hides a 5xx error message, keeps a 4xx one, and always returns the request id', async () => {
    const app = base();
    const boom = await app.inject({ url: '/boom', headers: { 'x-request-id': 'req-123' } });
    expect(boom.statusCode).toBe(500);
    expect(boom.body).not.toContain('secret');
    expect(boom.json()).toMatchObject({
      code: 'INTERNAL',
      detail: 'Something went wrong on our side',
      requestId: 'req-123',
    });
    expect(boom.headers['x-request-id']).toBe('req-123');
    const conflict = await app.inject({ url: '/conflict' });
    expect(conflict.json()).toMatchObject({
      status: 409,
      code: 'CONFLICT',
      detail: 'Room r1 is already recording',
    });
  });

  it('answers /readyz 503 naming the failing check', async () => {
    const res = await base({ bus: async () => true, store: async () => false }).inject({ url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'not ready', checks: { bus: true, store: false } });
  });
});
