import { contracts, makeEnvelope } from '@onair/contracts';
import { Dispatcher } from '../src/bus/dispatch';
import { AppError } from '../src/errors';
import { silentLogger } from '../src/logger';

const ping = () =>
  makeEnvelope({
    type: 'onair.system.ping.v1',
    source: 't',
    data: { service: 'x', sentAt: new Date().toISOString() },
  });

function dispatcher(handler: ConstructorParameters<typeof Dispatcher>[0]['handler']) {
  return new Dispatcher({
    queue: 'q',
    service: 'test',
    registry: contracts,
    handler,
    logger: silentLogger,
    maxAttempts: 3,
    retryDelaysMs: [10, 20],
  });
}

describe('Dispatcher', () => {
  it('runs the handler once when two copies of one id arrive at the same time', async () => {
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const d = dispatcher(async () => {
      calls++;
      await gate;
    });
    const body = JSON.stringify(ping());
    const a = d.handle(body, 1);
    const b = d.handle(body, 1);
    release();
    const [oa, ob] = await Promise.all([a, b]);
    expect(calls).toBe(1);
    expect(oa).toMatchObject({ kind: 'ack' });
    expect(ob).toMatchObject({ kind: 'ack', duplicate: true });
  });

  it('chooses retry with the configured delays, then dead-letter on the last attempt', async () => {
    const d = dispatcher(async () => {
      throw new Error('boom');
    });
    const body = JSON.stringify(ping());
    expect(await d.handle(body, 1)).toEqual({ kind: 'retry', delayMs: 10, error: 'boom' });
    expect(await d.handle(body, 2)).toEqual({ kind: 'retry', delayMs: 20, error: 'boom' });
    expect(await d.handle(body, 3)).toMatchObject({ kind: 'dead-letter', reason: 'failed', error: 'boom' });
  });

  it('answers a refused command at once and hides 5xx internals from the reply', async () => {
    const refused = dispatcher(async () => {
      throw new AppError('CONFLICT', 409, 'already recording');
    });
    const o = await refused.handle(JSON.stringify(ping()), 1);
    expect(o).toMatchObject({
      kind: 'ack',
      reply: { type: 'onair.system.error.v1', data: { status: 409, message: 'already recording' } },
    });
    const broken = dispatcher(async () => {
      throw new Error('password=hunter2 leaked in a driver error');
    });
    const last = await broken.handle(JSON.stringify(ping()), 3);
    expect(last.kind).toBe('dead-letter');
    expect(JSON.stringify('reply' in last ? last.reply : '')).not.toContain('hunter2');
  });

  it('tells the caller what publicMessage allows, and never forwards the details of a 5xx', async () => {
    const replyOf = async (e: AppError, attempt: number) => {
      const o = await dispatcher(async () => {
        throw e;
      }).handle(JSON.stringify(ping()), attempt);
      return 'reply' in o ? o.reply?.data : undefined;
    };
    // 4xx: message and details are the caller's.
    expect(
      await replyOf(new AppError('BAD_REQUEST', 400, 'title too long', { details: { field: 'title' } }), 1),
    ).toEqual({ code: 'BAD_REQUEST', status: 400, message: 'title too long', details: { field: 'title' } });
    // 503 and 504 are written for the caller (what is unavailable, who did not answer), as at every edge.
    expect(await replyOf(new AppError('UNAVAILABLE', 503, 'IVS is unavailable; try again', {}), 3)).toEqual({
      code: 'UNAVAILABLE',
      status: 503,
      message: 'IVS is unavailable; try again',
    });
    expect(await replyOf(new AppError('TIMEOUT', 504, 'chat-svc did not answer'), 3)).toMatchObject({
      message: 'chat-svc did not answer',
    });
    // A 5xx's details are internals: never on the bus, whatever the status.
    const internal = await replyOf(
      new AppError('DB', 500, 'table x is gone', { details: { sql: 'secret' } }),
      3,
    );
    expect(internal).toEqual({
      code: 'DB',
      status: 500,
      message: 'The service could not complete this command',
    });
    expect(
      await replyOf(new AppError('UNAVAILABLE', 503, 'try again', { details: { host: '10.0.0.1' } }), 3),
    ).not.toHaveProperty('details');
    expect(
      await replyOf(new AppError('NOT_CONFIGURED', 501, 'set X', { details: { env: 'X=secret' } }), 1),
    ).toEqual({ code: 'NOT_CONFIGURED', status: 501, message: 'set X' });
  });

  it('answers an invalid message with a 400 BUS_INVALID_MESSAGE reply, and dead-letters it', async () => {
    let calls = 0;
    const d = dispatcher(async () => {
      calls++;
    });
    const bad = { ...ping(), data: { service: 42, sentAt: new Date().toISOString() } };
    const o = await d.handle(JSON.stringify(bad), 1);
    expect(o).toMatchObject({
      kind: 'dead-letter',
      reason: 'invalid',
      error: expect.stringMatching(/onair\.system\.ping\.v1 data\/service/),
      reply: {
        type: 'onair.system.error.v1',
        correlationid: bad.correlationid,
        causationid: bad.id,
        data: {
          code: 'BUS_INVALID_MESSAGE',
          status: 400,
          message: expect.stringMatching(
            /does not match its contract: onair\.system\.ping\.v1 data\/service/,
          ),
        },
      },
    });
    expect(calls).toBe(0);
    // Not even JSON: still a reply, with a correlation id of its own.
    const junk = await d.handle('{"a":', 1);
    expect(junk).toMatchObject({
      kind: 'dead-letter',
      reply: {
        data: { code: 'BUS_INVALID_MESSAGE', status: 400, message: expect.stringMatching(/not JSON/) },
      },
    });
    expect(contracts.validate('reply' in junk ? junk.reply : undefined)).toEqual({ ok: true });
  });

  it('never throws on garbage', async () => {
    const d = dispatcher(async () => undefined);
    for (const junk of ['', 'null', '[]', '{"specversion":"1.0"}', '\u0000\u0001', '{"a":']) {
      await expect(d.handle(junk, 1)).resolves.toMatchObject({ kind: 'dead-letter', reason: 'invalid' });
    }
  });
});
