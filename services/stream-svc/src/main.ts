import { SQSClient } from '@aws-sdk/client-sqs';
import { runService } from '@onair/runtime';
import { buildService } from './app';
import { Config } from './config';
import { liveKitCredentials } from './livekit/config';
import { LiveKitRoomsAdapter } from './livekit/rooms-adapter';
import { SdkIvs } from './ivs/sdk-adapter';
import { STREAM_TABLE_INDEXES } from './streams';

void runService({
  name: 'stream-svc',
  configSchema: Config,
  table: (c) => ({ name: c.TABLE_NAME, indexes: STREAM_TABLE_INDEXES }),
  build: async ({ bus, logger, instanceId, ddb, config }) => {
    const lk = liveKitCredentials(config);
    return buildService({
      bus,
      logger,
      instanceId,
      // IVS and SQS endpoints come from AWS_ENDPOINT_URL_IVS / _SQS when set (the SDK reads them).
      streams: {
        ddb,
        table: config.TABLE_NAME,
        ivs: new SdkIvs({ region: config.AWS_REGION }),
        chatRequestTimeoutMs: config.CHAT_REQUEST_TIMEOUT_MS,
        ...(config.IVS_EVENTS_QUEUE_URL
          ? {
              events: {
                // The endpoint (AWS_ENDPOINT_URL_SQS when set), not the queue URL's host: local queue
                // URLs such as http://sqs.us-east-1.127.0.0.1:4566/... are not valid URLs.
                sqs: new SQSClient({ region: config.AWS_REGION, useQueueUrlAsEndpoint: false }),
                queueUrl: config.IVS_EVENTS_QUEUE_URL,
                waitSeconds: config.IVS_EVENTS_WAIT_SECONDS,
              },
            }
          : {}),
        reconcile: {
          intervalMs: config.RECONCILE_INTERVAL_MS,
          provisioningTimeoutMs: config.PROVISIONING_TIMEOUT_MS,
        },
      },
      ...(lk
        ? {
            rooms: {
              ddb,
              table: config.TABLE_NAME,
              livekit: new LiveKitRoomsAdapter(lk),
              reconcileMs: config.ROOMS_RECONCILE_MS,
            },
          }
        : {}),
    });
  },
});
