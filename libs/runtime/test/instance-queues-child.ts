// A bus instance in a process of its own, for instance-queues.int.test.ts to kill -9: it opens
// the per-instance queues an instance has (an ephemeral command queue, an ephemeral subscription
// and, on SQS, its reply queue), prints {"ready":true} and waits to be killed.
//   TRANSPORT=rabbitmq|sqs NAMESPACE INSTANCE EXPIRY_MS AMQP_URL | SQS_ENDPOINT EVENTBRIDGE_ENDPOINT
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { contracts, makeEnvelope } from '@onair/contracts';
import { type Bus, RabbitBus, SqsBus } from '../src/bus';

const env = (k: string): string => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set`);
  return v;
};

async function main(): Promise<void> {
  const common = {
    namespace: env('NAMESPACE'),
    service: 'probe',
    instanceId: env('INSTANCE'),
    registry: contracts,
    instanceQueueExpiryMs: Number(env('EXPIRY_MS')),
    sweepIntervalMs: 0,
  };
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const bus: Bus =
    env('TRANSPORT') === 'rabbitmq'
      ? new RabbitBus(env('AMQP_URL'), common)
      : new SqsBus(
          {
            sqs: new SQSClient({ region: 'us-east-1', endpoint: env('SQS_ENDPOINT'), credentials }),
            eventBridge: new EventBridgeClient({
              region: 'us-east-1',
              endpoint: env('EVENTBRIDGE_ENDPOINT'),
              credentials,
            }),
          },
          { ...common, waitTimeSeconds: 1 },
        );
  await bus.start();
  const id = env('INSTANCE');
  await bus.consumeCommands(`gateway.${id}`, async () => {}, { ephemeral: true });
  await bus.subscribe(`probe.${id}.presence`, ['onair.presence.snapshot-requested.v1'], async () => {}, {
    ephemeral: true,
  });
  if (env('TRANSPORT') === 'sqs') {
    // A request creates the reply queue; nobody answers it.
    const ping = makeEnvelope({
      type: 'onair.system.ping.v1',
      source: 'probe',
      data: { service: 'nobody', sentAt: new Date().toISOString() },
    });
    await bus.request(ping, { to: `nobody-${id}`, timeoutMs: 200 }).catch(() => {});
  }
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  setInterval(() => {}, 60_000);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
