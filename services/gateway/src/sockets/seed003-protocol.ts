import { wire } from '@onair/contracts';
import { illFormedAt, isAppError, type Logger } from '@onair/runtime';
import {
  type ChatCommandContext,
  errorCodeOf,
  errorMessageOf,
  type SocketIdentity,
  sendChatMessage,
  parseObject,
} from './chat-commands';
import { groupIdProblem } from './access';
import type { HubConnection } from './hub';
import type { TokenBucket } from './token-bucket';

/**
 * Seed 003's actions: `{"action":"joinGroup","groupId"}` then `{"action":"sendMessage","message"}`.
 * A group is a name the client picks (its native chat room is made on the first join) or a chat
 * room's id; members receive each stored message as {messageId, groupId, message, sender, createdAt}.
 */
export async function handleSeed003Frame(
  raw: string,
  conn: HubConnection,
  who: Omit<SocketIdentity, 'roomId'>,
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
      if (!conn.roomId) return fail(400, 'Join a group first: {"action":"joinGroup","groupId":"…"}');
      if (!who.capabilities.includes('SEND_MESSAGE')) return fail(403, 'This user may not send messages');
      if (typeof req.message !== 'string' || req.message.length === 0)
        return fail(400, 'message must be a non-empty string');
      if ([...req.message].length > 500) return fail(413, 'message is longer than 500 characters');
      if (!ctx.limiter.take()) return fail(429, 'Too many messages from this connection; retry in 1 s');
      await sendChatMessage(
        ctx,
        {
          userId: who.userId,
          roomId: conn.roomId,
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
