/**
 * One error family for the whole system. `code` is a stable string clients can switch on;
 * `status` is the HTTP status it maps to. Errors with status < 500 are the caller's fault:
 * the bus does not retry them, it answers them.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details?: unknown;

  constructor(
    code: string,
    status: number,
    message: string,
    opts: { cause?: unknown; details?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.details = opts.details;
  }

  /** Server-side trouble may pass; 501 (not built yet) and caller mistakes (4xx) will not. */
  get retryable(): boolean {
    return this.status >= 500 && this.status !== 501;
  }
}

export const badRequest = (message: string, details?: unknown) =>
  new AppError('BAD_REQUEST', 400, message, { details });
export const unauthorized = (message = 'Authentication required') =>
  new AppError('UNAUTHORIZED', 401, message);
export const forbidden = (message = 'You are not allowed to do this') =>
  new AppError('FORBIDDEN', 403, message);
export const notFound = (message: string) => new AppError('NOT_FOUND', 404, message);
export const conflict = (message: string) => new AppError('CONFLICT', 409, message);
export const notImplemented = (message: string) => new AppError('NOT_IMPLEMENTED', 501, message);
export const timeout = (message: string) => new AppError('TIMEOUT', 504, message);

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** Whether the bus should try a failed handler again. Unknown errors are assumed transient. */
export function isRetryable(e: unknown): boolean {
  return isAppError(e) ? e.retryable : true;
}
