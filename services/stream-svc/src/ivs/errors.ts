import { type AppError, fromAwsError } from '@onair/runtime';

/** An IVS SDK error as an AppError; StopStream on an idle channel is the caller's 409. */
export const fromIvsError = (e: unknown, what: string): AppError =>
  fromAwsError(e, 'IVS', what, { ChannelNotBroadcasting: ['NOT_LIVE', 409] });
