import { AppError } from '@onair/runtime';

/**
 * Every LiveKit SDK failure becomes one AppError at the edge. TwirpError carries `status` and
 * `code` (twirp code); a transport failure is a plain TypeError('fetch failed'). 4xx from
 * LiveKit are the caller's problem (not retried), the rest is retried by the bus.
 */
export function fromLiveKit(e: unknown, what: string): AppError {
  if (e instanceof AppError) return e;
  const err = e as { status?: number; code?: string; message?: string };
  const msg = `${what}: ${err.message ?? String(e)}`;
  if (err.code === 'not_found' || err.status === 404)
    return new AppError('NOT_FOUND', 404, msg, { cause: e });
  if (err.code === 'already_exists') return new AppError('CONFLICT', 409, msg, { cause: e });
  if (err.code === 'failed_precondition' || err.status === 412)
    return new AppError('FAILED_PRECONDITION', 409, msg, { cause: e });
  if (err.code === 'invalid_argument' || err.code === 'malformed')
    return new AppError('BAD_REQUEST', 400, msg, { cause: e });
  if (err.code === 'resource_exhausted' || err.status === 429)
    return new AppError('LIVEKIT_BUSY', 503, msg, { cause: e });
  // 401 from LiveKit means our API key/secret are wrong: an operator problem, retried then DLQ'd.
  return new AppError('LIVEKIT_UNAVAILABLE', 502, msg, { cause: e });
}
