import { startFauxqsProcess } from '../../../devstack/test/eventbridge-fauxqs';
import { randomUUID } from 'node:crypto';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  DeleteQueueCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { contracts } from '@onair/contracts';
import { type EventBridgeStandIn, startEventBridgeStandIn } from '@onair/devstack/src/eventbridge';
import { DLQ_ATTRS, type QueueLeaseTable, SqsBus, type SqsBusClients } from '../src/bus';
import { createDocumentClient, ensureTable } from '../src/dynamo';
import { startDynalite } from '../../../test/support/dynalite';
import type { BusHarness, DeadLetter, MakeBusOptions } from './bus-contract';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const region = 'us-east-1';

export interface SqsHarness extends BusHarness {
  namespace: string;
  sqsEndpoint: string;
  eventBridgeEndpoint: string;
  /** Fresh SDK clients pointed at fauxqs and the EventBridge stand-in. */
  clients(): SqsBusClients;
  /** A started bus on the given clients (e.g. clients with a counting middleware). */
  makeBusWith(service: string, clients: SqsBusClients, opts?: MakeBusOptions): Promise<SqsBus>;
}

/**
 * fauxqs (SQS) in a child Node process plus the EventBridge stand-in delivering into it. fauxqs is
 * ESM-only with no "require" export, which the CommonJS jest sandbox cannot load; the child runs
 * on the same Node binary and exits when its stdin closes, so it cannot outlive the test worker.
 */
export async function sqsHarness(): Promise<SqsHarness> {
  const fauxqs = await startFauxqsProcess();
  let eb: EventBridgeStandIn | undefined;
  try {
    eb = await startEventBridgeStandIn({
      sqsEndpoint: fauxqs.address,
      sqsCredentials: credentials,
      region,
      logger: { warn: () => {}, error: (m, meta) => console.error(`[eventbridge] ${m}`, meta ?? '') },
    });
  } catch (e) {
    await fauxqs.stop();
    throw e;
  }
  const standIn = eb;
  const namespace = `t-${randomUUID().slice(0, 8)}`;
  // Single-active queues' leases (sqs/queue-lease.ts), short-lived so a standby takes over fast.
  const leaseDb = await startDynalite();
  const leaseDdb = createDocumentClient({ region, endpoint: leaseDb.endpoint });
  const queueLeases: QueueLeaseTable = { ddb: leaseDdb, tableName: `leases-${namespace}`, ttlMs: 2000 };
  await ensureTable(leaseDdb, { name: queueLeases.tableName });
  const clients = (): SqsBusClients => ({
    sqs: new SQSClient({ region, endpoint: fauxqs.address, credentials }),
    eventBridge: new EventBridgeClient({ region, endpoint: standIn.url, credentials }),
  });
  const admin = clients();
  // Only for its naming: the harness addresses the same queues the buses use.
  const names = new SqsBus(admin, { namespace, service: 'harness', registry: contracts });
  const allClients: SqsBusClients[] = [admin];
  const deadLetters = new Map<string, Map<string, DeadLetter>>();

  const queueUrl = async (name: string): Promise<string | undefined> => {
    try {
      return (await admin.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
    } catch {
      return undefined;
    }
  };

  const makeBusWith = async (
    service: string,
    c: SqsBusClients,
    opts: MakeBusOptions = {},
  ): Promise<SqsBus> => {
    const b = new SqsBus(c, {
      namespace,
      service,
      registry: opts.registry ?? contracts,
      maxAttempts: 3,
      retryDelaysMs: [50, 100],
      waitTimeSeconds: 1,
      queueLeases,
    });
    await b.start();
    return b;
  };

  return {
    namespace,
    sqsEndpoint: fauxqs.address,
    eventBridgeEndpoint: standIn.url,
    clients,
    makeBusWith,
    async makeBus(service, opts) {
      const c = clients();
      allClients.push(c);
      return makeBusWith(service, c, opts);
    },
    async injectRawCommand(target, body) {
      const url = await queueUrl(names.queueName(target, 'commands'));
      if (!url) throw new Error(`no command queue for ${target} yet`);
      await admin.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
    },
    async readDeadLetters(target) {
      const name = `${names.queueName(target, 'commands')}-dlq`;
      // Read ones stay invisible for a while and are kept here, so every read sees the whole list.
      const seen = deadLetters.get(name) ?? new Map<string, DeadLetter>();
      deadLetters.set(name, seen);
      const url = await queueUrl(name);
      if (!url) return [...seen.values()];
      for (;;) {
        const r = await admin.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
            VisibilityTimeout: 600,
            MessageAttributeNames: ['All'],
          }),
        );
        const msgs = r.Messages ?? [];
        if (msgs.length === 0) break;
        for (const m of msgs) {
          const a = m.MessageAttributes ?? {};
          seen.set(m.MessageId ?? randomUUID(), {
            body: m.Body ?? '',
            reason: String(a[DLQ_ATTRS.reason]?.StringValue),
            error: String(a[DLQ_ATTRS.error]?.StringValue),
            attempts: Number(a[DLQ_ATTRS.attempts]?.StringValue),
          });
        }
      }
      return [...seen.values()];
    },
    async cleanup() {
      try {
        const r = await admin.sqs.send(new ListQueuesCommand({ QueueNamePrefix: namespace }));
        for (const url of r.QueueUrls ?? [])
          await admin.sqs.send(new DeleteQueueCommand({ QueueUrl: url })).catch(() => {});
      } finally {
        for (const c of allClients) {
          c.sqs.destroy();
          c.eventBridge.destroy();
        }
        await standIn.close();
        await fauxqs.stop();
        leaseDdb.destroy();
        await leaseDb.close();
      }
    },
  };
}
