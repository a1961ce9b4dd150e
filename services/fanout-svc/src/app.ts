import {
  type Envelope,
  followWith,
  GatewayDeliver,
  PresenceJoined,
  PresenceLeft,
  PresenceSnapshot,
  PresenceSnapshotRequested,
  envelopeOf,
} from '@onair/contracts';
import type { Bus, Consumer, Logger } from '@onair/runtime';
import { MessageRouter, periodicJob } from '@onair/runtime';
import { deliveryFor, ROUTED_SUBSCRIBER, ROUTED_TYPES } from './deliveries';
import { type GatewayRegistry, MemoryGatewayRegistry } from './gateways';
import { PresenceIndex } from './presence-index';

export interface Deps {
  bus: Bus;
  logger: Logger;
  instanceId: string;
  /** How often gateways that stopped sending snapshots are forgotten. */
  expireEveryMs?: number;
  /** The gateways heard from lately (fanout-svc's table in production; in memory without one). */
  gateways?: GatewayRegistry;
  /**
   * Longest wait at start-up for the snapshots of the gateways known to be alive before events
   * are routed anyway (default 5 s). A gateway that does not answer by then is routed to once
   * its snapshot comes; its sockets fill what they missed from history.
   */
  presenceWaitMs?: number;
  /** At least this long is given to gateways not known yet (started while no fanout ran). Default 500 ms. */
  presenceSettleMs?: number;
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
  const gateways = deps.gateways ?? new MemoryGatewayRegistry();
  const consumers: Consumer[] = [];
  /** Forget the gateways that stopped sending snapshots, here and in the table. */
  const expiry = periodicJob({
    run: async () => {
      const gone = index.expire();
      if (gone.length === 0) return;
      deps.logger.info({ gone }, 'forgot gateways that stopped sending presence snapshots');
      await gateways.forget(gone);
    },
    everyMs: deps.expireEveryMs ?? 5000,
    logger: deps.logger,
    failureMessage: 'could not forget the gateways that stopped sending presence snapshots',
  });
  /** Gateways whose snapshot came since this instance asked for them. */
  const answered = new Set<string>();
  let onAnswer: (() => void) | undefined;
  /** True once events are routed: only after the gateways' presence is known. */
  let routing = false;

  /** Presence events from the gateways (a snapshot request is fanout's own: nothing to do). */
  const onPresence = new MessageRouter('fanout-svc')
    .on(PresenceJoined, async ({ data }) => {
      index.join(data.gatewayId, data);
    })
    .on(PresenceLeft, async ({ data }) => {
      index.leave(data.gatewayId, data);
    })
    .on(PresenceSnapshotRequested, async () => undefined)
    .on(PresenceSnapshot, async ({ data: s }) => {
      index.snapshot(s.gatewayId, s.memberships, s.ttlSeconds);
      answered.add(s.gatewayId);
      onAnswer?.();
      // Losing this write only makes a later restart wait less for this gateway.
      await gateways
        .seen(s.gatewayId, Date.now() + s.ttlSeconds * 1000)
        .catch((err: unknown) => deps.logger.warn({ err }, 'could not record a gateway as alive'));
    }).handle;

  /**
   * Ask every gateway for its snapshot and wait for those known to be alive (from the table),
   * giving unknown ones `presenceSettleMs`, at most `presenceWaitMs` in all. An event routed
   * before that would go to nobody and be acked: a fresh index is empty.
   */
  async function learnPresence(): Promise<void> {
    const t0 = Date.now();
    const expected = await gateways.live(t0).catch((err: unknown) => {
      deps.logger.warn({ err }, 'could not read which gateways are alive; waiting the whole presence wait');
      return undefined;
    });
    await deps.bus.publish(
      envelopeOf(PresenceSnapshotRequested, {
        source: 'fanout-svc',
        data: { fanoutId: deps.instanceId },
      }),
    );
    const waitMs = deps.presenceWaitMs ?? 5000;
    const settleMs = Math.min(deps.presenceSettleMs ?? 500, waitMs);
    const settledAt = t0 + settleMs;
    const missing = () => (expected ?? []).filter((g) => !answered.has(g));
    const done = () => Date.now() >= settledAt && expected !== undefined && missing().length === 0;
    await new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(settle);
        clearTimeout(deadline);
        onAnswer = undefined;
        resolve();
      };
      const check = () => {
        if (done()) finish();
      };
      onAnswer = check;
      const settle = setTimeout(check, settleMs);
      const deadline = setTimeout(finish, waitMs);
    });
    const late = missing();
    const fields = {
      answered: [...answered].sort(),
      expected: expected ?? 'unknown',
      waitedMs: Date.now() - t0,
    };
    if (late.length) {
      deps.logger.warn(
        { ...fields, late },
        'presence: some gateways did not answer in time; routing events anyway',
      );
    } else {
      deps.logger.info(fields, 'presence known; routing events');
    }
  }

  async function route(evt: Envelope): Promise<void> {
    const d = deliveryFor(evt);
    if (!d) return;
    const gateways = index.gatewaysFor(d.roomId, d.userIds);
    await Promise.all(
      gateways.map((gatewayId) =>
        deps.bus.send(
          followWith(GatewayDeliver, evt, {
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
    /** /readyz: not ready until the gateways' presence is known and events are routed. */
    readiness: { presence: async () => routing },
    async start() {
      consumers.push(await deps.bus.consumeCommands('fanout-svc', router.handle));
      consumers.push(
        await deps.bus.subscribe(`fanout-svc.${deps.instanceId}`, ['onair.presence.#'], onPresence, {
          ephemeral: true,
          concurrency: 1, // joins and leaves of one socket must apply in order
        }),
      );
      // A fresh index is empty: learn every gateway's presence first. Events wait in their
      // queue meanwhile.
      await learnPresence();
      // Many events in flight: order is not this queue's job (chat-svc finishes messages out of
      // order anyway, and there may be several fanout instances); gateways write each room in
      // sequence order. One at a time, every event waited for the previous one's round trips.
      consumers.push(await deps.bus.subscribe(ROUTED_SUBSCRIBER, ROUTED_TYPES, route, { concurrency: 32 }));
      routing = true;
      expiry.start();
    },
    async stop() {
      await expiry.stop();
      await Promise.all(consumers.splice(0).map((c) => c.stop()));
    },
  };
}
