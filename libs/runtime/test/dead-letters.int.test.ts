// The DLQ tool (libs/runtime/src/bus/dead-letters) on both transports: RabbitMQ (the machine's
// broker, a namespace of its own) and SQS + EventBridge (fauxqs in a child process and the
// EventBridge stand-in, as the bus contract suite runs them).
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { DeleteQueueCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { contracts } from '@onair/contracts';
import * as amqp from 'amqplib';
import { RabbitBus, RabbitDeadLetters, SqsDeadLetters, sqsNames } from '../src/bus';
import { type DlqTransport, deadLetterSuite, runCli } from './dead-letters-suite';
import { AMQP_URL, requireRabbit } from './rabbit-harness';
import { sqsHarness } from './sqs-harness';

// SQS visibility has a 1 s granularity: three attempts take about two seconds.
jest.setTimeout(60_000);

deadLetterSuite('rabbitmq', async (): Promise<DlqTransport> => {
  await requireRabbit();
  const namespace = `t-${randomUUID().slice(0, 8)}`;
  const conn = await amqp.connect(AMQP_URL);
  conn.on('error', () => {});
  return {
    namespace,
    async makeBus(service) {
      const b = new RabbitBus(AMQP_URL, {
        namespace,
        service,
        registry: contracts,
        maxAttempts: 3,
        retryDelaysMs: [50, 100],
      });
      await b.start();
      return b;
    },
    deadLetters: new RabbitDeadLetters(AMQP_URL, { namespace }),
    commandQueue: (target) => `${namespace}.${target}.commands`,
    eventQueue: (subscriber) => `${namespace}.${subscriber}.events`,
    async deleteQueue(name) {
      const ch = await conn.createChannel();
      await ch.deleteQueue(name);
      await ch.close();
    },
    cliEnv: { AMQP_URL, BUS_NAMESPACE: namespace },
    async cleanup() {
      const ch = await conn.createChannel();
      ch.on('error', () => {});
      for (const q of await rabbitQueues(namespace)) await ch.deleteQueue(q).catch(() => {});
      await ch.deleteExchange(`${namespace}.commands`).catch(() => {});
      await ch.deleteExchange(`${namespace}.events`).catch(() => {});
      await conn.close().catch(() => {});
    },
  };
});

deadLetterSuite('sqs+eventbridge', async (): Promise<DlqTransport> => {
  const h = await sqsHarness();
  const { sqs } = h.clients();
  return {
    namespace: h.namespace,
    makeBus: (service) => h.makeBus(service),
    deadLetters: new SqsDeadLetters(sqs, { namespace: h.namespace, waitTimeSeconds: 0 }),
    commandQueue: (target) => sqsNames.queue(h.namespace, target, 'commands'),
    eventQueue: (subscriber) => sqsNames.queue(h.namespace, subscriber, 'events'),
    async deleteQueue(name) {
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
      await sqs.send(new DeleteQueueCommand({ QueueUrl }));
    },
    cliEnv: {
      AMQP_URL: '',
      BUS_NAMESPACE: h.namespace,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_SQS: h.sqsEndpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: h.eventBridgeEndpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    },
    async cleanup() {
      sqs.destroy();
      await h.cleanup();
    },
  };
});

/** Queue names of a namespace, from rabbitmqctl (AMQP cannot list queues). */
function rabbitQueues(namespace: string): Promise<string[]> {
  return new Promise((resolve) => {
    execFile('rabbitmqctl', ['list_queues', 'name', '--quiet', '--no-table-headers'], (err, stdout) => {
      if (err) return resolve([]);
      resolve(
        stdout
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l.startsWith(`${namespace}.`)),
      );
    });
  });
}

describe('npm run dlq: usage', () => {
  it('--help prints every command and exits 0; mistakes print the usage and one line, exit 2', async () => {
    const help = await runCli(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run dlq -- <command> \[options\]/);
    for (const c of ['list', 'show <id>', 'replay <id>', 'replay --all', 'purge --queue Q', 'sweep'])
      expect(help.stdout).toContain(c);
    const mistakes: Array<[string[], RegExp]> = [
      [[], /say what to do/],
      [['bogus'], /unknown command 'bogus'/],
      [['show'], /show needs one dead letter id/],
      [['list', '--all'], /--all does not go with list/],
      [['list', '--nope'], /Unknown option '--nope'/],
      [['purge'], /purge needs --queue/],
      [['list', '--limit', 'ten'], /--limit must be a whole number/],
      [['list', '--limit', '0'], /--limit must be a whole number from 1 to/],
      [['list', '--limit', '100000'], /--limit must be a whole number from 1 to/],
    ];
    for (const [args, message] of mistakes) {
      const r = await runCli(args, {});
      expect([args, r.code]).toEqual([args, 2]);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m); // no stack trace
    }
  });
});
