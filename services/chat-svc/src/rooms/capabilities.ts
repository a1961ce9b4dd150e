import { type Actor, type Capability, moderates } from '@onair/contracts';
import { forbidden } from '@onair/runtime';
import type { Static } from '@sinclair/typebox';

type Cap = Static<typeof Capability>;
type Who = Static<typeof Actor>;

export const ALL_CAPABILITIES: readonly Cap[] = ['SEND_MESSAGE', 'DELETE_MESSAGE', 'DISCONNECT_USER'];

/** Whether the actor moderates this room: its owner, a moderator, or an admin. */
export function isModerator(actor: Who, ownerId: string): boolean {
  return moderates(actor, ownerId);
}

/** A 403 saying who may `what` unless the actor moderates the room. */
export function mustModerate(actor: Who, room: { roomId: string; ownerId: string }, what: string): void {
  if (!moderates(actor, room.ownerId))
    throw forbidden(`Only moderators of chat room ${room.roomId} may ${what}`);
}

/**
 * Chat capabilities from the caller's role: a viewer only reads; a streamer (a sender) sends;
 * moderators and admins also delete messages and disconnect users, and so does the room owner
 * (a streamer moderates the chat of their own stream). `floor` is what the caller's route grants
 * everyone (the seed 002 route lets every signed-in user send, as that seed did).
 */
export function capabilitiesFor(actor: Who, ownerId: string, floor: readonly Cap[] = []): Cap[] {
  const caps = new Set<Cap>(floor);
  if (actor.roles.some((r) => r !== 'viewer')) caps.add('SEND_MESSAGE');
  if (isModerator(actor, ownerId)) for (const c of ALL_CAPABILITIES) caps.add(c);
  return ALL_CAPABILITIES.filter((c) => caps.has(c));
}
