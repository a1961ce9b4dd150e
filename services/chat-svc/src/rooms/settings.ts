import { ChatRoomSettings, ModerationSettings } from '@onair/contracts';
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

export type RoomSettings = Static<typeof ChatRoomSettings>;

export const DEFAULT_SETTINGS: RoomSettings = {
  maximumMessageRatePerSecond: 10,
  maximumMessageLength: 500,
  slowModeSeconds: 0,
  moderation: { wordFilter: [], fallbackResult: 'ALLOW' },
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function pick<T extends TSchema>(schema: T, value: unknown, fallback: Static<T>): Static<T> {
  return Value.Check(schema, value) ? value : fallback;
}

/**
 * Settings as stored, reduced to what the contract knows, each value checked. Rooms stored before
 * the settings were closed may carry unknown keys (or a review URL that is no longer accepted);
 * those are dropped here, so every event made from a room is valid and nothing unknown is acted on.
 */
export function normalizeSettings(stored: unknown): RoomSettings {
  const s = isRecord(stored) ? stored : {};
  const m = isRecord(s.moderation) ? s.moderation : {};
  const P = ChatRoomSettings.properties;
  const M = ModerationSettings.properties;
  const D = DEFAULT_SETTINGS;
  const moderation: RoomSettings['moderation'] = {
    wordFilter: pick(M.wordFilter, m.wordFilter, []),
    fallbackResult: pick(M.fallbackResult, m.fallbackResult, D.moderation.fallbackResult),
  };
  if (Value.Check(M.reviewWebhookUrl, m.reviewWebhookUrl)) moderation.reviewWebhookUrl = m.reviewWebhookUrl;
  if (Value.Check(M.reviewHandlerArn, m.reviewHandlerArn)) moderation.reviewHandlerArn = m.reviewHandlerArn;
  return {
    maximumMessageRatePerSecond: pick(
      P.maximumMessageRatePerSecond,
      s.maximumMessageRatePerSecond,
      D.maximumMessageRatePerSecond,
    ),
    maximumMessageLength: pick(P.maximumMessageLength, s.maximumMessageLength, D.maximumMessageLength),
    slowModeSeconds: pick(P.slowModeSeconds, s.slowModeSeconds, D.slowModeSeconds),
    moderation,
  };
}
