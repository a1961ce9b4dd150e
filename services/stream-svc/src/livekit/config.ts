import { Type } from '@sinclair/typebox';

/** LiveKit server settings. All three or none: without them the room commands answer 501. */
export const LiveKitConfig = Type.Object({
  LIVEKIT_URL: Type.Optional(
    Type.String({
      pattern: '^(http|ws)s?://',
      description: 'LiveKit server (Twirp API), e.g. http://127.0.0.1:7880',
    }),
  ),
  LIVEKIT_API_KEY: Type.Optional(Type.String({ minLength: 1, description: 'LiveKit API key' })),
  LIVEKIT_API_SECRET: Type.Optional(Type.String({ minLength: 1, description: 'LiveKit API secret' })),
  ROOMS_RECONCILE_MS: Type.Integer({
    default: 60000,
    minimum: 100,
    description: 'How often active rooms are compared with LiveKit ListRooms',
  }),
});

export function liveKitCredentials(c: {
  LIVEKIT_URL?: string;
  LIVEKIT_API_KEY?: string;
  LIVEKIT_API_SECRET?: string;
}): { url: string; apiKey: string; apiSecret: string } | undefined {
  if (!c.LIVEKIT_URL || !c.LIVEKIT_API_KEY || !c.LIVEKIT_API_SECRET) return undefined;
  return { url: c.LIVEKIT_URL, apiKey: c.LIVEKIT_API_KEY, apiSecret: c.LIVEKIT_API_SECRET };
}
