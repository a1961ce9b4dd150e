import { SignJWT } from 'jose';

/**
 * The HS256 secret `npm start` gives the gateway. For local development only: production sets
 * JWT_JWKS_URL + JWT_ISSUER (e.g. Cognito) and no secret at all.
 */
export const DEV_JWT_SECRET = 'onair-local-development-secret-not-for-production';

/** Native chat tokens are signed by chat-svc and checked by the gateway with this (development only). */
export const DEV_CHAT_TOKEN_SECRET = 'onair-local-chat-token-secret-not-for-production';

export const ROLES = ['viewer', 'streamer', 'moderator', 'admin'] as const;

export async function mintDevToken(opts: {
  user: string;
  roles: string[];
  ttl?: string;
  secret?: string;
}): Promise<string> {
  return new SignJWT({ roles: opts.roles, name: opts.user })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(opts.user)
    .setIssuedAt()
    .setExpirationTime(opts.ttl ?? '12h')
    .sign(new TextEncoder().encode(opts.secret ?? process.env.JWT_SECRET ?? DEV_JWT_SECRET));
}
