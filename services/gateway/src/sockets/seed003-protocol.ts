import type { Duplex } from 'node:stream';
import { PresenceJoined, wire } from '@onair/contracts';
import { illFormedAt, isAppError, type Logger } from '@onair/runtime';
import {
  type ChatCommandContext,
  errorCodeOf,
  errorMessageOf,
  type SocketIdentity,
  sendChatMessage,
  parseObject,
} from './chat-commands';
import { WebSocket } from 'ws';
import type { Principal } from '../auth';
import { groupIdProblem, resolveSeed003Join } from './access';
import { textOf, WsConnection } from './connection';
import type { ChatEdge } from './edge';
import type { TokenBucket } from './token-bucket';

/** A seed 003 socket's user; `roomId` is the group room it is in, once it joined one. */
export type Seed003Identity = Omit<SocketIdentity, 'roomId'> & { readonly roomId?: string };

/**
 * An accepted `/v1/chat/seed003` socket: in no room until its first joinGroup; joining another
 * group leaves the previous one. Seed 003 had no roles: every signed-in user could post, and
 * still can on this socket (a token without roles is a viewer elsewhere). docs/chat.md, "Protocol 2".
 */
export function openSeed003Socket(edge: ChatEdge, ws: WebSocket, socket: Duplex, p: Principal): void {
  const c = new WsConnection({
    ws,
    socket,
    userId: p.userId,
    protocol: 'seed003',
    capabilities: ['SEND_MESSAGE'],
    attributes: p.displayName ? { displayName: p.displayName } : {},
    messagesPerSecond: edge.messagesPerSecond,
    closeTimeoutMs: edge.closeTimeoutMs,
  });
  edge.attach(c);
  // One group at a time: joining another leaves the previous one (the hub forgets empty rooms).
  const join = async (groupId: string): Promise<string> => {
    const joined = await resolveSeed003Join(edge.access, groupId, c.userId);
    const { roomId } = joined;
    // The socket may have closed while the tables were read: a closed socket joins nothing.
    if (c.ws.readyState !== WebSocket.OPEN) return roomId;
    if (joined.groupId !== roomId) edge.groups.set(roomId, joined.groupId);
    const previous = c.roomId;
    if (previous === roomId) return roomId;
    edge.hub.join(c, roomId);
    if (previous) edge.left(c, previous);
    await edge.presence(PresenceJoined, c, roomId);
    return roomId;
  };
  const joinLimiter = () => c.joinLimiter(edge.joinsPerSecond, Math.max(1, edge.joinsPerSecond * 5));
  ws.on('message', (data, isBinary) => {
    if (isBinary) return c.send(wire.seed003ErrorFrame({ code: 400, message: 'Send text frames' }));
    handleSeed003Frame(
      textOf(data),
      c,
      { ...edge.commandsFor(c), limiter: c.limiter(), joinLimiter: joinLimiter(), log: edge.log, join },
      (f) => c.send(f),
    ).catch((err) => edge.log.warn({ err }, 'a seed 003 frame was not handled'));
  });
}

/**
 * Seed 003's actions: `{"action":"joinGroup","groupId"}` then `{"action":"sendMessage","message"}`.
 * A group is a name the client picks (its native chat room is made on the first join) or a chat
 * room's id; members receive each stored message as {messageId, groupId, message, sender, createdAt}.
 */
export async function handleSeed003Frame(
  raw: string,
  /** The socket's user, and the room it joined (none before its first join). */
  who: Seed003Identity,
  ctx: ChatCommandContext & {
    limiter: TokenBucket;
    /** Joins per second of this connection (each one reads the rooms and bans tables). */
    joinLimiter: TokenBucket;
    log: Logger;
    /** Check the group (resolveSeed003Join), move the socket into its room, and return the room id. */
    join: (groupId: string) => Promise<string>;
  },
  reply: (frame: string) => void,
): Promise<void> {
  const req = parseObject(raw);
  if (!req) return reply(wire.seed003ErrorFrame({ code: 400, message: 'The request is not a JSON object' }));
  const action = typeof req.action === 'string' ? req.action : undefined;
  const fail = (code: number, message: string) =>
    reply(wire.seed003ErrorFrame({ code, message, action: action?.isWellFormed() ? action : undefined }));
  const illFormed = illFormedAt(req);
  if (illFormed !== undefined)
    return fail(400, `${illFormed} contains a lone surrogate; send well-formed Unicode`);
  try {
    if (action === 'joinGroup') {
      const groupId = req.groupId;
      const problem = groupIdProblem(groupId);
      if (problem !== undefined || typeof groupId !== 'string')
        return fail(400, problem ?? 'groupId is missing');
      if (!ctx.joinLimiter.take()) return fail(429, 'Too many joins from this connection; slow down');
      const roomId = await ctx.join(groupId);
      return reply(JSON.stringify({ action: 'joinGroup', groupId, joined: true, roomId }));
    }
    if (action === 'sendMessage') {
      if (!who.roomId) return fail(400, 'Join a group first: {"action":"joinGroup","groupId":"…"}');
      if (!who.capabilities.includes('SEND_MESSAGE')) return fail(403, 'This user may not send messages');
      if (typeof req.message !== 'string' || req.message.length === 0)
        return fail(400, 'message must be a non-empty string');
      if ([...req.message].length > 500) return fail(413, 'message is longer than 500 characters');
      if (!ctx.limiter.take()) return fail(429, 'Too many messages from this connection; retry in 1 s');
      await sendChatMessage(
        ctx,
        {
          userId: who.userId,
          roomId: who.roomId,
          capabilities: who.capabilities,
          attributes: who.attributes,
        },
        { requestId: crypto.randomUUID(), content: req.message },
      );
      return;
    }
    return fail(400, 'action must be joinGroup or sendMessage');
  } catch (e) {
    // Seed 003 error frames carry any HTTP status (a join the table could not check is a 503).
    const code = isAppError(e) ? e.status : 500;
    if (code >= 500) ctx.log.warn({ err: e, action }, 'seed 003 command failed');
    return fail(code === 503 || code === 504 ? code : errorCodeOf(e), errorMessageOf(e));
  }
}
