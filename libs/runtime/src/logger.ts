import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs (pino). Secrets are redacted wherever they may appear in objects we log: tokens,
 * stream keys, authorization headers.
 */
/** Query values that are credentials (`?token=`, `?access_token=`) never reach a log line or an answer. */
export function redactUrl(url: string): string {
  return url.replace(
    /([?&](?:token|access_token|id_token|refresh_token|sig|signature|X-Amz-Signature|X-Amz-Credential)=)[^&#]*/gi,
    '$1[redacted]',
  );
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
