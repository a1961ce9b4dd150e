import { CommonConfig } from '@onair/runtime';
import { Type } from '@sinclair/typebox';

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
  }),
]);
