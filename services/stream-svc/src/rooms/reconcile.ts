import { deriveId, envelopeOf, RoomUpdated } from '@onair/contracts';
import type { Bus, Logger } from '@onair/runtime';
import type { LiveKitRooms } from '../livekit/rooms-port';
import type { RoomStore } from './store';

/** A room younger than this is left alone: LiveKit may not list it yet. */
const GRACE_MS = 60_000;

/**
 * Webhooks are best effort (docs/protocols/livekit.md#webhook-delivery): a lost room_finished would leave a room
 * `active` forever. Active rooms are compared with ListRooms; one LiveKit no longer has is
 * finished, and a room LiveKit reports empty loses the participants we still count.
 * Safe on several instances at once (same writes, same event ids).
 */
export async function reconcileRooms(d: {
  store: RoomStore;
  livekit: LiveKitRooms;
  bus: Bus;
  logger: Logger;
  now?: () => number;
}): Promise<number> {
  const now = d.now?.() ?? Date.now();
  const active = (await d.store.all()).filter(
    (r) => r.status === 'active' && now - Date.parse(r.createdAt) > GRACE_MS,
  );
  let repaired = 0;
  for (let i = 0; i < active.length; i += 100) {
    const batch = active.slice(i, i + 100);
    const open = new Map(
      (await d.livekit.listRooms(batch.map((r) => r.livekitName))).map((r) => [r.name, r]),
    );
    for (const room of batch) {
      const lk = open.get(room.livekitName);
      if (lk && (lk.numParticipants > 0 || room.participantCount === 0)) continue;
      await d.store.clearParticipants(room.roomId);
      const updated = await d.store.update(room.roomId, {
        ...(lk ? {} : { status: 'finished' as const }),
        participantCount: 0,
        updatedAt: new Date(now).toISOString(),
      });
      if (!updated) continue;
      repaired++;
      d.logger.info({ roomId: room.roomId, status: updated.status }, 'room reconciled with ListRooms');
      await d.bus.publish(
        envelopeOf(RoomUpdated, {
          id: deriveId('rooms-reconcile', room.roomId, room.updatedAt),
          source: 'stream-svc',
          subject: room.roomId,
          data: updated,
        }),
      );
    }
  }
  return repaired;
}
