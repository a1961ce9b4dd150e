// chat-svc's table: the one place its keys, indexes and stored items are spelled. chat-svc is the
// only writer; the gateway's read models (rooms, history, bans) read through this module
// (`@onair/chat-svc/table`), so a key changed here fails to compile or test there. Types and pure
// functions only: no service logic, no I/O.
import type { ChatMessageSent, ChatRoomView } from '@onair/contracts';
import { type TableSpec, withoutTableKeys } from '@onair/runtime';
import type { Static } from '@sinclair/typebox';

/*
 * Layout (single table, string keys; everything of a room in its partition PK = ROOM#<roomId>):
 *   SK = ROOM                        the room; `lastSeq` is the highest sequence number handed out or
 *                                    reserved, `ownerEpoch` which owner holds the room's sequence (a lease)
 *     GSI1: GSI1PK = ARN#<arn>, GSI1SK = ROOM                          a room by its IVS ARN (seed 002 tokens)
 *     GSI2: GSI2PK = OWNER#<ownerId>, GSI2SK = <createdAt>#<roomId>    rooms of an owner (active only)
 *   SK = MSG#<seq, 12 digits>        a native room's message (content removed when deleted: a tombstone)
 *   SK = MID#<messageId>             message id -> seq, for ids written before message ids carried
 *                                    their seq (messageIdFor); no longer written
 *   SK = BAN#<userId>                a ban (no `until`) or a timeout (until = ISO time); `lifted` once lifted
 * And one item outside every room: PK = CONFIG, SK = MESSAGE_LOG, where chat-svc last said its
 * messages are (its CHAT_MESSAGE_LOG), so a gateway reading another log can say so.
 */

// ---- rooms ----

export type ChatRoomViewData = Static<typeof ChatRoomView>;

/**
 * A room as chat-svc stores it. `state` is internal: `creating` while the provider room is being
 * made, `active` once usable, `deleted` as a tombstone so a late or redelivered create of the
 * same id can never bring a deleted room back (the stream saga may delete a room before its
 * create arrived). Readers other than chat-svc see `active` rooms only.
 */
export interface ChatRoomRecord extends ChatRoomViewData {
  state: 'creating' | 'active' | 'deleted';
  createCommandId?: string;
}

export const CHAT_INDEX = {
  /** A room by its IVS Chat ARN. */
  byArn: { name: 'GSI1', pk: 'GSI1PK', sk: 'GSI1SK' },
  /** An owner's active rooms, by creation. */
  byOwner: { name: 'GSI2', pk: 'GSI2PK', sk: 'GSI2SK' },
} as const;

export const CHAT_TABLE_INDEXES: NonNullable<TableSpec['indexes']> = [CHAT_INDEX.byArn, CHAT_INDEX.byOwner];

/** The partition of everything of a room: the room, its messages, claims and bans. */
export const roomPartition = (roomId: string) => `ROOM#${roomId}`;
export const roomKey = (roomId: string) => ({ PK: roomPartition(roomId), SK: 'ROOM' });
/** The byArn partition of a room's IVS ARN. */
export const arnPartition = (arn: string) => `ARN#${arn}`;
/** The byOwner partition of an owner's rooms. */
export const ownerPartition = (ownerId: string) => `OWNER#${ownerId}`;

/** A room's item once active: the record, its key, and its place in both indexes (byArn with an ARN). */
export function activeRoomItem(r: ChatRoomRecord): Record<string, unknown> {
  return {
    ...roomKey(r.roomId),
    ...r,
    state: 'active',
    [CHAT_INDEX.byOwner.pk]: ownerPartition(r.ownerId),
    [CHAT_INDEX.byOwner.sk]: `${r.createdAt}#${r.roomId}`,
    ...(r.arn ? { [CHAT_INDEX.byArn.pk]: arnPartition(r.arn), [CHAT_INDEX.byArn.sk]: 'ROOM' } : {}),
  };
}

/** The record of a stored room item, as stored (chat-svc normalizes the settings on top). */
export function roomFromItem(item: Record<string, unknown>): ChatRoomRecord {
  return withoutTableKeys(item, CHAT_TABLE_INDEXES) as unknown as ChatRoomRecord;
}

