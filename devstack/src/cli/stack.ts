import type { AddressInfo } from 'node:net';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startEventBridgeStandIn } from '../eventbridge';
import { startIvsStandIn } from '../ivs';
import { startLiveKitStandIn } from '../livekit';

export const PORTS = {
  gateway: 8080,
  'stream-svc': 8081,
  'chat-svc': 8082,
  'recording-svc': 8083,
  'fanout-svc': 8084,
  dynamodb: 4567,
  fauxqs: 4566,
  eventbridge: 4580,
  ivs: 4590,
  livekit: 7880,
} as const;

export const LIVEKIT_DEV = { apiKey: 'devkey', apiSecret: 'onair-dev-livekit-secret-0123456789' };
export const RECORDINGS_BUCKET = 'onair-recordings';
export const IVS_EVENTS_QUEUE = 'onair-ivs-events';
export const IVS_RECORDING_EVENTS_QUEUE = 'onair-ivs-recording-events';

export interface LocalInfra {
  endpoints: { dynamodb: string; sqs: string; s3: string; eventbridge: string; ivs: string; livekit: string };
  ivsEventsQueueUrl: string;
  ivsRecordingEventsQueueUrl: string;
  close(): Promise<void>;
}

/**
 * The local stand-ins for everything that has no local server, plus in-memory DynamoDB and
 * fauxqs (SQS, S3): all in this process. Services reach them only through endpoint settings.
 */
export async function startLocalInfra(opts: {
  gatewayUrl: string;
  ports?: Record<keyof typeof PORTS, number>;
}): Promise<LocalInfra> {
  const ports = opts.ports ?? PORTS;
  const closers: Array<() => Promise<unknown>> = [];
  try {
    const dynalite = require('dynalite') as (o: object) => import('node:http').Server;
    const ddb = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((r) => ddb.listen(ports.dynamodb, '127.0.0.1', r));
    closers.push(() => new Promise((r) => ddb.close(r)));
    const dynamodb = `http://127.0.0.1:${(ddb.address() as AddressInfo).port}`;

    const { startFauxqs } = (await import('fauxqs')) as {
      startFauxqs(o: object): Promise<{ address: string; stop(): Promise<void> }>;
    };
    const fq = await startFauxqs({ port: ports.fauxqs, host: '127.0.0.1', logger: false });
    closers.push(() => fq.stop());
    const sqs = `http://127.0.0.1:${ports.fauxqs}`;
    const aws = {
      region: 'us-east-1',
      endpoint: sqs,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    };

    const eb = await startEventBridgeStandIn({ port: ports.eventbridge, sqsEndpoint: sqs });
    closers.push(() => eb.close());
    const ivs = await startIvsStandIn({
      port: ports.ivs,
      publishEvent: async (e) => {
        eb.injectEvent(e as unknown as Parameters<typeof eb.injectEvent>[0]);
      },
    });
    closers.push(() => ivs.close());
    const livekit = await startLiveKitStandIn({
      port: ports.livekit,
      ...LIVEKIT_DEV,
      webhookUrl: `${opts.gatewayUrl}/v1/webhooks/livekit`,
    });
    closers.push(() => livekit.close());

    // IVS events reach the services as AWS delivers them: an EventBridge rule -> an SQS queue.
    const sqsClient = new SQSClient(aws);
    const { EventBridgeClient, PutRuleCommand, PutTargetsCommand } = await import(
      '@aws-sdk/client-eventbridge'
    );
    const ebClient = new EventBridgeClient({ ...aws, endpoint: eb.url });
    const ruleToQueue = async (name: string, pattern: object): Promise<string> => {
      const q = await sqsClient.send(new CreateQueueCommand({ QueueName: name }));
      const attrs = await sqsClient.send(
        new GetQueueAttributesCommand({ QueueUrl: q.QueueUrl, AttributeNames: ['QueueArn'] }),
      );
      await ebClient.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(pattern) }));
      await ebClient.send(
        new PutTargetsCommand({
          Rule: name,
          Targets: [{ Id: name, Arn: attrs.Attributes?.QueueArn as string }],
        }),
      );
      return q.QueueUrl as string;
    };
    const ivsEventsQueueUrl = await ruleToQueue(IVS_EVENTS_QUEUE, { source: ['aws.ivs'] });
    const ivsRecordingEventsQueueUrl = await ruleToQueue(IVS_RECORDING_EVENTS_QUEUE, {
      source: ['aws.ivs'],
      'detail-type': ['IVS Recording State Change'],
    });
    await new S3Client({ ...aws, forcePathStyle: true }).send(
      new CreateBucketCommand({ Bucket: RECORDINGS_BUCKET }),
    );

    return {
      endpoints: { dynamodb, sqs, s3: sqs, eventbridge: eb.url, ivs: ivs.url, livekit: livekit.url },
      ivsEventsQueueUrl,
      ivsRecordingEventsQueueUrl,
      async close() {
        for (const c of closers.reverse()) await c().catch(() => {});
      },
    };
  } catch (e) {
    for (const c of closers.reverse()) await c().catch(() => {});
    throw e;
  }
}
