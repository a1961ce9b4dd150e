import { type PresenceJoined, type PresenceLeft, PresenceSnapshot } from '@onair/contracts';
import type { Bus, Consumer, Logger } from '@onair/runtime';
import { gatewayMessage } from '../commands';
import type { Hub, HubConnection } from './hub';

/** Tells presence-svc a socket joined or left a room; never rejects (the snapshot repairs a lost one). */
export type PublishPresence = (
  def: typeof PresenceJoined | typeof PresenceLeft,
  c: HubConnection,
  roomId: string,
) => Promise<void>;

export function presencePublisher(bus: Bus, gatewayId: string, log: Logger): PublishPresence {
  return async (def, c, roomId) => {
    try {
      await bus.publish(
        gatewayMessage(def, {
          data: { gatewayId, connectionId: c.id, roomId, userId: c.userId },
        }),
      );
    } catch (err) {
      log.warn({ err }, 'could not publish presence');
    }
  };
}

/**
 * Every membership of this instance, published at once, every `intervalMs`, and whenever
 * presence-svc asks (after its restart): a snapshot lives three intervals, so an instance that
 * died drops out of presence by itself.
 */
export async function startPresenceSnapshots(o: {
  bus: Bus;
  gatewayId: string;
  hub: Pick<Hub, 'connections'>;
  intervalMs: number;
  log: Logger;
}): Promise<{ consumer: Consumer; stop(): void }> {
  const snapshot = () =>
    o.bus
      .publish(
        gatewayMessage(PresenceSnapshot, {
          data: {
            gatewayId: o.gatewayId,
            ttlSeconds: Math.ceil((o.intervalMs * 3) / 1000),
            memberships: o.hub
              .connections()
              .flatMap((c) => (c.roomId ? [{ connectionId: c.id, roomId: c.roomId, userId: c.userId }] : [])),
          },
        }),
      )
      .catch((err) => o.log.warn({ err }, 'could not publish a presence snapshot'));
  const consumer = await o.bus.subscribe(
    `gateway.${o.gatewayId}.presence`,
    ['onair.presence.snapshot-requested.v1'],
    snapshot,
    { ephemeral: true },
  );
  await snapshot();
  const timer = setInterval(snapshot, o.intervalMs);
  timer.unref();
  return { consumer, stop: () => clearInterval(timer) };
}
