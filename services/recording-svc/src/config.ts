import { CommonConfig } from '@onair/runtime';
import { Type } from '@sinclair/typebox';

export const Config = Type.Composite([
  CommonConfig,
  Type.Object({
    TABLE_NAME: Type.String({ default: 'onair-recording-svc', description: "This service's DynamoDB table" }),
    LIVEKIT_URL: Type.Optional(
      Type.String({ pattern: '^(http|ws)s?://', description: 'LiveKit server (Twirp API)' }),
    ),
    LIVEKIT_API_KEY: Type.Optional(Type.String({ minLength: 1 })),
    LIVEKIT_API_SECRET: Type.Optional(Type.String({ minLength: 1 })),
    S3_BUCKET: Type.String({ default: 'onair-recordings', description: 'Bucket recordings are written to' }),
    S3_FORCE_PATH_STYLE: Type.Boolean({ default: false, description: 'Path-style S3 URLs (MinIO, fauxqs)' }),
    AWS_ENDPOINT_URL_S3: Type.Optional(
      Type.String({ pattern: '^https?://', description: 'S3 endpoint (read natively by the AWS SDK too)' }),
    ),
    RECORDINGS_PATH: Type.String({ default: 'recordings/', description: 'Key prefix of recordings' }),
    EGRESS_RECONCILE_MS: Type.Integer({
      default: 30000,
      minimum: 100,
      description: 'How often open recordings are compared with ListEgress',
    }),
    IVS_RECORDING_EVENTS_QUEUE_URL: Type.Optional(
      Type.String({
        pattern: '^https?://',
        description: 'SQS queue of IVS Recording State Change events (IVS auto-recordings); unset = off',
      }),
    ),
    IVS_EVENTS_WAIT_SECONDS: Type.Integer({
      default: 20,
      minimum: 0,
      maximum: 20,
      description: 'SQS long poll',
    }),
    EGRESS_S3_ENDPOINT: Type.Optional(
      Type.String({ description: 'S3 endpoint as egress reaches it (default AWS_ENDPOINT_URL_S3)' }),
    ),
    EGRESS_S3_ACCESS_KEY: Type.Optional(
      Type.String({
        description: 'Key egress uploads with (default AWS_ACCESS_KEY_ID; empty = egress defaults)',
      }),
    ),
    EGRESS_S3_SECRET: Type.Optional(
      Type.String({ description: 'Secret egress uploads with (default AWS_SECRET_ACCESS_KEY)' }),
    ),
  }),
]);
