// A request whose requester's connection drops before the reply comes back (the reply goes to
// the channel that published the request, so it is lost with it) is sent again on the new
// connection and answered within its time. Requests are not confirmed (rabbitmq.ts sendRequest):
// when they were, a request the broker had confirmed was never sent again and its requester
// waited out its whole timeout. The connection is dropped from the broker's side, with
// rabbitmqctl, as a broker restart or a network cut would drop it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { makeEnvelope } from '@onair/contracts';
import { testBuses } from '../../../test/support/bus';
import { waitFor } from './wait-for';

const run = promisify(execFile);

/** The broker's pid of the connection whose client calls itself `name` (rabbitmq.ts connectionName). */
async function connectionPid(name: string): Promise<string | undefined> {
  const { stdout } = await run('rabbitmqctl', [
    'list_connections',
    'pid',
    'client_properties',
    '--quiet',
    '--no-table-headers',
  ]);
  const line = stdout.split('\n').find((l) => l.includes(`"${name}"`));
  return line?.split('\t')[0]?.trim();
}

describe('a request on RabbitMQ whose connection drops before its reply', () => {
  jest.setTimeout(60_000);
  let buses: Awaited<ReturnType<typeof testBuses>>;
  beforeAll(async () => {
    buses = await testBuses();
  });
  afterAll(async () => buses.cleanup());

  it('is sent again on the new connection and answered in time, once handled', async () => {
    const requester = await buses.make('requester', 'req-1');
    const responder = await buses.make('responder', 'resp-1');
    const name = `${buses.namespace}.requester.req-1`;
    await waitFor(() => connectionPid(name), { what: 'the requester connection listed', timeoutMs: 20_000 });
    const deliveries: string[] = [];
    let handled = 0;
    await responder.consumeCommands('responder', async (m) => {
      deliveries.push(m.id);
      if (deliveries.length === 1) {
        // The reply to this delivery goes to a channel that is gone by then.
        const pid = await connectionPid(name);
        if (!pid) throw new Error('requester connection not found');
        await run('rabbitmqctl', ['close_connection', pid, 'test: the requester connection drops']);
        // close_connection returns before the connection is gone: reply only once it is.
        // (gone, or already replaced by the requester's new connection)
        await waitFor(async () => (await connectionPid(name)) !== pid, {
          what: 'the requester connection closed',
          timeoutMs: 20_000,
        });
      }
      handled++;
      return makeEnvelope({
        type: 'onair.system.ping.v1',
        source: 'responder',
        data: { service: 'responder', sentAt: new Date().toISOString() },
      });
    });

    const started = Date.now();
    const reply = await requester.request(
      makeEnvelope({
        type: 'onair.system.ping.v1',
        source: 'requester',
        data: { service: 'responder', sentAt: new Date().toISOString() },
      }),
      { to: 'responder', timeoutMs: 20_000 },
    );
    expect(reply).toMatchObject({ type: 'onair.system.ping.v1', source: 'responder' });
    // Sent twice (the same envelope), handled once: the copy was answered with the first one's
    // reply by the bus's duplicate check, without reaching the handler.
    expect(deliveries).toHaveLength(1);
    expect(handled).toBe(1);
    // Well before the request's own timeout: it did not wait its time out.
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
