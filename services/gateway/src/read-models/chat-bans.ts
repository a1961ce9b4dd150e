import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AppError, getItem } from '@onair/runtime';
import { banFromItem, banInForce, banKey, type ChatBan } from '@onair/chat-svc/table';

/** A ban (no `until`) or a timeout (`until`, ISO time) that is in force now. */
export type ActiveBan = ChatBan;

/** Who may not be in a room: what the chat edge and the history route ask before letting a user in. */
export interface BanLookup {
  activeBan(roomId: string, userId: string): Promise<ActiveBan | undefined>;
}

/**
 * Bans and timeouts as chat-svc stores them, read through its table module. Read
 * consistently and not cached, so a ban takes effect on the very next join, upgrade or history
 * read; every caller is rate limited (joins per connection, REST per client), which bounds the reads.
 */
export class ChatBansReadModel implements BanLookup {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly now: () => number = Date.now,
  ) {}

  async activeBan(roomId: string, userId: string): Promise<ActiveBan | undefined> {
    const ban = await getItem(this.ddb, this.table, banKey(roomId, userId), banFromItem, {
      consistent: true,
    });
    return ban && inForce(ban, this.now()) ? ban : undefined;
  }
}

/** Whether a stored ban holds at `now`, in ms (chat-svc's rule: a timeout ends at its `until`). */
export const inForce = banInForce;

/** The refusal a banned or timed-out user gets (the same words chat-svc uses). */
export function bannedError(ban: ActiveBan): AppError {
  return new AppError(
    'BANNED',
    403,
    ban.until ? `You are timed out in this room until ${ban.until}` : 'You are banned from this room',
  );
}

/** Throws the 403 when the user is banned or timed out in the room. */
export async function assertNotBanned(bans: BanLookup, roomId: string, userId: string): Promise<void> {
  const ban = await bans.activeBan(roomId, userId);
  if (ban) throw bannedError(ban);
}
