import { AppError } from './errors';

type Mapping = Record<string, [code: string, status: number]>;

/** AWS error names (err.name, as the SDK sets them) that mean the same to every AWS provider. */
const AWS_ERRORS: Mapping = {
  ResourceNotFoundException: ['NOT_FOUND', 404],
  ValidationException: ['PROVIDER_REJECTED', 400],
  ConflictException: ['CONFLICT', 409],
  ServiceQuotaExceededException: ['PROVIDER_QUOTA_EXCEEDED', 429],
  ThrottlingException: ['PROVIDER_THROTTLED', 503],
  // Our credentials or account, not the caller: a 5xx whose details stay in the logs.
  AccessDeniedException: ['PROVIDER_ACCESS_DENIED', 500],
  PendingVerification: ['PROVIDER_ACCESS_DENIED', 500],
};

/**
 * One AWS SDK error (IVS, IVS Chat) -> one AppError. The SDK names errors by `err.name`
 * (docs/protocols/ivs.md#errors); `err.message` may be "UnknownError" when the service only
 * sends `exceptionMessage`, so both are read. 4xx are final (the bus does not retry them); 5xx
 * (throttling, outages) are retried.
 */
export function fromAwsError(e: unknown, provider: string, what: string, extra: Mapping = {}): AppError {
  if (e instanceof AppError) return e;
  const err = e as { name?: string; message?: string; exceptionMessage?: string };
  const detail =
    err.exceptionMessage ?? (err.message && err.message !== 'UnknownError' ? err.message : err.name);
  const [code, status] = (err.name && (extra[err.name] ?? AWS_ERRORS[err.name])) || [
    'PROVIDER_UNAVAILABLE',
    502,
  ];
  return new AppError(code, status, `${provider} ${what} failed: ${detail}`, { cause: e });
}

/**
 * Every LiveKit SDK failure -> one AppError. TwirpError carries `status` and `code` (the twirp
 * code); a transport failure is a plain TypeError('fetch failed'). 4xx from LiveKit are the
 * caller's problem (not retried); the rest is retried by the bus. A 401 from LiveKit means our
 * API key or secret is wrong: an operator problem, retried then dead-lettered.
 */
export function fromLiveKitError(e: unknown, what: string): AppError {
  if (e instanceof AppError) return e;
  const err = e as { status?: number; code?: string; message?: string };
  const msg = `${what}: ${err.message ?? String(e)}`;
  if (err.code === 'not_found' || err.status === 404)
    return new AppError('NOT_FOUND', 404, msg, { cause: e });
  if (err.code === 'already_exists') return new AppError('CONFLICT', 409, msg, { cause: e });
  if (err.code === 'failed_precondition' || err.status === 412) {
    return new AppError('FAILED_PRECONDITION', 409, msg, { cause: e });
  }
  if (err.code === 'invalid_argument' || err.code === 'malformed')
    return new AppError('BAD_REQUEST', 400, msg, { cause: e });
  if (err.code === 'resource_exhausted' || err.status === 429)
    return new AppError('LIVEKIT_BUSY', 503, msg, { cause: e });
  return new AppError('LIVEKIT_UNAVAILABLE', 502, msg, { cause: e });
}

/**
 * How an SDK adapter runs each provider call: whatever the call throws comes out as
 * `toError(e, what)` (that provider's mapping, e.g. fromAwsError with its extras), so the
 * adapter states its mapping once: `private readonly call = providerCalls(fromIvsError)`.
 */
export function providerCalls(toError: (e: unknown, what: string) => AppError) {
  return async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      throw toError(e, what);
    }
  };
}
