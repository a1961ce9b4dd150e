import { AppError, badRequest, isAppError, notFound } from '@onair/runtime';
import { assertNotBanned, type BanLookup } from '../read-models/chat-bans';

/** A chat room as the join check needs it (ChatRoomsReadModel is one: only active rooms exist). */
export interface RoomLookup {
  get(roomId: string): Promise<{ provider: string } | undefined>;
}

/** What the chat edge asks before it lets a user into a room. */
export interface ChatAccess {
  rooms: RoomLookup;
  bans: BanLookup;
}

/**
 * The one check a seed 003 `joinGroup` passes, and the room it joins: the group must be an
 * existing native chat room (its roomId) and the user must not be banned or timed out there.
 * Throws an AppError the socket answers with (404, 400, 403; 503 when the table cannot be read).
 *
 * Mapping free-form seed 003 group names to rooms belongs here too: this returns the room id.
 */
export async function resolveSeed003Join(
  access: ChatAccess,
  groupId: string,
  userId: string,
): Promise<string> {
  try {
    const room = await access.rooms.get(groupId);
    if (!room) {
      throw notFound(
        `There is no chat room ${groupId}: groupId must be the roomId of a native chat room (POST /v1/chat/rooms with "provider":"native")`,
      );
    }
    if (room.provider !== 'native') {
      throw badRequest(
        `Chat room ${groupId} is an IVS chat room: only native chat rooms can be joined here; use an IVS chat token for it`,
      );
    }
    await assertNotBanned(access.bans, groupId, userId);
    return groupId;
  } catch (e) {
    throw unavailableUnlessAppError(e);
  }
}

/** The upgrade check of an IVS-protocol socket: a token minted before a ban does not get in. */
export async function assertMayConnect(access: ChatAccess, roomId: string, userId: string): Promise<void> {
  try {
    await assertNotBanned(access.bans, roomId, userId);
  } catch (e) {
    throw unavailableUnlessAppError(e);
  }
}

/** A failing table read is not the client's fault: 503, try again (and the cause kept for the log). */
function unavailableUnlessAppError(e: unknown): AppError {
  if (isAppError(e)) return e;
  return new AppError('UNAVAILABLE', 503, 'The chat room could not be checked right now; try again shortly', {
    cause: e,
  });
}
