import { loggedProblem, publicMessage } from '@onair/runtime';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { PATTERN_WORDS } from '../livekit/schemas';

/**
 * Seed-compatible routes answer errors in their seed's own body shape (clients parse it), with
 * the status onair picked (400/404/409 instead of a blanket 500). What a 5xx shows is the one
 * error policy's (publicMessage): its internals stay in the logs.
 *
 * A request the route's schema refuses (a field too long or of the wrong type, an unknown field,
 * a repeated query parameter) is a 400 with the same words /v1 uses, which name the field:
 * `Invalid body field 'roomName': must NOT have more than 128 characters`. `prefix` puts the
 * seed's own context before them (seed 004: `Failed to create room: `).
 */
export function seedErrors(
  scope: FastifyInstance,
  shape: (status: number, message: string, title: string) => object,
  o: { prefix?: (req: FastifyRequest) => string } = {},
): void {
  scope.setErrorHandler((err: FastifyError, req, reply) => {
    const p = loggedProblem(req, err);
    const detail = (err.validation && patternInWords(err)) || p.detail;
    const message =
      p.status >= 500 && publicMessage(err) === undefined
        ? 'Internal server error'
        : err.validation && o.prefix
          ? `${o.prefix(req)}${detail}`
          : detail;
    void reply
      .status(p.status)
      .type('application/json')
      .send(shape(p.status, message, p.title));
  });
}

/** `Invalid body field 'roomName': must not contain control characters` instead of the regex. */
function patternInWords(err: FastifyError): string | undefined {
  const first = err.validation?.[0];
  if (first?.keyword !== 'pattern') return undefined;
  const pattern = (first.params as { pattern?: unknown }).pattern;
  const words = typeof pattern === 'string' ? PATTERN_WORDS[pattern] : undefined;
  if (!words) return undefined;
  const field = first.instancePath.replace(/^\//, '').replace(/\//g, '.');
  return `Invalid ${err.validationContext ?? 'request'}${field ? ` field '${field}'` : ''}: ${words}`;
}
