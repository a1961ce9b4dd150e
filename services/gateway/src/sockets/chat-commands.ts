import {
  type Actor,
  ChatMessageDelete,
  ChatMessageSend,
  ChatUserDisconnect,
  type ContractDef,
  type Envelope,
  wire,
} from '@onair/contracts';
import type { Static, TSchema } from '@sinclair/typebox';
import { type Bus, type ChatCapability, isAppError, publicMessage } from '@onair/runtime';
import { gatewayMessage } from '../commands';

/** What a socket's user may do, and who they are (from the chat token or the user JWT). */
export interface SocketIdentity {
  userId: string;
  roomId: string;
  capabilities: readonly ChatCapability[];
  attributes: Readonly<Record<string, string>>;
}

export interface ChatCommandContext {
  bus: Bus;
  gatewayId: string;
  connectionId: string;
  timeoutMs: number;
  /**
   * The socket's own messages: `sending` is told each RequestId as it goes out and says what the
   * answer must take into account (whether this socket sent it before); `answer` gets chat-svc's
   * reply, the stored message (the original one for a known RequestId), so the sender is
   * answered whatever fanout does.
   */
  replies?: {
    /** The send's state; undefined when the same RequestId is already on its way from this socket. */
    sending(requestId: string): SendingState | undefined;
    answer(reply: Envelope, state: SendingState): void;
    /** The send of `requestId` is over (answered or refused). */
    settled(requestId: string): void;
  };
}

/** A message as it reached the gateway: a resend on that socket, and when it arrived. */
export interface SendingState {
  resend: boolean;
  receivedAt: number;
}

/**
 * The chat commands a socket can cause, sent to chat-svc and awaited (its refusals come back).
 * A message's reply goes to `ctx.replies`: the sender's echo does not depend on fanout.
 */
export async function sendChatMessage(
  ctx: ChatCommandContext,
  who: SocketIdentity,
  m: { requestId: string; content: string; attributes?: Record<string, string> },
): Promise<void> {
  const replies = ctx.replies;
  const state = replies?.sending(m.requestId);
  // A resend while the first send from this socket is still on its way: the first one's answer
  // answers it (a slow client would otherwise be written the message twice).
  if (replies && !state) return;
  try {
    await requestSend(ctx, who, m, state);
  } finally {
    replies?.settled(m.requestId);
  }
}

async function requestSend(
  ctx: ChatCommandContext,
  who: SocketIdentity,
  m: { requestId: string; content: string; attributes?: Record<string, string> },
  state: SendingState | undefined,
): Promise<void> {
  const reply = await ctx.bus.request(
    socketCommand(ChatMessageSend, who, {
      roomId: who.roomId,
      sender: {
        userId: who.userId,
        ...(Object.keys(who.attributes).length ? { attributes: who.attributes } : {}),
      },
      connectionId: ctx.connectionId,
      gatewayId: ctx.gatewayId,
      requestId: m.requestId,
      content: m.content,
      ...(m.attributes ? { attributes: m.attributes } : {}),
    }),
    { timeoutMs: ctx.timeoutMs },
  );
  if (state) ctx.replies?.answer(reply, state);
}

export async function deleteChatMessage(
  ctx: ChatCommandContext,
  who: SocketIdentity,
  m: { requestId: string; messageId: string; reason?: string },
): Promise<void> {
  await ctx.bus.request(
    socketCommand(ChatMessageDelete, who, {
      roomId: who.roomId,
      messageId: m.messageId,
      actor: socketActor(who),
      requestId: m.requestId,
      ...(m.reason ? { reason: m.reason } : {}),
    }),
    { timeoutMs: ctx.timeoutMs },
  );
}

export async function disconnectChatUser(
  ctx: ChatCommandContext,
  who: SocketIdentity,
  m: { requestId: string; userId: string; reason?: string },
): Promise<void> {
  await ctx.bus.request(
    socketCommand(ChatUserDisconnect, who, {
      roomId: who.roomId,
      userId: m.userId,
      actor: socketActor(who),
      requestId: m.requestId,
      ...(m.reason ? { reason: m.reason } : {}),
    }),
    { timeoutMs: ctx.timeoutMs },
  );
}

/** Moderation capabilities were granted by chat-svc when it minted the token for a moderator. */
function socketActor(who: SocketIdentity): Static<typeof Actor> {
  const mod = who.capabilities.includes('DELETE_MESSAGE') || who.capabilities.includes('DISCONNECT_USER');
  return { userId: who.userId, roles: [mod ? 'moderator' : 'viewer'] };
}

/** A command of `def` from a socket, about its room. */
function socketCommand<S extends TSchema>(
  def: ContractDef<S>,
  who: SocketIdentity,
  data: Static<S>,
): Envelope {
  return gatewayMessage(def, { subject: who.roomId, data });
}

/** The ERROR code a refused command maps to on the IVS Chat protocol. */
export function errorCodeOf(e: unknown): wire.ErrorCode {
  const status = isAppError(e) ? e.status : 500;
  return (wire.ERROR_CODES as readonly number[]).includes(status) ? (status as wire.ErrorCode) : 500;
}

/**
 * Seconds a client should wait before sending again after this refusal, when sending again can
 * work: the chat service or the broker is away or busy (503, 504), or chat-svc is still working
 * on the first attempt. Jittered, so that the clients refused in one outage do not all come back
 * in the same second. Undefined for refusals a retry will not change.
 */
export function retryAfterSecondsOf(e: unknown): number | undefined {
  if (!isAppError(e)) return undefined;
  if (e.code === 'IN_PROGRESS') return 1;
  if (e.status === 503 || e.status === 504) return 2 + Math.floor(Math.random() * 4);
  return undefined;
}

/** What a person is told about a refused command, with when to retry when retrying can work. */
export function errorMessageOf(e: unknown): string {
  const shown = publicMessage(e); // the one rule for what a caller may read of a failure
  if (shown === undefined || !isAppError(e)) return 'The message could not be processed';
  if (e.status < 500) return shown;
  // Worth retrying: said in the chat client's words, with a jittered wait.
  const after = retryAfterSecondsOf(e);
  const hint = after === undefined ? '' : `; retry in ${after} s`;
  if (e.code === 'IN_PROGRESS') return `This message is still being processed${hint}`;
  if (e.code === 'TIMEOUT') return `The chat service did not answer in time${hint}`;
  if (e.status === 503)
    return `${e.code === 'UNAVAILABLE' ? shown : 'The chat service is unavailable right now'}${hint}`;
  return shown;
}

/** A client frame as a JSON object, or undefined for anything else (text, arrays, null). */
export function parseObject(raw: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(raw);
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
