import { jwtVerify, SignJWT } from 'jose';
import { AppError } from './errors';

export type ChatCapability = 'SEND_MESSAGE' | 'DELETE_MESSAGE' | 'DISCONNECT_USER';

/** What a native chat token grants: one user in one room, until the session ends. */
export interface ChatGrant {
  roomId: string;
  userId: string;
  capabilities: ChatCapability[];
  attributes: Record<string, string>;
  /** When the connection must end (ISO). The token itself expires earlier, and is refreshed. */
  sessionExpirationTime: string;
  tokenExpirationTime: string;
}

const AUDIENCE = 'onair:chat';

/**
 * Native chat tokens are short JWTs (HS256, CHAT_TOKEN_SECRET) minted by chat-svc and checked
 * by the gateway when a socket opens. They travel as the WebSocket subprotocol, as IVS Chat
 * tokens do, so they stay within RFC 7230 token characters (a JWT does).
 */
export async function mintChatToken(
  secret: string,
  g: Omit<ChatGrant, 'tokenExpirationTime'>,
  ttlSeconds: number,
) {
  const sessionEnd = Date.parse(g.sessionExpirationTime);
  const exp = Math.min(Math.floor(Date.now() / 1000) + ttlSeconds, Math.floor(sessionEnd / 1000));
  const token = await new SignJWT({
    room: g.roomId,
    caps: g.capabilities,
    attrs: g.attributes,
    sexp: g.sessionExpirationTime,
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(g.userId)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));
  return { token, grant: { ...g, tokenExpirationTime: new Date(exp * 1000).toISOString() } };
}

export async function verifyChatToken(secret: string, token: string): Promise<ChatGrant> {
  try {
    const { payload: p } = await jwtVerify(token, new TextEncoder().encode(secret), {
      algorithms: ['HS256'],
      audience: AUDIENCE,
    });
    return {
      roomId: String(p.room),
      userId: String(p.sub),
      capabilities: (p.caps as ChatCapability[]) ?? [],
      attributes: (p.attrs as Record<string, string>) ?? {},
      sessionExpirationTime: String(p.sexp),
      tokenExpirationTime: new Date((p.exp ?? 0) * 1000).toISOString(),
    };
  } catch (e) {
    const expired = (e as { code?: string }).code === 'ERR_JWT_EXPIRED';
    throw new AppError(
      'UNAUTHORIZED',
      401,
      expired ? 'The chat token has expired' : 'The chat token is not valid',
    );
  }
}
