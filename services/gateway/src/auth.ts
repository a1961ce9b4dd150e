import { type Role, ownsOrAdmin } from '@onair/contracts';
import { AppError, unauthorized } from '@onair/runtime';
import type { Static } from '@sinclair/typebox';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';

export type RoleName = Static<typeof Role>;
const ROLES: readonly RoleName[] = ['viewer', 'streamer', 'moderator', 'admin'];

/** The authenticated caller, from a verified bearer token. */
export interface Principal {
  userId: string;
  roles: RoleName[];
  displayName?: string;
}

export type TokenVerifier = (token: string) => Promise<Principal>;

export interface AuthConfig {
  JWT_SECRET?: string;
  JWT_JWKS_URL?: string;
  JWT_ISSUER?: string;
  JWT_AUDIENCE?: string;
  /** Longest lifetime (exp - iat) a token may have, e.g. `24h` (the default). */
  JWT_MAX_TTL?: string;
}

const DEFAULT_MAX_TTL_S = 24 * 3600;

/** `3600`, `90m`, `24h`, `7d` as seconds. */
export function parseDuration(v: string): number {
  const m = /^(\d+)(s|m|h|d)?$/.exec(v.trim());
  if (!m) throw new AppError('CONFIG', 500, `Not a duration: ${v} (write 3600, 90m, 24h or 7d)`);
  const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

/**
 * HS256 with a shared secret locally; RS256 from a JWKS with a fixed issuer in production
 * (Cognito: roles from `cognito:groups`, audience from `aud` or `client_id`).
 */
export function createTokenVerifier(cfg: AuthConfig): TokenVerifier {
  const maxTtlS = cfg.JWT_MAX_TTL ? parseDuration(cfg.JWT_MAX_TTL) : DEFAULT_MAX_TTL_S;
  const toPrincipal = (p: JWTPayload) => principalOf(p, maxTtlS);
  if (cfg.JWT_JWKS_URL) {
    if (!cfg.JWT_ISSUER) throw new AppError('CONFIG', 500, 'JWT_ISSUER is required with JWT_JWKS_URL');
    const jwks = createRemoteJWKSet(new URL(cfg.JWT_JWKS_URL));
    return async (token) => {
      const { payload } = await verifyOr401(() =>
        jwtVerify(token, jwks, { issuer: cfg.JWT_ISSUER, requiredClaims: ['exp'] }),
      );
      if (cfg.JWT_AUDIENCE && payload.aud !== cfg.JWT_AUDIENCE && payload.client_id !== cfg.JWT_AUDIENCE) {
        throw unauthorized('The token was issued for another audience');
      }
      return toPrincipal(payload);
    };
  }
  if (!cfg.JWT_SECRET)
    throw new AppError('CONFIG', 500, 'Set JWT_SECRET (development) or JWT_JWKS_URL + JWT_ISSUER');
  const key = new TextEncoder().encode(cfg.JWT_SECRET);
  return async (token) => {
    const { payload } = await verifyOr401(() =>
      jwtVerify(token, key, {
        algorithms: ['HS256'],
        requiredClaims: ['exp'],
        ...(cfg.JWT_ISSUER ? { issuer: cfg.JWT_ISSUER } : {}),
        ...(cfg.JWT_AUDIENCE ? { audience: cfg.JWT_AUDIENCE } : {}),
      }),
    );
    return toPrincipal(payload);
  };
}

async function verifyOr401<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ERR_JWT_EXPIRED') throw unauthorized('The token has expired; get a new one');
    if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && (e as { claim?: string }).claim === 'exp')
      throw unauthorized('The token has no expiry (exp); tokens must expire');
    throw unauthorized('The bearer token is not valid');
  }
}

const hasControlCharacter = (s: string) =>
  [...s].some((c) => {
    const code = c.codePointAt(0) ?? 0;
    return code < 0x20 || code === 0x7f;
  });

function principalOf(p: JWTPayload, maxTtlS: number): Principal {
  if (
    typeof p.sub !== 'string' ||
    p.sub.length === 0 ||
    p.sub.length > 128 ||
    hasControlCharacter(p.sub) ||
    !p.sub.isWellFormed()
  )
    throw unauthorized(
      'The token has no subject (sub) as a string of 1-128 characters (no control characters, well-formed Unicode)',
    );
  const now = Math.floor(Date.now() / 1000);
  const issued = typeof p.iat === 'number' && p.iat <= now ? p.iat : now;
  if (typeof p.exp !== 'number' || p.exp - issued > maxTtlS)
    throw unauthorized(`The token lives longer than ${maxTtlS} s (JWT_MAX_TTL); get a shorter-lived one`);
  const claimed = [
    ...asArray(p.roles),
    ...asArray(p['cognito:groups']),
    ...asArray(p['custom:role']),
    ...asArray(p.role),
  ].filter((r): r is RoleName => (ROLES as readonly string[]).includes(r));
  const name = [p.name, p.preferred_username, p['cognito:username']].find((v) => typeof v === 'string') as
    | string
    | undefined;
  return { userId: p.sub, roles: claimed.length > 0 ? [...new Set(claimed)] : ['viewer'], displayName: name };
}

function asArray(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}

/** Whether the caller may act on a resource owned by `ownerId`. */
export function canManage(p: Principal, ownerId: string): boolean {
  return ownsOrAdmin(p, ownerId);
}

/** The bearer token of an Authorization header, if any. */
export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return m?.[1]?.trim();
}
