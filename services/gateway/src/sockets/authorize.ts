import type { IncomingMessage } from 'node:http';
import { AppError, type ChatGrant, verifyChatToken } from '@onair/runtime';
import { bearer, type Principal, type TokenVerifier } from '../auth';
import { assertMayConnect, type ChatAccess } from './access';

/** Who an upgrade lets in, and on which protocol. */
export type Admission =
  | { protocol: 'ivs'; grant: ChatGrant; since: number | undefined }
  | { protocol: 'seed003'; principal: Principal };

/**
 * Who is connecting, checked before the handshake completes; an AppError refuses it.
 * `/v1/chat/ws` takes a chat token as the subprotocol (IVS Chat), `/v1/chat/seed003` the user's
 * access token as `?token=` or a bearer header.
 */
export async function authorizeUpgrade(
  o: { chatTokenSecret: string; userVerifier: TokenVerifier; access: ChatAccess },
  req: IncomingMessage,
  url: URL,
): Promise<Admission> {
  if (url.pathname === '/v1/chat/ws') {
    const token = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')[0]
      ?.trim();
    if (!token) throw new AppError('UNAUTHORIZED', 401, 'Send the chat token as the WebSocket subprotocol');
    const grant = await verifyChatToken(o.chatTokenSecret, token);
    if (!(Date.parse(grant.sessionExpirationTime) > Date.now())) {
      throw new AppError('UNAUTHORIZED', 401, 'The chat session has ended');
    }
    // A token minted before a ban (or timeout) still verifies: the ban is checked here too.
    await assertMayConnect(o.access, grant.roomId, grant.userId);
    const raw = url.searchParams.get('since');
    const since = raw === null ? undefined : Number(raw);
    if (since !== undefined && !(Number.isSafeInteger(since) && since >= 0)) {
      throw new AppError(
        'BAD_REQUEST',
        400,
        '`since` must be the last sequence number you saw (an integer >= 0)',
      );
    }
    return { protocol: 'ivs', grant, since };
  }
  if (url.pathname === '/v1/chat/seed003') {
    const token = url.searchParams.get('token') || bearer(req.headers.authorization);
    if (!token) {
      throw new AppError(
        'UNAUTHORIZED',
        401,
        'Send your access token as ?token= or an Authorization: Bearer header',
      );
    }
    // The verifier's own refusals say what is wrong (expired, invalid) and never quote the
    // token; anything else becomes the same plain 401. Neither is logged with the token.
    const principal = await o.userVerifier(token).catch((e: unknown) => {
      throw e instanceof AppError && e.status === 401
        ? e
        : new AppError('UNAUTHORIZED', 401, 'The access token is not valid');
    });
    return { protocol: 'seed003', principal };
  }
  throw new AppError(
    'NOT_FOUND',
    404,
    'No WebSocket endpoint here: connect to /v1/chat/ws or /v1/chat/seed003',
  );
}
