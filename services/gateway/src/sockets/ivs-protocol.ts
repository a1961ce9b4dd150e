import type { Duplex } from 'node:stream';
import { MessageId, PresenceJoined, wire } from '@onair/contracts';
import { type ChatGrant, illFormedAt, type Logger } from '@onair/runtime';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { WebSocket } from 'ws';
import {
  type ChatCommandContext,
  deleteChatMessage,
  disconnectChatUser,
  errorCodeOf,
  errorMessageOf,
  type SocketIdentity,
  sendChatMessage,
  parseObject,
} from './chat-commands';
import { textOf, WsConnection } from './connection';
import type { ChatEdge } from './edge';
import { recover } from './recovery';
import type { TokenBucket } from './token-bucket';

/** A message id as the contract has it. */
const isMessageId = TypeCompiler.Compile(MessageId);

/** The IVS Chat hard limit; a room's own, lower limit is enforced by chat-svc. */
const MAX_CONTENT_CODE_POINTS = 500;

type Reply = (frame: string) => void;

/**
 * An accepted `/v1/chat/ws` socket: in its token's room from the start; with `since`, live
 * frames are held until the history after `since` is replayed.
 */
export function openIvsSocket(
  edge: ChatEdge,
  ws: WebSocket,
  socket: Duplex,
  grant: ChatGrant,
  since: number | undefined,
): void {
  const c = new WsConnection({
    ws,
    socket,
    userId: grant.userId,
    protocol: 'ivs',
    capabilities: grant.capabilities,
    attributes: grant.attributes,
    sessionEndsAt: Date.parse(grant.sessionExpirationTime),
    messagesPerSecond: edge.messagesPerSecond,
    closeTimeoutMs: edge.closeTimeoutMs,
  });
  c.roomId = grant.roomId;
  if (since !== undefined) c.pending = []; // hold live frames until history is replayed
  edge.attach(c);
  void edge.presence(PresenceJoined, c, grant.roomId);
  if (since !== undefined)
    recover(edge, c, grant.roomId, since).catch((err) => edge.log.warn({ err }, 'recovery failed'));
  // The connection is the socket's identity: an IVS socket is in its token's room from the start.
  const who = c as WsConnection & SocketIdentity;
  // The reply function is made per frame (not kept per socket: idle sockets are the memory).
  ws.on('message', (data, isBinary) => {
    if (isBinary) return c.send(wire.errorFrame({ code: 400, message: 'Send text frames' }));
    handleIvsFrame(textOf(data), who, { ...edge.commandsFor(c), limiter: c.limiter(), log: edge.log }, (f) =>
      c.send(f),
    ).catch((err) => edge.log.warn({ err }, 'an IVS chat frame was not handled'));
  });
}

/**
 * One client frame of the IVS Chat messaging protocol (docs/protocols/ivs-chat.md#client-requests):
 * validated here, capability-checked against the token, then carried out by chat-svc. Every
 * refusal is an ERROR frame carrying the request's RequestId; nothing a client sends can throw.
 */
export async function handleIvsFrame(
  raw: string,
  who: SocketIdentity,
  ctx: ChatCommandContext & { limiter: TokenBucket; log: Logger },
  reply: Reply,
): Promise<void> {
  const req = parseObject(raw);
  if (!req) return reply(wire.errorFrame({ code: 400, message: 'The request is not a JSON object' }));
  const requestId =
    typeof req.RequestId === 'string' && req.RequestId.length <= 128 && req.RequestId.isWellFormed()
      ? req.RequestId
      : undefined;
  const fail = (code: wire.ErrorCode, message: string) =>
    reply(wire.errorFrame({ requestId, code, message }));
  // Every string of a frame (RequestId, Id, UserId, Reason, Content, Attributes) is stored or
  // sent on: a lone surrogate anywhere is refused, as in a REST body.
  const illFormed = illFormedAt(req);
  if (illFormed !== undefined)
    return fail(400, `${illFormed} contains a lone surrogate; send well-formed Unicode`);

  if (req.RequestId !== undefined && requestId === undefined)
    return fail(400, 'RequestId must be a string of at most 128 characters');
  const action = req.Action;
  const need = (cap: 'SEND_MESSAGE' | 'DELETE_MESSAGE' | 'DISCONNECT_USER') => who.capabilities.includes(cap);
  const rid = requestId ?? crypto.randomUUID();

  try {
    switch (action) {
      case 'SEND_MESSAGE': {
        if (!need('SEND_MESSAGE')) return fail(403, 'This token does not allow sending messages');
        if (typeof req.Content !== 'string' || req.Content.length === 0)
          return fail(400, 'Content must be a non-empty string');
        if ([...req.Content].length > MAX_CONTENT_CODE_POINTS)
          return fail(413, `Content is longer than ${MAX_CONTENT_CODE_POINTS} characters`);
        const attributes = stringMap(req.Attributes);
        if (attributes === null)
          return fail(
            400,
            'Attributes must be an object of at most 10 string values (keys up to 128 characters, not __proto__, constructor or prototype)',
          );
        if (!ctx.limiter.take()) return fail(429, 'Too many messages from this connection; retry in 1 s');
        await sendChatMessage(ctx, who, { requestId: rid, content: req.Content, attributes });
        return;
      }
      case 'DELETE_MESSAGE': {
        if (!need('DELETE_MESSAGE')) return fail(403, 'This token does not allow deleting messages');
        if (typeof req.Id !== 'string' || !isMessageId.Check(req.Id))
          return fail(400, 'Id (the message id) is required: 1-128 letters, digits and _ . : -');
        if (req.Reason !== undefined && typeof req.Reason !== 'string')
          return fail(400, 'Reason must be a string');
        await deleteChatMessage(ctx, who, {
          requestId: rid,
          messageId: req.Id,
          reason: typeof req.Reason === 'string' ? req.Reason : undefined,
        });
        return;
      }
      case 'DISCONNECT_USER': {
        if (!need('DISCONNECT_USER')) return fail(403, 'This token does not allow disconnecting users');
        if (typeof req.UserId !== 'string' || req.UserId.length === 0) return fail(400, 'UserId is required');
        if (req.Reason !== undefined && typeof req.Reason !== 'string')
          return fail(400, 'Reason must be a string');
        await disconnectChatUser(ctx, who, {
          requestId: rid,
          userId: req.UserId,
          reason: typeof req.Reason === 'string' ? req.Reason : undefined,
        });
        return;
      }
      default:
        return fail(400, 'Action must be SEND_MESSAGE, DELETE_MESSAGE or DISCONNECT_USER');
    }
  } catch (e) {
    if (errorCodeOf(e) === 500) ctx.log.warn({ err: e, action }, 'chat command failed');
    return fail(errorCodeOf(e), errorMessageOf(e));
  }
}

/** A string -> string map, undefined when absent, null when malformed. */
/** Keys that name an object's own machinery: as attribute names they break whatever stores them. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function stringMap(v: unknown): Record<string, string> | undefined | null {
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const entries = Object.entries(v as Record<string, unknown>);
  if (
    entries.length > 10 ||
    !entries.every(
      ([k, x]) => typeof x === 'string' && k.length <= 128 && x.length <= 1000 && !RESERVED_KEYS.has(k),
    )
  ) {
    return null;
  }
  return v as Record<string, string>;
}
