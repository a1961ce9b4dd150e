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

/** What a caller reads in place of a failure's internals. */
export const INTERNAL_DETAIL = 'Something went wrong on our side';

/**
 * The one rule for what a caller is told about a failure, at every edge (REST problems, the
 * seed routes' bodies, refused WebSocket upgrades, chat ERROR frames): an AppError's own message
 * when it is the caller's to read, else undefined and the edge says its own "internal error".
 * A caller's mistake (4xx) is theirs; of the 5xx only those whose message is written for the
 * caller: 501 (which setting is missing), 503 (what is unavailable, when to retry), 504 (who did
 * not answer). A 500, a 502 or an error that is no AppError is internals: it stays in the logs.
 */
export function publicMessage(e: unknown): string | undefined {
  if (!isAppError(e)) return undefined;
  return e.status < 500 || e.status === 501 || e.status === 503 || e.status === 504 ? e.message : undefined;
}

/** Whether the bus should try a failed handler again. Unknown errors are assumed transient. */
export function isRetryable(e: unknown): boolean {
  return isAppError(e) ? e.retryable : true;
}
