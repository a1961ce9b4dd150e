import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs (pino). Secrets are redacted wherever they may appear in objects we log: tokens,
 * stream keys, authorization headers.
 */
const SECRET_PARAMS = new Set([
  'token',
  'token[]',
  'jwt',
  'authorization',
  'auth',
  'password',
  'access_token',
  'id_token',
  'refresh_token',
  'sig',
  'signature',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
]);

const decodedName = (k: string): string => {
  try {
    return decodeURIComponent(k.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    return k.toLowerCase();
  }
};

/**
 * Query values that are credentials (`?token=`, `?access_token=`, also written `%74oken=`) never
 * reach a log line or an answer.
 */
export function redactUrl(raw: string): string {
  // A JWT anywhere (a path segment, an unknown parameter): three base64url parts, the first `eyJ`.
  const url = raw.replace(/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, '[redacted]');
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  const redacted = query.replace(/(^|[&;])([^=&;]*)=([^&;]*)/g, (pair, sep: string, name: string) =>
    SECRET_PARAMS.has(decodedName(name).trim()) ? `${sep}${name}=[redacted]` : pair,
  );
  return `${url.slice(0, q + 1)}${redacted}${hash < 0 ? '' : url.slice(hash)}`;
}

interface RequestLike {
  method?: string;
  url?: string;
  headers?: Record<string, unknown>;
  socket?: { remoteAddress?: string };
}

export function createLogger(opts: {
  service: string;
  level?: string;
  instanceId?: string;
  /** Where lines go (stdout by default; tests pass a stream). */
  destination?: pino.DestinationStream;
}): Logger {
  return pino(
    {
      name: opts.service,
      level: opts.level ?? 'info',
      base: { service: opts.service, instance: opts.instanceId },
      serializers: {
        err: pino.stdSerializers.err,
        req: (r: RequestLike) => ({
          method: r.method,
          url: redactUrl(r.url ?? ''),
          remoteAddress: r.socket?.remoteAddress,
        }),
      },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers["sec-websocket-protocol"]',
          '*.token',
          '*.streamKey',
          '*.secret',
          '*.apiSecret',
          'token',
          'streamKey',
        ],
        censor: '[redacted]',
      },
    },
    opts.destination ?? pino.destination(1),
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });
