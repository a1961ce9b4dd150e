import {
  followWith,
  type LiveKitWebhookReceived,
  type RoomCreate,
  RoomCreated,
  type RoomDelete,
  RoomDeleted,
  RoomUpdated,
  ownsOrAdmin,
} from '@onair/contracts';
import { type Bus, conflict, forbidden, type HandlerOf, notFound, publishFollowing } from '@onair/runtime';
import type { Static } from '@sinclair/typebox';
import type { LiveKitRooms } from '../livekit/rooms-port';
import type { Participant, Room, RoomStore } from './store';

type WebhookData = Static<typeof LiveKitWebhookReceived.schema>;

/**
 * The participant of a webhook as we keep it, or nothing without an identity. LiveKit's JSON
 * gives `joinedAt` in seconds as an int64 (a string, or a number from older servers).
 */
export function participantOf(p: WebhookData['participant']): Participant | undefined {
  if (typeof p?.identity !== 'string' || p.identity === '') return undefined;
  const joined = typeof p.joinedAt === 'string' || typeof p.joinedAt === 'number' ? Number(p.joinedAt) : NaN;
  return {
    identity: p.identity,
    sid: typeof p.sid === 'string' ? p.sid : '',
    ...(typeof p.name === 'string' && p.name !== '' ? { name: p.name } : {}),
    ...(Number.isSafeInteger(joined) && joined > 0
      ? { joinedAt: new Date(joined * 1000).toISOString() }
      : {}),
  };
}

export interface RoomHandlerDeps {
  bus: Bus;
  store: RoomStore;
  livekit: LiveKitRooms;
}

const SOURCE = 'stream-svc';
const canManage = ownsOrAdmin;

/**
 * onair.room.create.v1: LiveKit room first (idempotent by name), then our record, then the
 * event. A redelivered command finds the room stored and answers the same event (same id).
 */
export function createRoom(d: RoomHandlerDeps): HandlerOf<typeof RoomCreate> {
  return async (msg) => {
    const { data } = msg;
    const existing = await d.store.get(data.roomId);
    if (existing && existing.ownerId !== data.actor.userId)
      throw conflict(`Room ${data.roomId} already exists`);
    let room = existing;
    if (!room) {
      const lk = await d.livekit.createRoom({
        name: data.roomId,
        emptyTimeout: data.emptyTimeout,
        maxParticipants: data.maxParticipants,
        metadata: data.metadata,
      });
      const now = new Date().toISOString();
      ({ room } = await d.store.insert({
        roomId: data.roomId,
        livekitName: lk.name,
        sid: lk.sid,
        ownerId: data.actor.userId,
        ...(data.createdBy !== undefined ? { createdBy: data.createdBy } : {}),
        topic: data.topic,
        description: data.description,
        maxParticipants: data.maxParticipants,
        emptyTimeout: data.emptyTimeout,
        metadata: data.metadata,
        participantCount: lk.numParticipants,
        status: 'active',
        createdAt: now,
        updatedAt: now,
      }));
    }
    const evt = followWith(RoomCreated, msg, { source: SOURCE, subject: room.roomId, data: room });
    await d.bus.publish(evt);
    return evt;
  };
}

/** onair.room.delete.v1: owner or admin only; the LiveKit room goes first (it may already be gone). */
export function deleteRoom(d: RoomHandlerDeps): HandlerOf<typeof RoomDelete> {
  return async (msg) => {
    const { data } = msg;
    const room = await d.store.get(data.roomId);
    if (!room) throw notFound(`Room ${data.roomId} does not exist`);
    if (!canManage(data.actor, room.ownerId)) throw forbidden('Only the owner of the room may delete it');
    await d.livekit.deleteRoom(room.livekitName);
    await d.store.remove(room.roomId);
    return publishFollowing(d.bus, RoomDeleted, msg, {
      source: SOURCE,
      subject: room.roomId,
      data: { roomId: room.roomId },
    });
  };
}

/**
 * Room and participant webhooks keep `status` and `participantCount` current. The count is the
 * number of participant records (one per identity, removed only by the session that made it),
 * so a duplicated webhook changes nothing and a lost one is healed by the next event or by
 * room_finished. Rooms that are not ours (no record) are ignored.
 */
export function onRoomWebhook(d: RoomHandlerDeps): HandlerOf<typeof LiveKitWebhookReceived> {
  return async (msg) => {
    const { data } = msg;
    const name = typeof data.room?.name === 'string' ? data.room.name : undefined;
    if (!name) return;
    const room = await d.store.get(name);
    if (!room) return;
    const sid = typeof data.room?.sid === 'string' ? data.room.sid : room.sid;
    const participant = participantOf(data.participant);
    let fields: Partial<Room> | undefined;
    switch (data.event) {
      case 'room_started':
        fields = { status: 'active', sid };
        break;
      case 'room_finished':
        await d.store.clearParticipants(room.roomId);
        fields = { status: 'finished', participantCount: 0 };
        break;
      case 'participant_joined':
        if (!participant?.identity) return;
        await d.store.participantJoined(room.roomId, participant);
        fields = { status: 'active', sid };
        break;
      case 'participant_left':
      case 'participant_connection_aborted':
        if (!participant?.identity) return;
        await d.store.participantLeft(room.roomId, participant.identity, participant.sid);
        break;
      default:
        return;
    }
    if (data.event.startsWith('participant_'))
      fields = { ...fields, participantCount: (await d.store.participantIdentities(room.roomId)).length };
    // Nothing new (room_started right after our create, a repeated event): no write, no event.
    if (Object.entries(fields ?? {}).every(([k, v]) => room[k as keyof Room] === v)) return;
    const updated = await d.store.update(room.roomId, { ...fields, updatedAt: new Date().toISOString() });
    if (!updated) return; // deleted meanwhile
    await d.bus.publish(
      followWith(RoomUpdated, msg, {
        source: SOURCE,
        subject: room.roomId,
        data: updated,
      }),
    );
  };
}