/** The public view of a room (no table keys, no internal state). */
export function chatRoomView(r: ChatRoomViewData): ChatRoomViewData {
  const v: ChatRoomViewData = {
    roomId: r.roomId,
    ownerId: r.ownerId,
    provider: r.provider,
    name: r.name,
    settings: r.settings,
    lastSeq: r.lastSeq ?? 0,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
  if (r.arn) v.arn = r.arn;
  if (r.streamId) v.streamId = r.streamId;
  return v;
}

// ---- messages ----

export type StoredMessage = Static<(typeof ChatMessageSent)['schema']> & { deleted?: boolean };

/** The highest sequence number a key can hold (12 digits). */
export const MAX_SEQ = 999_999_999_999;
const messageSk = (seq: number) => `MSG#${String(seq).padStart(12, '0')}`;

export const messageKey = (roomId: string, seq: number) => ({
  PK: roomPartition(roomId),
  SK: messageSk(seq),
});
export const messageIdKey = (roomId: string, messageId: string) => ({
  PK: roomPartition(roomId),
  SK: `MID#${messageId}`,
});

/** The key condition of a Query for a room's messages with fromSeq <= seq <= toSeq, in seq order. */
export const messagesBetween = (roomId: string, fromSeq: number, toSeq: number = MAX_SEQ) => ({
  KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
  ExpressionAttributeValues: {
    ':pk': roomPartition(roomId),
    ':from': messageSk(fromSeq),
    ':to': messageSk(toSeq),
  },
});

/** The key condition of a Query for all of a room's messages, in seq order. */
export const messagesOf = (roomId: string) => ({
  KeyConditionExpression: 'PK = :pk AND begins_with(SK, :msg)',
  ExpressionAttributeValues: { ':pk': roomPartition(roomId), ':msg': 'MSG#' },
});

export const messageItem = (m: StoredMessage) => ({ ...messageKey(m.roomId, m.seq), ...m });

/**
 * A message's id: its sequence number (base 36), a dot, and `random` (so an id cannot be guessed
 * from the room's position). The id alone finds the message's item: one item a message, so a
 * group commit of 25 messages is one BatchWriteItem of 25 items, and no id -> seq item is needed.
 */
export const messageIdFor = (seq: number, random: string): string => `${seq.toString(36)}.${random}`;

/** The sequence number a message id carries, or undefined for an id of an older version (no seq in it). */
export function seqInMessageId(messageId: string): number | undefined {
  const m = /^([0-9a-z]{1,11})\.[A-Za-z0-9_-]+$/.exec(messageId);
  if (!m?.[1]) return undefined;
  const seq = Number.parseInt(m[1], 36);
  return Number.isSafeInteger(seq) && seq >= 1 ? seq : undefined;
}

/** A stored message (a tombstone has `deleted` and no content). */
export function messageFromItem(item: Record<string, unknown>): StoredMessage {
  const { PK: _pk, SK: _sk, ...rest } = item;
  return rest as unknown as StoredMessage;
}

// ---- where the messages are ----

/** The item in which chat-svc records its CHAT_MESSAGE_LOG setting (`setting`, `instanceId`, `at`). */
export const messageLogSettingKey = { PK: 'CONFIG', SK: 'MESSAGE_LOG' } as const;

/** The setting a stored item records, if any. */
export function messageLogSettingFromItem(item: Record<string, unknown> | undefined): string | undefined {
  return typeof item?.setting === 'string' ? item.setting : undefined;
}

// ---- the sequence lease ----

/**
 * Who holds a room's sequence: the owner instance's epoch (each take-over writes a higher one)
 * and the highest number reserved (`lastSeq`). An owner hands out numbers up to it from memory
 * and reserves more with a write that only succeeds while its epoch holds.
 */
export interface SequenceLease {
  epoch: number;
  lastSeq: number;
}

export function leaseFromItem(item: Record<string, unknown>): SequenceLease {
  return {
    epoch: typeof item.ownerEpoch === 'number' ? item.ownerEpoch : 0,
    lastSeq: typeof item.lastSeq === 'number' ? item.lastSeq : 0,
  };
}

// ---- bans ----

/** A ban (no `until`) or a timeout (`until`, ISO time). */
export interface ChatBan {
  until?: string;
  reason?: string;
}

export const banKey = (roomId: string, userId: string) => ({
  PK: roomPartition(roomId),
  SK: `BAN#${userId}`,
});

export const banItem = (roomId: string, userId: string, ban: ChatBan) => ({
  ...banKey(roomId, userId),
  userId,
  ...(ban.until ? { until: ban.until } : {}),
  ...(ban.reason ? { reason: ban.reason } : {}),
});

/** The ban a stored item holds, as stored (a timeout may have run out since); none once lifted. */
export function banFromItem(item: Record<string, unknown> | undefined): ChatBan | undefined {
  if (!item || item.lifted) return undefined;
  return {
    ...(typeof item.until === 'string' ? { until: item.until } : {}),
    ...(typeof item.reason === 'string' ? { reason: item.reason } : {}),
  };
}

/** Whether a ban holds at `nowMs` (a timeout ends at its `until`; an unreadable `until` holds). */
export function banInForce(ban: ChatBan, nowMs: number): boolean {
  if (ban.until === undefined) return true;
  const ends = Date.parse(ban.until);
  return Number.isNaN(ends) || ends > nowMs;
}
