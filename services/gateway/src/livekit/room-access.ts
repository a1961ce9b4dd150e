import { forbidden } from '@onair/runtime';
import { canManage, type Principal } from '../auth';
import type { RoomRecord } from '../read-models/rooms';
import { FULL_GRANTS, type JoinGrants, VIEWER_GRANTS } from './tokens';

export type JoinRole = 'viewer' | 'publisher';

/** Streamers, moderators, admins and the room's owner may publish; everyone else views. */
export function mayPublish(p: Principal, room: RoomRecord): boolean {
  return canManage(p, room.ownerId) || p.roles.some((r) => r === 'streamer' || r === 'moderator');
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
