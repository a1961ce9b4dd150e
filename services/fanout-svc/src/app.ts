import {
  type Envelope,
  follow,
  GatewayDeliver,
  makeEnvelope,
  PresenceJoined,
  PresenceLeft,
  PresenceSnapshot,
  PresenceSnapshotRequested,
} from '@onair/contracts';
import type { Bus, Consumer, Logger } from '@onair/runtime';
import { MessageRouter } from '@onair/runtime';
import { deliveryFor, ROUTED_SUBSCRIBER, ROUTED_TYPES } from './deliveries';
import { type Membership, PresenceIndex } from './presence-index';

export interface Deps {
  bus: Bus;
  logger: Logger;
  instanceId: string;
  /** How often gateways that stopped sending snapshots are forgotten. */
  expireEveryMs?: number;
}

/** The per-instance command queue of a gateway instance. */
export const gatewayTarget = (gatewayId: string) => `gateway.${gatewayId}`;

/**
 * fanout-svc: works out which gateway instances hold the sockets an event is for, and sends
 * each of them one delivery with the frames serialized once.
 *
 * Two subscriptions on purpose: every fanout instance reads ALL presence events (its own
 * per-instance queue), so each has the whole index; the events to route are shared between
 * instances (one queue, competing), so each is routed once.
 */
export function buildService(deps: Deps) {
  const router = new MessageRouter('fanout-svc').withPing(deps.instanceId);
  const index = new PresenceIndex();
  const consumers: Consumer[] = [];
  let timer: NodeJS.Timeout | undefined;

  async function onPresence(evt: Envelope): Promise<void> {
    const d = evt.data as { gatewayId: string } & Membership;
    if (evt.type === PresenceJoined.type) index.join(d.gatewayId, d);
    else if (evt.type === PresenceLeft.type) index.leave(d.gatewayId, d);
    else if (evt.type === PresenceSnapshot.type) {
      const s = evt.data as { gatewayId: string; memberships: Membership[]; ttlSeconds: number };
      index.snapshot(s.gatewayId, s.memberships, s.ttlSeconds);
    }
  }

  async function route(evt: Envelope): Promise<void> {
    const d = deliveryFor(evt);
    if (!d) return;
    const gateways = index.gatewaysFor(d.roomId, d.userIds);
    await Promise.all(
      gateways.map((gatewayId) =>
        deps.bus.send(
          follow(evt, {
            type: GatewayDeliver.type,
            source: 'fanout-svc',
            idParts: [gatewayId],
            data: { gatewayId, ...d },
          }),
          { to: gatewayTarget(gatewayId) },
        ),
      ),
    );
  }

  return {
    router,
    index,
    async start() {
      consumers.push(await deps.bus.consumeCommands('fanout-svc', router.handle));
      consumers.push(
        await deps.bus.subscribe(`fanout-svc.${deps.instanceId}`, ['onair.presence.#'], onPresence, {
          ephemeral: true,
          concurrency: 1, // joins and leaves of one socket must apply in order
        }),
      );
      // Many events in flight: order is not this queue's job (chat-svc finishes messages out of
      // order anyway, and there may be several fanout instances); gateways write each room in
      // sequence order. One at a time, every event waited for the previous one's round trips.
      consumers.push(await deps.bus.subscribe(ROUTED_SUBSCRIBER, ROUTED_TYPES, route, { concurrency: 32 }));
      // A fresh index is empty: ask every gateway for what it holds.
      await deps.bus.publish(
        makeEnvelope({
          type: PresenceSnapshotRequested.type,
          source: 'fanout-svc',
          data: { fanoutId: deps.instanceId },
        }),
      );
      timer = setInterval(() => {
        const gone = index.expire();
        if (gone.length)
          deps.logger.info({ gone }, 'forgot gateways that stopped sending presence snapshots');
      }, deps.expireEveryMs ?? 5000);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await Promise.all(consumers.splice(0).map((c) => c.stop()));
    },
  };
}
