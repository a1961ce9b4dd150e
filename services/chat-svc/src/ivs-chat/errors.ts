import { type AppError, fromAwsError } from '@onair/runtime';

/** An IVS Chat SDK error as an AppError (the mapping shared by every AWS provider). */
export const fromIvsChatError = (e: unknown, what: string): AppError => fromAwsError(e, 'IVS Chat', what);
