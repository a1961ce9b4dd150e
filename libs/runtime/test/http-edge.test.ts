import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { createHttpBase } from '../src/http';
import { createLogger } from '../src/logger';
import { Metrics } from '../src/metrics';

/**
 * What the HTTP base does with input a client gets wrong, the way a hostile or careless client
 * sends it: every answer is problem+json and says what to change; bodies are closed and taken
 * as sent; numbers are finite; credentials in URLs never reach a log line or an answer.
 */
function base(lines: string[] = []) {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ service: 'test', destination: sink });
  const app = createHttpBase({
    service: 'test',
    logger,
    metrics: new Metrics({ defaultMetrics: false }),
    readiness: {},
  });
  app.post(
    '/rooms/:roomId/bans',
    {
      schema: {
        params: Type.Object({ roomId: Type.String({ pattern: '^[a-z0-9_]+$', maxLength: 128 }) }),
        body: Type.Object({
          userId: Type.String({ maxLength: 128 }),
          provider: Type.Optional(Type.Union([Type.Literal('ivs'), Type.Literal('native')])),
          settings: Type.Optional(Type.Object({ slowModeSeconds: Type.Optional(Type.Integer()) })),
          attributes: Type.Optional(Type.Record(Type.String(), Type.String())),
        }),
      },
    },
    async (req) => ({ body: req.body }),
  );
  app.get(
    '/items',
    { schema: { querystring: Type.Object({ limit: Type.Integer({ minimum: 1, default: 20 }) }) } },
    async (req) => req.query,
  );
  app.get('/things/:id', async () => ({ ok: true }));
  app.delete('/things/:id', async (_req, reply) => reply.status(204).send());
  app.post(
    '/optional',
    { schema: { body: Type.Object({ displayName: Type.Optional(Type.String()) }) } },
    async (req) => ({ body: req.body }),
  );
  return app;
}

const problem = (res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }) => {
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  return res.json() as { status: number; code: string; detail: string; instance?: string };
};

