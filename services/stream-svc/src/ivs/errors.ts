import { AppError } from '@onair/runtime';

/**
 * One IVS SDK error -> one AppError. IVS errors carry `exceptionMessage` (ivs.md part a, Errors):
 * `err.message` may be "UnknownError", so the name decides and both texts are read.
 * 4xx are final for the bus; 5xx (throttling, outages) are worth retrying.
 */
export function fromIvsError(e: unknown, what: string): AppError {
  if (e instanceof AppError) return e;
  const err = e as { name?: string; message?: string; exceptionMessage?: string };
  const detail =
    err.exceptionMessage ?? (err.message && err.message !== 'UnknownError' ? err.message : err.name);
  const msg = `IVS ${what} failed: ${detail}`;
  switch (err.name) {
    case 'ResourceNotFoundException':
      return new AppError('NOT_FOUND', 404, msg, { cause: e });
    case 'ChannelNotBroadcasting':
      return new AppError('NOT_LIVE', 409, msg, { cause: e });
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
      return new AppError('PROVIDER_ACCESS_DENIED', 500, msg, { cause: e });
    default:
      return new AppError('PROVIDER_UNAVAILABLE', 502, msg, { cause: e });
  }
}
