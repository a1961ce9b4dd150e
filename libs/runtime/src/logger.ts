import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs (pino). Secrets are redacted wherever they may appear in objects we log: tokens,
 * stream keys, authorization headers.
 */
export function createLogger(opts: { service: string; level?: string; instanceId?: string }): Logger {
  return pino({
    name: opts.service,
    level: opts.level ?? 'info',
    base: { service: opts.service, instance: opts.instanceId },
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
  });
}

export const silentLogger: Logger = pino({ level: 'silent' });