describe('HTTP edge: bad input gets a problem that says what to change', () => {
  it('refuses a body field the route does not declare, naming it (no mass assignment)', async () => {
    const res = await base().inject({
      method: 'POST',
      url: '/rooms/r1/bans',
      payload: { userId: 'alice', actor: { userId: 'x', roles: ['admin'] } },
    });
    expect(res.statusCode).toBe(400);
    expect(problem(res).detail).toMatch(/unknown field 'actor'/);
  });

  it('refuses fields sent to a route that takes no body, naming them', async () => {
    const res = await base().inject({
      method: 'DELETE',
      url: '/things/1',
      payload: { actor: { userId: 'x' } },
    });
    expect(res.statusCode).toBe(400);
    expect(problem(res).detail).toMatch(/unknown field 'actor'.*takes no body/);
  });

  it('closes nested objects too, but leaves maps (records) open', async () => {
    const app = base();
    const nested = await app.inject({
      method: 'POST',
      url: '/rooms/r1/bans',
      payload: { userId: 'a', settings: { slowModeSeconds: 1, reviewWebhookUrl: 'http://127.0.0.1' } },
    });
    expect(nested.statusCode).toBe(400);
    expect(problem(nested).detail).toMatch(/unknown field 'settings.reviewWebhookUrl'/);
    const map = await app.inject({
      method: 'POST',
      url: '/rooms/r1/bans',
      payload: { userId: 'a', attributes: { anything: 'goes' } },
    });
    expect(map.statusCode).toBe(200);
  });

  it('takes bodies as sent: a number is not turned into a string', async () => {
    const res = await base().inject({ method: 'POST', url: '/rooms/r1/bans', payload: { userId: 5 } });
    expect(res.statusCode).toBe(400);
    expect(problem(res).detail).toMatch(/field 'userId': must be string/);
  });

  it('lists the allowed values of an enum', async () => {
    const res = await base().inject({
      method: 'POST',
      url: '/rooms/r1/bans',
      payload: { userId: 'a', provider: 'zz' },
    });
    expect(res.statusCode).toBe(400);
    expect(problem(res).detail).toMatch(/field 'provider': must be one of "ivs", "native"/);
  });

  it.each(['Infinity', '1e309', '-Infinity', 'NaN'])('refuses limit=%s with a 400', async (v) => {
    const res = await base().inject({ url: `/items?limit=${v}` });
    expect(res.statusCode).toBe(400);
    expect(problem(res).detail).toMatch(/limit/);
  });

  it('refuses repeated query params for a single value', async () => {
    const res = await base().inject({ url: '/items?limit=5&limit=6' });
    expect(res.statusCode).toBe(400);
    problem(res);
  });

  it('answers a bad percent-encoding with 400 problem+json', async () => {
    const res = await base().inject({ url: '/things/%zz' });
    expect(res.statusCode).toBe(400);
    expect(problem(res)).toMatchObject({ code: 'FST_ERR_BAD_URL' });
  });

  it('validates long path ids by their schema (400), and answers an absurdly long one 414 problem+json', async () => {
    const app = base();
    const long = await app.inject({
      method: 'POST',
      url: `/rooms/${'a'.repeat(200)}/bans`,
      payload: { userId: 'a' },
    });
    expect(long.statusCode).toBe(400);
    expect(problem(long).detail).toMatch(/roomId/);
    const absurd = await app.inject({ url: `/things/${'a'.repeat(5000)}` });
    expect(absurd.statusCode).toBe(414);
    expect(problem(absurd)).toMatchObject({ code: 'FST_ERR_MAX_PARAM_LENGTH' });
  });

  it('answers 415 naming the media type for a text/plain body', async () => {
    const res = await base().inject({
      method: 'POST',
      url: '/rooms/r1/bans',
      headers: { 'content-type': 'text/plain' },
      payload: 'userId=alice',
    });
    expect(res.statusCode).toBe(415);
    expect(problem(res).detail).toMatch(/'text\/plain'.*application\/json/);
  });

  it('answers a missing body of a route that needs one with a 400 that says what to send', async () => {
    for (const headers of [{ 'content-type': 'application/json' }, {}]) {
      const res = await base().inject({ method: 'POST', url: '/rooms/r1/bans', headers, payload: '' });
      expect(res.statusCode).toBe(400);
      expect(problem(res).detail).toMatch(/send a JSON object/);
    }
  });

  it('takes no body, or an empty one with a JSON content type, as {} where every field is optional', async () => {
    const app = base();
    for (const headers of [
      { 'content-type': 'application/json' },
      {},
      { 'content-type': 'application/json; charset=utf-8' },
    ]) {
      const res = await app.inject({ method: 'POST', url: '/optional', headers, payload: '' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ body: {} });
    }
    const del = await app.inject({
      method: 'DELETE',
      url: '/things/1',
      headers: { 'content-type': 'application/json' },
    });
    expect(del.statusCode).toBe(204);
    const bad = await app.inject({
      method: 'POST',
      url: '/optional',
      headers: { 'content-type': 'application/json' },
      payload: '{"displayName":',
    });
    expect(bad.statusCode).toBe(400);
    expect(problem(bad).detail).toMatch(/not valid JSON/);
    const poisoned = await app.inject({
      method: 'POST',
      url: '/optional',
      headers: { 'content-type': 'application/json' },
      payload: '{"__proto__":{"admin":true}}',
    });
    expect(poisoned.statusCode).toBe(400);
    // Valid JSON with a refused key: said as such, not "not valid JSON".
    expect(problem(poisoned).detail).toMatch(/__proto__ or constructor\.prototype/);
  });

  it('answers headers that are too large with 431 problem+json on the wire', async () => {
    const app = base();
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = app.server.address() as { port: number };
      const raw = await new Promise<string>((resolve, reject) => {
        const s = connect(port, '127.0.0.1');
        let out = '';
        s.on('data', (d) => {
          out += d.toString();
        });
        s.on('close', () => resolve(out));
        // The server closes while the client is still writing its headers: a reset after the answer.
        s.on('error', (e) => (out ? resolve(out) : reject(e)));
        s.write(`GET /items HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`);
      });
      expect(raw).toMatch(/^HTTP\/1\.1 431/);
      expect(raw).toMatch(/content-type: application\/problem\+json/i);
      expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 431 });
    } finally {
      await app.close();
    }
  });

  it('refuses lone surrogates with a 400 naming the field, and takes emoji, CJK, RTL and zero-width as sent', async () => {
    const app = base();
    const lone = await app.inject({
      method: 'POST',
      url: '/rooms/r1/bans',
      headers: { 'content-type': 'application/json' },
      payload: '{"userId":"a","attributes":{"k":"x\\ud800y"}}',
    });
    expect(lone.statusCode).toBe(400);
    expect(problem(lone).detail).toMatch(/field 'attributes.k'.*lone surrogate/);
    const text = 'hi 😀 👩‍👩‍👧 안녕하세요 你好 שלום مرحبا a\u200bb\u200d\ufeff';
    const ok = await app.inject({ method: 'POST', url: '/rooms/r1/bans', payload: { userId: text } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().body.userId).toBe(text);
  });

  it('keeps a plain x-request-id and replaces anything else with a fresh one', async () => {
    const app = base();
    const plain = await app.inject({ url: '/things/1', headers: { 'x-request-id': 'abc-123.x' } });
    expect(plain.headers['x-request-id']).toBe('abc-123.x');
    const odd = await app.inject({
      url: '/things/1',
      headers: { 'x-request-id': `"<😀>${'a'.repeat(5000)}` },
    });
    expect(odd.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('never echoes or logs a token in the URL', async () => {
    const lines: string[] = [];
    const app = base(lines);
    const secret = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl';
    const res = await app.inject({ url: `/nowhere?token=${secret}&x=1` });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain(secret);
    expect(problem(res).instance).toBe('/nowhere?token=[redacted]&x=1');
    const encoded = await app.inject({
      url: `/nowhere?%74oken=${secret}&access%5Ftoken=${secret}&TOKEN=${secret}`,
    });
    expect(encoded.body).not.toContain(secret);
    for (const url of [
      `/x?token%5B%5D=${secret}`,
      `/x?a=1;token=${secret}`,
      `/x?jwt=${secret}`,
      `/v1/streams/${secret}`,
    ]) {
      const res = await app.inject({ url });
      expect({ url, leaked: res.body.includes(secret) }).toEqual({ url, leaked: false });
    }
    await app.inject({ url: `/items?access_token=${secret}` });
    expect(lines.join('\n')).not.toContain(secret);
    // One line per request, with method, path, status and time.
    const line = lines.map((l) => JSON.parse(l)).find((l) => l.url?.startsWith('/items'));
    expect(line).toMatchObject({ method: 'GET', url: '/items?access_token=[redacted]', status: 200 });
    expect(typeof line.ms).toBe('number');
  });
});
