// Service errors in the two wire dialects. Both carry `x-amzn-ErrorType`, which is the first
// place the SDK looks for the error name (docs/protocols/ivs.md#errors).
// IVS bodies use `exceptionMessage`; we add `message` too so `err.message` is readable
// (docs/protocols/ivs.md#errors). IVS Chat bodies use `message` plus per-error fields (docs/protocols/ivs-chat.md#errors).

export type Service = 'ivs' | 'ivschat';

/** HTTP status of every error name either service models. */
export const ERROR_STATUS: Record<string, number> = {
  ValidationException: 400,
  ServiceQuotaExceededException: 402,
  AccessDeniedException: 403,
  PendingVerification: 403,
  ResourceNotFoundException: 404,
  ChannelNotBroadcasting: 404,
  ConflictException: 409,
  ThrottlingException: 429,
  InternalServerException: 500,
  ServiceUnavailable: 503,
  StreamUnavailable: 503,
};

export class ServiceError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    /** Extra modeled body members (IVS Chat: resourceId, resourceType, reason, fieldList, limit). */
    readonly fields: Record<string, unknown> = {},
    readonly status: number = ERROR_STATUS[errorType] ?? 400,
  ) {
    super(message);
    this.name = errorType;
  }
}

export function errorBody(service: Service, err: ServiceError): Record<string, unknown> {
  if (service === 'ivs') return { exceptionMessage: err.message, message: err.message };
  return { message: err.message, ...err.fields };
}

export const validation = (message: string, field?: string): ServiceError =>
  new ServiceError(
    'ValidationException',
    message,
    field
      ? { reason: 'FIELD_VALIDATION_FAILED', fieldList: [{ name: field, message }] }
      : { reason: 'OTHER' },
  );

export const notFound = (resourceId: string, resourceType: string): ServiceError =>
  new ServiceError('ResourceNotFoundException', `Resource ${resourceId} not found`, {
    resourceId,
    resourceType,
  });
