import { SQSClient } from '@aws-sdk/client-sqs';
import { runService } from '@onair/runtime';
import { buildService } from './app';
import { Config } from './config';
import { LiveKitEgressAdapter } from './livekit/egress-adapter';
import { recordingsTable } from './table';
import { S3RecordingObjects } from './storage/s3-adapter';

void runService({
  name: 'recording-svc',
  configSchema: Config,
  table: (c) => recordingsTable(c.TABLE_NAME),
  build: async ({ bus, logger, instanceId, ddb, config: c }) => {
    const { LIVEKIT_URL: url, LIVEKIT_API_KEY: apiKey, LIVEKIT_API_SECRET: apiSecret } = c;
    const egress =
      url && apiKey && apiSecret
        ? new LiveKitEgressAdapter({
            url,
            apiKey,
            apiSecret,
            s3: {
              bucket: c.S3_BUCKET,
              region: c.AWS_REGION,
              endpoint: c.EGRESS_S3_ENDPOINT ?? c.AWS_ENDPOINT_URL_S3,
              forcePathStyle: c.S3_FORCE_PATH_STYLE,
              // Egress uploads with its own credentials; by default the ones this service has.
              accessKey: c.EGRESS_S3_ACCESS_KEY ?? process.env.AWS_ACCESS_KEY_ID,
              secret: c.EGRESS_S3_SECRET ?? process.env.AWS_SECRET_ACCESS_KEY,
            },
          })
        : undefined;
    return buildService({
      bus,
      logger,
      instanceId,
      recordings: {
        ddb,
        table: c.TABLE_NAME,
        ...(egress ? { egress } : {}),
        objects: new S3RecordingObjects({ region: c.AWS_REGION, forcePathStyle: c.S3_FORCE_PATH_STYLE }),
        bucket: c.S3_BUCKET,
        prefix: c.RECORDINGS_PATH,
        reconcileMs: c.EGRESS_RECONCILE_MS,
        ...(c.IVS_RECORDING_EVENTS_QUEUE_URL
          ? {
              ivsEvents: {
                // The SQS endpoint (AWS_ENDPOINT_URL_SQS when set), not the queue URL's host.
                sqs: new SQSClient({ region: c.AWS_REGION, useQueueUrlAsEndpoint: false }),
                queueUrl: c.IVS_RECORDING_EVENTS_QUEUE_URL,
                waitSeconds: c.IVS_EVENTS_WAIT_SECONDS,
              },
            }
          : {}),
      },
    });
  },
});
