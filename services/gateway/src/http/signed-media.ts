// Signed media URLs: a `<video src>` cannot send a bearer token, so the API hands whoever may
// read a recording a short-lived URL of its media route that carries its own proof:
//   /v1/recordings/{id}/media?expires=<unix seconds>&signature=<base64url HMAC-SHA256>
// The HMAC covers the path and the expiry, so a signature opens that one path (GET and HEAD,
// every Range of it) until it expires, and nothing else. Media routes accept it in place of the
// Authorization header (the auth hook in ./plugins checks it).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { unauthorized } from '@onair/runtime';

/** The query parameters of a signed URL. */
export const SIGNED_URL_PARAMS = ['expires', 'signature'] as const;

export class MediaUrlSigner {
  private readonly key: Buffer;

  /** `secret`: MEDIA_URL_SECRET (shared by every gateway instance); `ttlSeconds`: how long a URL works. */
  constructor(
    secret: string,
    readonly ttlSeconds: number,
  ) {
    this.key = Buffer.from(secret, 'utf8');
  }

  /** A URL of `path` (already percent-encoded, no query) that works until now + ttl. */
  sign(path: string, nowMs = Date.now()): { url: string; expiresAt: string } {
    const expires = Math.floor(nowMs / 1000) + this.ttlSeconds;
    const url = `${path}?expires=${expires}&signature=${this.mac(path, expires)}`;
    return { url, expiresAt: new Date(expires * 1000).toISOString() };
  }

  /**
   * Throws a 401 a person can act on unless `expires` and `signature` prove `path`. Query values
   * come as the client sent them: anything but one string each is refused.
   */
  verify(path: string, expires: unknown, signature: unknown, nowMs = Date.now()): void {
    const again = 'ask the API for a new one (GET /v1/recordings/{recordingId}/media-url)';
    if (typeof expires !== 'string' || !/^\d{1,12}$/.test(expires) || typeof signature !== 'string')
      throw unauthorized(`The signed URL is malformed (expires and signature, once each); ${again}`);
    const want = Buffer.from(this.mac(path, Number(expires)));
    const got = Buffer.from(signature);
    if (want.length !== got.length || !timingSafeEqual(want, got))
      throw unauthorized(`The signed URL's signature does not match this path; ${again}`);
    if (Number(expires) * 1000 <= nowMs)
      throw unauthorized(
        `The signed URL expired at ${new Date(Number(expires) * 1000).toISOString()}; ${again}`,
      );
  }

  private mac(path: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${path}\n${expires}`).digest('base64url');
  }
}

/**
 * The signing secret: MEDIA_URL_SECRET, else one derived from JWT_SECRET (development, and any
 * deployment that has one), else none: signed URLs are then off (501 naming the setting).
 */
export function mediaUrlSecret(c: { MEDIA_URL_SECRET?: string; JWT_SECRET?: string }): string | undefined {
  if (c.MEDIA_URL_SECRET) return c.MEDIA_URL_SECRET;
  if (c.JWT_SECRET) return createHmac('sha256', c.JWT_SECRET).update('onair media URLs').digest('base64url');
  return undefined;
}

/** The path part of a request URL as sent (still percent-encoded), without the query. */
export function rawPath(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
