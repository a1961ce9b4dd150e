import { forbidden } from '@onair/runtime';
import { canManage, type Principal } from '../auth';
import { CREATOR_ROLES } from '../policy';
import type { RoomRecord } from '../read-models/rooms';
import { FULL_GRANTS, type JoinGrants, VIEWER_GRANTS } from './tokens';

export type JoinRole = 'viewer' | 'publisher';

/**
 * Who may publish in a room: its owner, streamers, moderators and admins. For a room onair does
 * not know (seed 001 clients name LiveKit rooms that LiveKit creates when someone joins), there is
 * no owner: streamers, moderators and admins.
 */
export function mayPublish(p: Principal, room: Pick<RoomRecord, 'ownerId'> | undefined): boolean {
  if (room && canManage(p, room.ownerId)) return true;
  return p.roles.some((r) => CREATOR_ROLES.includes(r));
}

/**
 * The grants of a join token for the caller. Asking for more than the caller may have is a 403,
 * not a silent downgrade. Another identity than one's own is for the owner (inviting a guest).
 */
export function joinPolicy(
  p: Principal,
  room: RoomRecord,
  asked: { role?: JoinRole; identity?: string },
): { role: JoinRole; grants: JoinGrants; identity: string } {
  const may = mayPublish(p, room);
  const role = asked.role ?? (may ? 'publisher' : 'viewer');
  if (role === 'publisher' && !may)
    throw forbidden('Only streamers, moderators and the owner may publish here');
  const identity = asked.identity ?? p.userId;
  if (identity !== p.userId && !canManage(p, room.ownerId))
    throw forbidden('Only the owner of the room may mint tokens for other identities');
  return { role, grants: role === 'publisher' ? FULL_GRANTS : VIEWER_GRANTS, identity };
}

/**
 * A seed route's join token (seed 001 `POST /token`, seed 004 create / join / token). The seeds
 * let the client name the identity; onair does not: the identity is the caller's user id and the
 * name the client sent becomes the display name. Only an admin's name field is the identity (as
 * the seed did). Grants follow the /v1 rules: publishers get everything, everyone else subscribes.
 */
export function seedJoinPolicy(
  p: Principal,
  room: Pick<RoomRecord, 'ownerId'> | undefined,
  name: string,
): { identity: string; name: string; grants: JoinGrants } {
  const identity = p.roles.includes('admin') ? name : p.userId;
  return { identity, name, grants: mayPublish(p, room) ? FULL_GRANTS : VIEWER_GRANTS };
}

/**
 * Who may start recording a room, the same on /v1 and seed 001: who may publish there. Stopping
 * and deleting are recording-svc's to check (the room's owner, who started it, or an admin).
 */
export function checkMayRecord(p: Principal, room: RoomRecord | undefined, roomName: string): void {
  if (mayPublish(p, room)) return;
  throw forbidden(
    room
      ? `Only the owner of room ${roomName}, streamers, moderators and admins may record it`
      : `Only streamers, moderators and admins may record room ${roomName}`,
  );
}
