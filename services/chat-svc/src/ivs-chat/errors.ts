import { AppError } from '@onair/runtime';

/**
 * One SDK error -> one AppError. The SDK names errors by `err.name` (ivs.md part 0); the message
 * may be "UnknownError" when the service only sends `exceptionMessage`, so both are read.
 * Statuses follow what the caller can do: 4xx are final (the bus does not retry them), 5xx
 * (throttling, outages) are retried by the bus.
 */
export function fromIvsChatError(e: unknown, what: string): AppError {
  if (e instanceof AppError) return e;
  const err = e as { name?: string; message?: string; exceptionMessage?: string };
  const detail =
    err.exceptionMessage ?? (err.message && err.message !== 'UnknownError' ? err.message : err.name);
  const msg = `IVS Chat ${what} failed: ${detail}`;
  switch (err.name) {
    case 'ResourceNotFoundException':
      return new AppError('NOT_FOUND', 404, msg, { cause: e });
    case 'ValidationException':
      return new AppError('PROVIDER_REJECTED', 400, msg, { cause: e });
    case 'ConflictException':
      return new AppError('CONFLICT', 409, msg, { cause: e });
    case 'ServiceQuotaExceededException':
      return new AppError('PROVIDER_QUOTA_EXCEEDED', 429, msg, { cause: e });
    case 'ThrottlingException':
      return new AppError('PROVIDER_THROTTLED', 503, msg, { cause: e });
    case 'AccessDeniedException':
    case 'PendingVerification':
      // Our credentials or account, not the caller: a 5xx whose details stay in the logs.
      return new AppError('PROVIDER_ACCESS_DENIED', 500, msg, { cause: e });
    default:
      return new AppError('PROVIDER_UNAVAILABLE', 502, msg, { cause: e });
  }
}
