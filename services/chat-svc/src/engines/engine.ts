import {
  type ChatEventSend,
  type ChatMessageDelete,
  type ChatMessageSend,
  type ChatTokenCreate,
  type ChatUserBan,
  type ChatUserDisconnect,
  type ContractDef,
  type Envelope,
  followWith,
} from '@onair/contracts';
import type { MessageOf } from '@onair/runtime';
import type { Static, TSchema } from '@sinclair/typebox';
import type { RoomRecord, RoomSettings } from '../rooms/store';

/**
 * What a chat provider does for a room. chat-svc has two: IVS Chat (ivs.ts: the room lives on
 * AWS, clients talk to IVS) and onair's own engine (native.ts: sequence numbers, history, bans,
 * rate limits). The room handlers pick the room's engine once, by its `provider`, and never
 * branch on the provider themselves.
 *
 * Every command method gets the command (its data checked against its contract) and the room
 * (active, checked to exist), does its own permission checks, publishes what it must and returns
 * the reply.
 */
export interface ChatEngine {
  /** Make the provider's side of a new room (idempotent: a resumed create finds what it made). */
  provision(room: RoomRecord): Promise<{ arn?: string }>;
  /** Remove the provider's side of a room (idempotent). */
  release(room: Pick<RoomRecord, 'arn'>): Promise<void>;
  /** Apply changed settings to the provider's side of the room. */
  applySettings(room: RoomRecord, settings: RoomSettings): Promise<void>;
  token(cmd: MessageOf<typeof ChatTokenCreate>, room: RoomRecord): Promise<Envelope>;
  /**
   * `room` is the record as the caller had it; `current` reads it again (an engine that takes the
   * room over on this send asks for it: the copy may predate the take-over).
   */
  send(
    cmd: MessageOf<typeof ChatMessageSend>,
    room: RoomRecord,
    current?: () => Promise<RoomRecord>,
  ): Promise<Envelope>;
  ban(cmd: MessageOf<typeof ChatUserBan>, room: RoomRecord): Promise<Envelope>;
  deleteMessage(cmd: MessageOf<typeof ChatMessageDelete>, room: RoomRecord): Promise<Envelope>;
  disconnectUser(cmd: MessageOf<typeof ChatUserDisconnect>, room: RoomRecord): Promise<Envelope>;
  sendEvent(cmd: MessageOf<typeof ChatEventSend>, room: RoomRecord): Promise<Envelope>;
}

/**
 * The reply (and event) of a room command: chat-svc's, about the room, following the command,
 * its data typed by the reply's contract `def`.
 */
export function roomReply<S extends TSchema>(
  cmd: Envelope,
  def: ContractDef<S>,
  roomId: string,
  data: Static<S>,
  idParts: string[] = [],
): Envelope<Static<S>> {
  return followWith(def, cmd, { source: 'chat-svc', subject: roomId, data, idParts });
}
