import { MESSAGE_LOG_PATTERN } from '@onair/chat-svc/message-log';
import { CommonConfig } from '@onair/runtime';
import { Type } from '@sinclair/typebox';
import { LiveKitGatewayConfig } from './livekit/config';

export const Config = Type.Composite([
  CommonConfig,
  Type.Object({
    JWT_SECRET: Type.Optional(
      Type.String({ minLength: 16, description: 'HS256 secret for bearer tokens (local development)' }),
    ),
    JWT_JWKS_URL: Type.Optional(
      Type.String({
        pattern: '^https?://',
        description: 'JWKS URL of the identity provider (production, e.g. Cognito)',
      }),
    ),
    JWT_ISSUER: Type.Optional(
      Type.String({ description: 'Required `iss` of bearer tokens (with JWT_JWKS_URL)' }),
    ),
    JWT_AUDIENCE: Type.Optional(
      Type.String({ description: 'Required `aud` (or Cognito client_id) of bearer tokens' }),
    ),
    JWT_MAX_TTL: Type.String({
      default: '24h',
      pattern: '^[0-9]+(s|m|h|d)?$',
      description: 'Longest lifetime (exp - iat) a bearer token may have: 3600, 90m, 24h, 7d',
    }),
    MEDIA_URL_SECRET: Type.Optional(
      Type.String({
        minLength: 16,
        description:
          'HMAC secret of signed media URLs (the same on every gateway instance); unset = derived from JWT_SECRET, or off without one',
      }),
    ),
    DEV_ROUTES: Type.Boolean({
      default: false,
      description:
        'Development routes (POST /v1/dev/tokens, simulated broadcasts): only with the local JWT_SECRET; npm start turns them on',
    }),
    AWS_ENDPOINT_URL_IVS: Type.Optional(
      Type.String({
        pattern: '^https?://',
        description: 'IVS stand-in (simulated broadcasts of DEV_ROUTES)',
      }),
    ),
    AWS_ENDPOINT_URL_IVSCHAT: Type.Optional(
      Type.String({
        pattern: '^https?://',
        description: 'IVS Chat stand-in (its messaging WebSocket, for the console)',
      }),
    ),
    CONSOLE_DIR: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'The built console served at /console (default: console/dist)',
      }),
    ),
    CORS_ORIGINS: Type.String({
      default: '',
      description: 'Comma-separated allowed origins, or * (empty = none)',
    }),
    REDIS_URL: Type.Optional(
      Type.String({
        pattern: '^rediss?://',
        description: 'Redis for rate-limit counters shared by every gateway instance (in memory without it)',
      }),
    ),
    RATE_LIMIT_IP_PER_MINUTE: Type.Integer({ default: 1200, minimum: 0, description: 'Per IP; 0 = off' }),
    RATE_LIMIT_USER_PER_MINUTE: Type.Integer({ default: 600, minimum: 0, description: 'Per user; 0 = off' }),
    RATE_LIMIT_CREATES_PER_MINUTE: Type.Integer({
      default: 30,
      minimum: 0,
      description: 'Creates (streams, rooms, chat rooms, recordings) per user; 0 = off',
    }),
    RATE_LIMIT_TOKENS_PER_MINUTE: Type.Integer({
      default: 120,
      minimum: 0,
      description: 'Chat and LiveKit tokens minted per user; 0 = off',
    }),
    BODY_LIMIT_BYTES: Type.Integer({ default: 262144, minimum: 1024 }),
    CHAT_TOKEN_SECRET: Type.Optional(
      Type.String({
        minLength: 16,
        description: 'HS256 secret of native chat tokens (shared with chat-svc); unset = no native chat',
      }),
    ),
    STREAMS_TABLE: Type.String({
      default: 'onair-stream-svc',
      description: "stream-svc's table (read model of streams)",
    }),
    CHAT_TABLE: Type.String({
      default: 'onair-chat-svc',
      description: "chat-svc's table (read model of chat rooms)",
    }),
    CHAT_MESSAGE_LOG: Type.String({
      default: 'dynamodb',
      pattern: MESSAGE_LOG_PATTERN,
      description:
        "Where native chat messages are stored: dynamodb (chat-svc's table) or sqlite:<absolute path> (one local file in a folder that exists; every chat-svc and gateway of the machine must name the same one)",
    }),
    CHAT_DEFAULT_PROVIDER: Type.Union([Type.Literal('ivs'), Type.Literal('native')], {
      default: 'native',
      description: 'Chat provider of streams and rooms whose request names none',
    }),
    REQUEST_TIMEOUT_MS: Type.Integer({
      default: 10000,
      minimum: 100,
      description: 'Wait for a service answer',
    }),
    CHAT_GAP_WAIT_MS: Type.Integer({
      default: 300,
      minimum: 10,
      maximum: 60000,
      description: 'How long a gap in a chat room sequence may stay open before it is filled from history',
    }),
    WS_PING_INTERVAL_MS: Type.Integer({
      default: 30000,
      minimum: 1000,
      description:
        'How often chat sockets are pinged; a socket that does not answer within one interval is dropped (load balancer idle timeouts must be longer)',
    }),
  }),
  LiveKitGatewayConfig,
]);
