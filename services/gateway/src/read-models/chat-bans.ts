import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '@onair/runtime';

/** A ban (no `until`) or a timeout (`until`, ISO time) that is in force now. */
export interface ActiveBan {
  until?: string;
  reason?: string;
}

/** Who may not be in a room: what the chat edge and the history route ask before letting a user in. */
export interface BanLookup {
  activeBan(roomId: string, userId: string): Promise<ActiveBan | undefined>;
}

/**
 * Bans and timeouts as chat-svc stores them in its table (services/chat-svc/src/messages/store.ts:
 * PK ROOM#<roomId>, SK BAN#<userId>; `until` for a timeout, `lifted` once lifted). Read
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
    const out = await this.ddb.send(
      new GetCommand({
        TableName: this.table,
        Key: { PK: `ROOM#${roomId}`, SK: `BAN#${userId}` },
        ConsistentRead: true,
      }),
    );
    const b = out.Item;
    if (!b || b.lifted) return undefined;
    const ban: ActiveBan = {
      ...(typeof b.until === 'string' ? { until: b.until } : {}),
      ...(typeof b.reason === 'string' ? { reason: b.reason } : {}),
    };
    return inForce(ban, this.now()) ? ban : undefined;
  }
}

/** Whether a stored ban holds at `now` (a timeout ends at its `until`; an unreadable `until` holds). */
export function inForce(ban: ActiveBan, now: number): boolean {
  if (ban.until === undefined) return true;
  const ends = Date.parse(ban.until);
  return Number.isNaN(ends) || ends > now;
}

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
