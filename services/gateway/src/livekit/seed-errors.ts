import { toProblem } from '@onair/runtime';
import type { FastifyError, FastifyInstance } from 'fastify';

/**
 * Seed-compatible routes answer errors in their seed's own body shape (clients parse it), with
 * the status onair picked (400/404/409 instead of a blanket 500). 5xx details stay in the logs.
 */
export function seedErrors(
  scope: FastifyInstance,
  shape: (status: number, message: string, title: string) => object,
): void {
  scope.setErrorHandler((err: FastifyError, req, reply) => {
    const p = toProblem(err);
    if (p.status >= 500) req.log.error({ err }, 'request failed');
    const message = p.status >= 500 && p.status !== 501 ? 'Internal server error' : p.detail;
    void reply
      .status(p.status)
      .type('application/json')
      .send(shape(p.status, message, p.title));
  });
}
