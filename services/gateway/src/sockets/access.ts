import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChatRoomCreate } from '@onair/contracts';
import { AppError, badRequest, type Bus, conflict, isAppError, notFound } from '@onair/runtime';
import { gatewayMessage } from '../commands';
import { assertNotBanned, type BanLookup } from '../read-models/chat-bans';
import type { CreateBudget } from './group-budget';

/** A chat room as the join check needs it (ChatRoomsReadModel is one: only active rooms exist). */
export interface RoomLookup {
  get(roomId: string): Promise<{ provider: string; name?: string } | undefined>;
}

/** Creates the native chat room of a seed 003 group (onair.chat.room.create.v1 to chat-svc). */
export interface GroupRooms {
  /** Resolves once the room exists, whoever created it; "already exists" is not an error here. */
  create(roomId: string, name: string): Promise<void>;
}

/** What the chat edge asks before it lets a user into a room. */
export interface ChatAccess {
  rooms: RoomLookup;
  bans: BanLookup;
  /** How seed 003 groups get their room on first join; without it a group that has no room is a 404. */
  groups?: GroupRooms;
  /** How many new groups a user may make by joining them (unlimited without it). */
  groupBudget?: CreateBudget;
}

/**
 * The owner of every seed 003 group room. No user owns a group: only moderators and admins
 * moderate it (chat-svc's owner checks compare user ids, and tokens come from the identity
 * provider, whose subjects are not this string).
 */
export const GROUP_OWNER = 'onair:seed003-groups';

/** Room ids onair gives out; a groupId with one of these prefixes is always a room id, never a name. */
const ROOM_ID_PREFIX = /^(chat|grp)_/;
/** A room id as rooms are keyed (the contracts' Id). */
const ROOM_ID = /^[A-Za-z0-9_.:/-]{1,128}$/;
/** A group name: letters and digits of any script, combining marks, and _ . : / - */
const GROUP_NAME = /^[\p{L}\p{M}\p{N}_.:/-]+$/u;
export const GROUP_NAME_MAX = 64;

/** The room of a group name: the same on every gateway instance, so concurrent first joins meet. */
export function groupRoomId(name: string): string {
  return `grp_${createHash('sha256').update(name.normalize('NFC'), 'utf8').digest('hex').slice(0, 32)}`;
}

/** Why a groupId cannot be joined at all (before any table is read), or undefined when it is well-formed. */
export function groupIdProblem(groupId: unknown): string | undefined {
  if (typeof groupId !== 'string' || groupId.length === 0) {
    return 'groupId must be a group name (letters, digits, _ . : / -) or a chat room id';
  }
  if (ROOM_ID.test(groupId)) return undefined;
  const name = groupId.normalize('NFC');
  if (!GROUP_NAME.test(name)) {
    return 'groupId may contain only letters, digits and _ . : / - (no spaces or other symbols)';
  }
  if ([...name].length > GROUP_NAME_MAX) return `A group name is at most ${GROUP_NAME_MAX} characters`;
  return undefined;
}

/** The room a seed 003 socket joins, and the groupId its members see in each message. */
export interface Seed003Join {
  roomId: string;
  groupId: string;
}

/** How long a join waits for a group room another gateway is creating at the same moment. */
const GROUP_SETTLE_MS = 2000;

/**
 * The one check a seed 003 `joinGroup` passes, and the room it joins:
 * - a groupId that is an existing room's id joins that room (it must be native);
 * - a groupId starting with `chat_` or `grp_` that is no room is a 404;
 * - any other groupId is a group name: its room is `grp_<hash of the name>`, created on the
 *   first join (owned by GROUP_OWNER, default chat settings);
 * and the user must not be banned or timed out in the room. Every signed-in user may create a
 * group by joining it, because on this socket every signed-in user may send (docs/chat.md), as
 * many a minute as `groupBudget` allows.
 * Throws an AppError the socket answers with (400, 403, 404, 409; 503 when the table cannot be
 * read or chat-svc does not answer).
 */
