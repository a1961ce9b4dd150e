import { CommonConfig } from '@onair/runtime';
import { Type } from '@sinclair/typebox';

export const Config = Type.Composite([
  CommonConfig,
  Type.Object({
    TABLE_NAME: Type.String({
      default: 'onair-fanout-svc',
      description: "This service's DynamoDB table (the gateways heard from lately)",
    }),
    PRESENCE_WAIT_MS: Type.Integer({
      default: 5000,
      minimum: 0,
      maximum: 60000,
      description: "Longest wait at start-up for the gateways' presence snapshots before events are routed",
    }),
  }),
]);
