// Random identifiers in the shapes real IVS uses (docs/protocols/ivs.md#identifiers).
import { randomBytes, randomInt } from 'node:crypto';

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const HEX = '0123456789abcdef';

function pick(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** 12 alphanumerics: channel, stream-key and room ids, chat message and event ids. */
export const resourceId = (): string => pick(ALNUM, 12);

/** `st-` plus 23 alphanumerics: exactly 26 characters, like GetStream's `streamId`. */
export const streamId = (): string => `st-${pick(ALNUM, 23)}`;

/** 12 hex chars: the customer-specific prefix of ingest and playback hosts. */
export const hostPrefix = (): string => pick(HEX, 12);

/** 16 alphanumerics, like `recording_session_id` in Recording State Change events. */
export const recordingSessionId = (): string => pick(ALNUM, 16);

/** Random base64url without padding: only RFC 7230 token characters (docs/protocols/ivs-chat.md#chat-tokens). */
export const opaqueToken = (bytes = 48): string => randomBytes(bytes).toString('base64url');

export const randomAlnum = (length: number): string => pick(ALNUM, length);
