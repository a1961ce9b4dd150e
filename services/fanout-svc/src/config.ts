import { CommonConfig } from '@onair/runtime';
import { Type } from '@sinclair/typebox';

export const Config = Type.Composite([
  CommonConfig,
  Type.Object({
    TABLE_NAME: Type.String({ default: 'onair-fanout-svc', description: "This service's DynamoDB table" }),
  }),
]);
