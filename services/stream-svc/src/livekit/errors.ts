import { type AppError, fromLiveKitError } from '@onair/runtime';

/** A LiveKit SDK error as an AppError (the mapping is shared in libs/runtime). */
export const fromLiveKit = (e: unknown, what: string): AppError => fromLiveKitError(e, what);