export async function resolveSeed003Join(
  access: ChatAccess,
  groupId: string,
  userId: string,
): Promise<Seed003Join> {
  try {
    const problem = groupIdProblem(groupId);
    if (problem) throw badRequest(problem);
    if (ROOM_ID.test(groupId)) {
      const room = await access.rooms.get(groupId);
      if (room) {
        // A group room joined by its id still shows its members the group's name.
        const shownAs = groupId.startsWith('grp_') && room.name ? room.name : groupId;
        return await admit(access, groupId, room, userId, shownAs);
      }
      if (ROOM_ID_PREFIX.test(groupId)) {
        throw notFound(
          `There is no chat room ${groupId}: a groupId starting with chat_ or grp_ must be an existing room's id (any other groupId is a group name, created when first joined)`,
        );
      }
    }
    const name = groupId.normalize('NFC');
    if ([...name].length > GROUP_NAME_MAX)
      throw badRequest(`A group name is at most ${GROUP_NAME_MAX} characters`);
    const roomId = groupRoomId(name);
    const room = (await access.rooms.get(roomId)) ?? (await createGroup(access, roomId, name, userId));
    return await admit(access, roomId, room, userId, room.name ?? name);
  } catch (e) {
    throw unavailableUnlessAppError(e);
  }
}

async function admit(
  access: ChatAccess,
  roomId: string,
  room: { provider: string },
  userId: string,
  shownAs: string,
): Promise<Seed003Join> {
  if (room.provider !== 'native') {
    throw badRequest(
      `Chat room ${roomId} is an IVS chat room: only native chat rooms can be joined here; use an IVS chat token for it`,
    );
  }
  await assertNotBanned(access.bans, roomId, userId);
  return { roomId, groupId: shownAs };
}

/** Create a group's room (or meet the one a concurrent join is creating) and read it back. */
async function createGroup(
  access: ChatAccess,
  roomId: string,
  name: string,
  userId: string,
): Promise<{ provider: string; name?: string }> {
  if (!access.groups) {
    throw notFound(`There is no group ${name} yet, and this gateway cannot create groups`);
  }
  const wait = await access.groupBudget?.take(userId);
  if (wait !== undefined) {
    throw new AppError(
      'RATE_LIMITED',
      429,
      `Too many new groups from this user: at most ${access.groupBudget?.perMinute} a minute; retry in ${wait} s (joining an existing group is not limited by this)`,
    );
  }
  await access.groups.create(roomId, name);
  const deadline = Date.now() + GROUP_SETTLE_MS;
  for (;;) {
    const room = await access.rooms.get(roomId);
    if (room) return room;
    if (Date.now() > deadline) {
      throw conflict(
        `Group ${name} cannot be joined: its room was closed by an admin (a closed group's name stays taken) or is still being set up; try again or pick another name`,
      );
    }
    await sleep(50);
  }
}

/**
 * Group rooms created through chat-svc. chat-svc's create is idempotent by command id, not by
 * room id: a second create of the same room id (a concurrent first join on another gateway)
 * answers 409, which here means "someone else made it" (the caller reads the room back).
 */
export function busGroupRooms(bus: Bus, timeoutMs: number): GroupRooms {
  return {
    async create(roomId, name) {
      try {
        await bus.request(
          gatewayMessage(ChatRoomCreate, {
            subject: roomId,
            data: {
              roomId,
              actor: { userId: GROUP_OWNER, roles: [] },
              provider: 'native',
              name,
              settings: {},
            },
          }),
          { timeoutMs },
        );
      } catch (e) {
        if (isAppError(e) && e.status === 409) return;
        throw e;
      }
    },
  };
}

/** The upgrade check of an IVS-protocol socket: a token minted before a ban does not get in. */
export async function assertMayConnect(access: ChatAccess, roomId: string, userId: string): Promise<void> {
  try {
    await assertNotBanned(access.bans, roomId, userId);
  } catch (e) {
    throw unavailableUnlessAppError(e);
  }
}

/** A failing table read or command is not the client's fault: 503, try again (the cause kept for the log). */
function unavailableUnlessAppError(e: unknown): AppError {
  if (isAppError(e)) return e;
  return new AppError('UNAVAILABLE', 503, 'The chat room could not be checked right now', {
    cause: e,
  });
}
