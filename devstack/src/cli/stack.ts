import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startEventBridgeStandIn } from '../eventbridge';
import { startIvsStandIn } from '../ivs';
import { startLiveKitStandIn } from '../livekit';
import { allowS3Cors } from '../s3-cors';
import { naming, type PortPlan, stackPorts } from './ports';

/** The default stack's ports (stack 0): see ./ports for the plan of every stack. */
export const PORTS: PortPlan = stackPorts(0);

export const LIVEKIT_DEV = { apiKey: 'devkey', apiSecret: 'onair-dev-livekit-secret-0123456789' };
export const RECORDINGS_BUCKET = 'onair-recordings';
export const IVS_EVENTS_QUEUE = 'onair-ivs-events';
export const IVS_RECORDING_EVENTS_QUEUE = 'onair-ivs-recording-events';

/** Where the local stack listens unless `npm start -- --host <addr>` says otherwise: this machine only. */
export const DEFAULT_HOST = '127.0.0.1';

/**
 * The host part of a URL that reaches a server bound to `bind`: a wildcard address (0.0.0.0,
 * ::) is reached on the loopback, an IPv6 literal goes in brackets.
 */
export function urlHost(bind: string): string {
  if (bind === '0.0.0.0' || bind === '::' || bind === '[::]' || bind === '') return '127.0.0.1';
  return bind.includes(':') && !bind.startsWith('[') ? `[${bind}]` : bind;
}

export interface LocalInfra {
  endpoints: {
    dynamodb: string;
    sqs: string;
    s3: string;
    eventbridge: string;
    ivs: string;
    /** The IVS Chat stand-in's messaging WebSocket (`new ChatRoom({ regionOrUrl })`). */
    ivsChatWs: string;
    livekit: string;
  };
  /** Every listening server of the stand-ins, for checks of where they listen. */
  servers: Array<{ name: string; address: () => AddressInfo | string | null }>;
  ivsEventsQueueUrl: string;
  ivsRecordingEventsQueueUrl: string;
  /**
   * CHAT_MESSAGE_LOG for chat-svc and the gateway: native chat messages in one SQLite file that
   * lives as long as the in-memory DynamoDB beside it (a fresh folder each start, removed on close).
   */
  chatMessageLog: string;
  close(): Promise<void>;
}

/**
 * The local stand-ins for everything that has no local server, plus in-memory DynamoDB and
 * fauxqs (SQS, S3): all in this process. Services reach them only through endpoint settings.
 * Every one of them listens on `host` (127.0.0.1 unless told otherwise); a port of 0 picks a
 * free one. A port that is taken fails with a PortInUseError naming the component.
 */
export async function startLocalInfra(opts: {
  gatewayUrl: string;
  ports?: PortPlan;
  host?: string;
}): Promise<LocalInfra> {
  const ports = opts.ports ?? PORTS;
  const host = opts.host ?? DEFAULT_HOST;
  const url = (port: number) => `http://${urlHost(host)}:${port}`;
  const closers: Array<() => Promise<unknown>> = [];
  const servers: LocalInfra['servers'] = [];
  try {
    // The message log of native chat: with the in-memory tables, dynalite was the stack's
    // limit at 1,000 chat messages a second (docs/chat.md, "The message log").
    const dataDir = mkdtempSync(join(tmpdir(), 'onair-stack-'));
    const removeData = () => rmSync(dataDir, { recursive: true, force: true });
    process.once('exit', removeData);
    closers.push(async () => {
      process.off('exit', removeData);
      removeData();
    });
    const dynalite = require('dynalite') as (o: object) => import('node:http').Server;
    const ddb = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await naming('dynamodb', ports.dynamodb, () => listen(ddb, ports.dynamodb, host));
    closers.push(() => new Promise((r) => ddb.close(r)));
    servers.push({ name: 'dynamodb', address: () => ddb.address() });
    const dynamodb = url((ddb.address() as AddressInfo).port);

    // fauxqs' own startFauxqs always listens on 0.0.0.0 (its `host` option only names the host
    // in queue URLs): build its app and listen where we say.
    const { buildApp } = (await import('fauxqs')) as unknown as {
      buildApp(o: { logger: boolean; host?: string }): {
        listen(o: { port: number; host: string }): Promise<string>;
        close(): Promise<void>;
        server: import('node:http').Server;
      } & Parameters<typeof allowS3Cors>[0];
    };
    const fq = buildApp({ logger: false, host: '127.0.0.1' });
    allowS3Cors(fq); // the console (another origin) fetches recordings through presigned URLs
    await naming('fauxqs', ports.fauxqs, () => fq.listen({ port: ports.fauxqs, host }));
    closers.push(() => fq.close());
    servers.push({ name: 'fauxqs', address: () => fq.server.address() });
    const sqs = url((fq.server.address() as AddressInfo).port);
    const aws = {
      region: 'us-east-1',
      endpoint: sqs,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    };

    const eb = await naming('eventbridge', ports.eventbridge, () =>
      startEventBridgeStandIn({ port: ports.eventbridge, host, sqsEndpoint: sqs }),
    );
    closers.push(() => eb.close());
    servers.push({ name: 'eventbridge', address: () => eb.address() });
    const ivs = await naming('ivs', ports.ivs, () =>
      startIvsStandIn({
        port: ports.ivs,
        host,
        publishEvent: async (e) => {
          eb.injectEvent(e as unknown as Parameters<typeof eb.injectEvent>[0]);
        },
      }),
    );
    closers.push(() => ivs.close());
    servers.push({ name: 'ivs', address: () => ivs.address() });
    const livekit = await naming('livekit', ports.livekit, () =>
      startLiveKitStandIn({
        port: ports.livekit,
        host,
        ...LIVEKIT_DEV,
        webhookUrl: `${opts.gatewayUrl}/v1/webhooks/livekit`,
      }),
    );
    closers.push(() => livekit.close());
    servers.push({ name: 'livekit', address: () => livekit.address() });

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
      endpoints: {
        dynamodb,
        sqs,
        s3: sqs,
        eventbridge: eb.url,
        ivs: ivs.url,
        ivsChatWs: ivs.wsUrl,
        livekit: livekit.url,
      },
      servers,
      ivsEventsQueueUrl,
      ivsRecordingEventsQueueUrl,
      chatMessageLog: `sqlite:${join(dataDir, 'chat-messages.sqlite')}`,
      async close() {
        for (const c of closers.reverse()) await c().catch(() => {});
      },
    };
  } catch (e) {
    for (const c of closers.reverse()) await c().catch(() => {});
    throw e;
  }
}

function listen(server: import('node:http').Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
