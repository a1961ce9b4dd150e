import { Type } from '@sinclair/typebox';

/** stream-svc settings for IVS streams (composed into the service config). */
export const StreamsConfig = Type.Object({
  IVS_EVENTS_QUEUE_URL: Type.Optional(
    Type.String({
      pattern: '^https?://',
      description:
        'SQS queue the EventBridge rule for IVS events (source aws.ivs) targets; unset = statuses follow the reconciler only',
    }),
  ),
  IVS_EVENTS_WAIT_SECONDS: Type.Integer({
    default: 20,
    minimum: 0,
    maximum: 20,
    description: 'SQS long-poll wait',
  }),
  RECONCILE_INTERVAL_MS: Type.Integer({
    default: 60000,
    minimum: 1000,
    description: 'How often drift is repaired',
  }),
  PROVISIONING_TIMEOUT_MS: Type.Integer({
    default: 120000,
    minimum: 1000,
    description:
      'A stream that made no provisioning progress for this long is failed and cleaned up (once stream-svc has been up this long too, so redelivered creates can resume first)',
  }),
  CHAT_REQUEST_TIMEOUT_MS: Type.Integer({ default: 10000, minimum: 100, description: 'Wait for chat-svc' }),
});
