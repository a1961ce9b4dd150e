import { CommonConfig } from '@onair/runtime';
import { Type } from '@sinclair/typebox';
import { MESSAGE_LOG_PATTERN } from './message-log';
import { DEFAULT_COMMIT_PACE_MS } from './messages/commits';
import { ALLOWED_HOSTS_PATTERN } from './messages/review-webhook';

export const Config = Type.Composite([
  CommonConfig,
  Type.Object({
    CHAT_TOKEN_SECRET: Type.Optional(
      Type.String({
        minLength: 16,
        description: 'HS256 secret of native chat tokens (shared with the gateway)',
      }),
    ),
    TABLE_NAME: Type.String({ default: 'onair-chat-svc', description: "This service's DynamoDB table" }),
    REVIEW_WEBHOOK_ALLOWED_HOSTS: Type.String({
      default: '',
      pattern: ALLOWED_HOSTS_PATTERN,
      description:
        'Comma-separated host or host:port that review webhooks may reach over http and at private addresses (local development only; empty = none)',
    }),
    CHAT_COMMIT_PACE_MS: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: DEFAULT_COMMIT_PACE_MS,
      description:
        'Group commit: under load, one batch of native messages is written this many ms after the previous one (a message after a quiet spell goes at once). Longer: fewer, bigger writes and bus messages, less CPU a message; shorter: lower latency under load',
    }),
    CHAT_MESSAGE_LOG: Type.String({
      default: 'dynamodb',
      pattern: MESSAGE_LOG_PATTERN,
      description:
        "Where native chat messages are stored: dynamodb (chat-svc's table) or sqlite:<absolute path> (one local file in a folder that exists; every chat-svc and gateway of the machine must name the same one)",
    }),
    REDIS_URL: Type.Optional(
      Type.String({
        pattern: '^rediss?://',
        description:
          'Redis for chat rate limits and slow mode shared by every chat-svc instance; when unset each instance counts alone',
      }),
    ),
  }),
]);
