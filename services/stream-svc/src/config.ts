import { CommonConfig } from '@onair/runtime';
import { Type } from '@sinclair/typebox';
import { LiveKitConfig } from './livekit/config';
import { StreamsConfig } from './streams/config';

export const Config = Type.Composite([
  CommonConfig,
  Type.Object({
    TABLE_NAME: Type.String({ default: 'onair-stream-svc', description: "This service's DynamoDB table" }),
  }),
  LiveKitConfig,
  StreamsConfig,
]);
