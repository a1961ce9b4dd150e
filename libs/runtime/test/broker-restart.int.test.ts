import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { type Envelope, makeEnvelope } from '@onair/contracts';
import type { Bus } from '../src/bus';
import { rabbitHarness } from './rabbit-harness';
import { waitFor } from './wait-for';

const run = promisify(execFile);

/**
 * A broker restart in the middle of a publish/consume run loses nothing: publishes wait for the
 * reconnect (or are re-sent when their confirm was lost), consumers resume on their own.
 * This file runs alone (`npm test` runs it after the rest, in band) because it stops RabbitMQ.
 */
describe('bus on RabbitMQ across a broker restart', () => {
  jest.setTimeout(120_000);

  it('delivers every message published before, during and after stop_app/start_app', async () => {
    const h = await rabbitHarness();
    const target = `restart-${randomUUID().slice(0, 6)}`;
    const consumer: Bus = await h.makeBus(target);
    const producer: Bus = await h.makeBus('producer');
    const handled = new Set<string>();
    let detached = 0;
    await consumer.consumeCommands(
      target,
      async (m: Envelope) => {
        handled.add(m.id);
      },
      { onDetached: () => detached++ }, // a partition owner forgets its keys on this
    );

    const sent: string[] = [];
    const N = 1500;
    let restarted = false;
    try {
      const publishing = (async () => {
        for (let i = 0; i < N; i++) {
          const cmd = makeEnvelope({
            type: 'onair.system.ping.v1',
            source: 'test',
            data: { service: target, sentAt: new Date().toISOString() },
          });
          await producer.send(cmd, { to: target });
          sent.push(cmd.id);
        }
      })();
      await waitFor(() => handled.size >= 300, { what: 'the run to be under way', timeoutMs: 30_000 });
      await run('rabbitmqctl', ['stop_app']);
      restarted = true;
      await run('rabbitmqctl', ['start_app']);
      await publishing;
      await waitFor(() => handled.size >= N, { what: `all ${N} messages handled`, timeoutMs: 60_000 });
      expect(sent).toHaveLength(N);
      expect(sent.every((id) => handled.has(id))).toBe(true);
      expect(await producer.isReady()).toBe(true);
      expect(detached).toBeGreaterThanOrEqual(1); // the consumer heard it lost its channel
    } finally {
      // Whatever happened above, leave the broker running for everything else.
      if (restarted) await run('rabbitmqctl', ['start_app']).catch(() => {});
      await run('rabbitmqctl', ['await_startup']).catch(() => {});
      await consumer.close();
      await producer.close();
      await h.cleanup();
    }
  });
});
