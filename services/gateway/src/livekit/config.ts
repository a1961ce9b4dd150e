import { Type } from '@sinclair/typebox';

/** Gateway settings for LiveKit rooms, tokens, webhooks and recordings (composed into config.ts). */
export const LiveKitGatewayConfig = Type.Object({
  LIVEKIT_URL: Type.Optional(
    Type.String({ pattern: '^(http|ws)s?://', description: 'LiveKit server, e.g. http://127.0.0.1:7880' }),
  ),
  LIVEKIT_PUBLIC_URL: Type.Optional(
    Type.String({
      pattern: '^wss?://',
      description: 'What clients connect to (default: LIVEKIT_URL with http -> ws)',
    }),
  ),
  LIVEKIT_API_KEY: Type.Optional(
    Type.String({ minLength: 1, description: 'Signs join tokens, checks webhooks' }),
  ),
  LIVEKIT_API_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  LIVEKIT_TOKEN_TTL: Type.Integer({
    default: 3600,
    minimum: 60,
    maximum: 86400,
    description: 'Lifetime of join tokens from /v1 routes, in seconds (seed routes: 24 h)',
  }),
  ROOMS_TABLE: Type.String({
    default: 'onair-stream-svc',
    description: "stream-svc's table (rooms read model)",
  }),
  RECORDINGS_TABLE: Type.String({
    default: 'onair-recording-svc',
    description: "recording-svc's table (recordings read model)",
  }),
  S3_FORCE_PATH_STYLE: Type.Boolean({ default: false, description: 'Path-style S3 URLs (MinIO, fauxqs)' }),
  RECORDING_URL_TTL: Type.Integer({
    default: 3600,
    minimum: 60,
    maximum: 604800,
    description: 'Lifetime of presigned recording download URLs, in seconds',
  }),
});

/** The client-facing LiveKit URL: LIVEKIT_PUBLIC_URL, else LIVEKIT_URL with http(s) -> ws(s). */
export function publicLiveKitUrl(c: {
  LIVEKIT_URL?: string;
  LIVEKIT_PUBLIC_URL?: string;
}): string | undefined {
  return c.LIVEKIT_PUBLIC_URL ?? c.LIVEKIT_URL?.replace(/^http/, 'ws');
}
