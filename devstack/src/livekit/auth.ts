// Access-token checks as livekit-server does them (pkg/service/auth.go, roomservice.go, rtcservice.go):
// a bad token is rejected by the HTTP middleware with a *plain-text* 401 before Twirp sees the call,
// a missing grant is a Twirp `unauthenticated` 401 "permissions denied" (not a 403).
import { createHash } from 'node:crypto';
import { SignJWT, decodeJwt, jwtVerify } from 'jose';
import { TwirpError } from './twirp';

/** The subset of the `video` grant the stand-in looks at (names as in the JWT). */
export interface VideoGrant {
  roomCreate?: boolean;
  roomJoin?: boolean;
  roomList?: boolean;
  roomRecord?: boolean;
  roomAdmin?: boolean;
  room?: string;
  canPublish?: boolean;
  canSubscribe?: boolean;
  canPublishData?: boolean;
  canUpdateOwnMetadata?: boolean;
  hidden?: boolean;
  recorder?: boolean;
  agent?: boolean;
}

export interface Claims {
  iss?: string;
  sub?: string;
  name?: string;
  metadata?: string;
  attributes?: Record<string, string>;
  kind?: string;
  video?: VideoGrant;
}

/** A rejection by the auth middleware: HTTP status + plain-text body. */
export class AuthFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ApiKeys {
  apiKey: string;
  apiSecret: string;
}

// go-jose's default leeway, which livekit's verifier inherits.
const CLOCK_TOLERANCE_S = 60;

/** Verifies a raw JWT signed with the (single) API key pair. Throws AuthFailure. */
export async function verifyToken(token: string, keys: ApiKeys): Promise<Claims> {
  let issuer: string | undefined;
  try {
    issuer = decodeJwt(token).iss;
  } catch {
    throw new AuthFailure(401, 'invalid authorization token');
  }
  if (issuer !== keys.apiKey) throw new AuthFailure(401, `invalid API key: ${issuer ?? ''}`);
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(keys.apiSecret), {
      algorithms: ['HS256'],
      issuer: keys.apiKey,
      clockTolerance: CLOCK_TOLERANCE_S,
    });
    return payload as Claims;
  } catch (err) {
    throw new AuthFailure(401, `invalid token: ${token}, error: ${(err as Error).message}`);
  }
}

/**
 * The middleware step: no Authorization header means "no grants" (the call then fails the grant
 * check), a header without the `Bearer ` prefix or with a bad token is refused outright.
 */
export async function authenticate(header: string | undefined, keys: ApiKeys): Promise<Claims> {
  if (!header) return {};
  if (!header.startsWith('Bearer '))
    throw new AuthFailure(401, 'invalid authorization header. Must start with Bearer ');
  return verifyToken(header.slice('Bearer '.length), keys);
}

const denied = () => new TwirpError('unauthenticated', 'permissions denied');

export function requireCreate(claims: Claims): void {
  if (!claims.video?.roomCreate) throw denied();
}
export function requireList(claims: Claims): void {
  if (!claims.video?.roomList) throw denied();
}
export function requireRecord(claims: Claims): void {
  if (!claims.video?.roomRecord) throw denied();
}
/** roomAdmin is scoped: the grant's `room` must be the room the call is about. */
export function requireAdmin(claims: Claims, room: string): void {
  if (!claims.video?.roomAdmin || claims.video.room !== room) throw denied();
}

/** Checks a participant token the way the /rtc endpoint does before a join. */
export async function verifyJoinToken(token: string, keys: ApiKeys): Promise<Claims & { sub: string }> {
  const claims = await verifyToken(token, keys);
  if (!claims.video?.roomJoin) throw new AuthFailure(401, 'permissions denied');
  if (!claims.video.room) throw new AuthFailure(400, 'room name cannot be empty');
  if (!claims.sub) throw new AuthFailure(400, 'identity cannot be empty');
  return claims as Claims & { sub: string };
}

/** base64 (standard, padded) SHA-256 of the exact body bytes: the webhook JWT's `sha256` claim. */
export function bodySha256(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('base64');
}

/** The webhook Authorization value: a bare HS256 JWT (no `Bearer `), iss = api key, exp = +5 min. */
export async function signWebhook(body: string, keys: ApiKeys): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sha256: bodySha256(body) })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(keys.apiKey)
    .setNotBefore(now)
    .setExpirationTime(now + 300)
    .sign(new TextEncoder().encode(keys.apiSecret));
}
