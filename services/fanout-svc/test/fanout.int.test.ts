import { GatewayDeliverBatch, makeEnvelope } from '@onair/contracts';
import { dataOf, silentLogger } from '@onair/runtime';
import { testBuses, waitFor } from '../../../test/support';
import { buildService, gatewayTarget } from '../src/app';
import { MemoryGatewayRegistry } from '../src/gateways';

const message = (roomId: string, seq: number) =>
  makeEnvelope({
    type: 'onair.chat.message.sent.v1',
    source: 'chat-svc',
    data: {
      roomId,
      messageId: `m${seq}`,
      seq,
      requestId: `q${seq}`,
      sender: { userId: 'bob' },
      content: `hello ${seq}`,
      sendTime: new Date().toISOString(),
    },
  });

describe('fanout-svc on the real bus', () => {
  it('routes each event once per gateway that holds the room, across two fanout instances, and rebuilds presence from snapshots', async () => {
    const buses = await testBuses();
    const services: Array<ReturnType<typeof buildService>> = [];
    try {
      type Got = { gatewayId: string; seq?: number; frames: { ivs?: string } };
      const got: Record<string, Got[]> = { 'gw-a': [], 'gw-b': [], 'gw-c': [] };
      for (const gw of Object.keys(got)) {
        const b = await buses.make('gateway', gw);
        await b.consumeCommands(
          gatewayTarget(gw),
          async (m) => {
            // Deliveries come in batches (one bus message per gateway and turn).
            const batch = dataOf(GatewayDeliverBatch, m);
            for (const d of batch.deliveries) got[gw].push({ gatewayId: batch.gatewayId, ...d });
          },
          { ephemeral: true },
        );
        // Like a gateway: answer snapshot requests with what it holds.
        await b.subscribe(
          `gateway.${gw}.presence`,
          ['onair.presence.snapshot-requested.v1'],
          async () => {
            const memberships =
              gw === 'gw-c' ? [] : [{ connectionId: `${gw}-c1`, roomId: 'room-1', userId: `user-${gw}` }];
            await b.publish(
              makeEnvelope({
                type: 'onair.presence.snapshot.v1',
                source: 'gateway',
                data: { gatewayId: gw, memberships, ttlSeconds: 30 },
              }),
            );
          },
          { ephemeral: true },
        );
      }
      for (const id of ['fan-1', 'fan-2']) {
        const s = buildService({
          bus: await buses.make('fanout-svc', id),
          logger: silentLogger,
          instanceId: id,
        });
        await s.start();
        services.push(s);
      }
      // Both instances learn the whole index from the gateways' snapshots.
      await waitFor(() => services.every((s) => s.index.gatewaysFor('room-1').length === 2), {
        what: 'presence from snapshots',
      });

      const producer = await buses.make('chat-svc');
      for (let seq = 1; seq <= 20; seq++) await producer.publish(message('room-1', seq));
      await waitFor(() => got['gw-a'].length === 20 && got['gw-b'].length === 20, {
        what: '20 deliveries to each gateway',
      });
      expect(got['gw-c']).toEqual([]);
      for (const gw of ['gw-a', 'gw-b']) {
        const seqs = got[gw].map((d) => d.seq ?? 0).sort((a, b) => a - b);
        expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1)); // each exactly once
        const d = got[gw][0];
        expect(d.gatewayId).toBe(gw);
        expect(JSON.parse(d.frames.ivs ?? '{}').Type).toBe('MESSAGE');
      }

      // A live join reaches every fanout instance: gw-c now gets room-1 too.
      await producer.publish(
        makeEnvelope({
          type: 'onair.presence.joined.v1',
          source: 'gateway',
          data: { gatewayId: 'gw-c', connectionId: 'c9', roomId: 'room-1', userId: 'zed' },
        }),
      );
      await waitFor(() => services.every((s) => s.index.gatewaysFor('room-1').includes('gw-c')), {
        what: 'the join on both instances',
      });
      await producer.publish(message('room-1', 21));
      await waitFor(() => got['gw-c'].length === 1, { what: 'a delivery to gw-c' });
    } finally {
      for (const s of services) await s.stop();
      await buses.cleanup();
    }
  });

  it('routes nothing before the presence of the gateways it knows is in, and not ready meanwhile; a gateway that never answers holds it up only until the deadline', async () => {
    const buses = await testBuses();
    try {
      const gateways = new MemoryGatewayRegistry();
      await gateways.seen('gw-gone', Date.now() + 30_000); // alive by the table, but dead
      const s = buildService({
        bus: await buses.make('fanout-svc', 'fan-w'),
        logger: silentLogger,
        instanceId: 'fan-w',
        gateways,
        presenceWaitMs: 1500,
        presenceSettleMs: 100,
      });
      const started = s.start();
      // Waiting for gw-gone: not ready, nothing routed…
      await waitFor(async () => !(await s.readiness.presence()), { what: 'not ready while waiting' });
      // …until the deadline, then it routes anyway (a dead gateway cannot hold fanout up).
      await started;
      expect(await s.readiness.presence()).toBe(true);
      await s.stop();
    } finally {
      await buses.cleanup();
    }
  });
});
