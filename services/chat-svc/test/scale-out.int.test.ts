// Issue 13, the scale-out run: two chat-svc processes on one bus and one table; the one that
// owns the rooms is killed (SIGKILL) while messages flow. Ownership moves to the standby, every
// message is answered (clients resend with their RequestId), none is stored twice, and no room
// sequence number is used twice. The handover time is printed. On RabbitMQ the standby is the
// queues' next single active consumer; on SQS (fauxqs) it takes the partition leases once the
// killed owner's run out. On RabbitMQ it runs again with the message log in a SQLite file, as
// `npm start` has it: both instances write one file.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ChatMessageSent, makeEnvelope } from '@onair/contracts';
import { type Bus, createDocumentClient, isAppError, replyData } from '@onair/runtime';
import { type SqsHarness, sqsHarness } from '../../../libs/runtime/test/sqs-harness';
import { AMQP_URL, freePort, startDynalite, testBuses, waitFor } from '../../../test/support';
import { createNativeRoom } from '../../../test/support/chat';
import { openMessageLog } from '../src/message-log';
import { MAX_SEQ } from '../src/table';

const ROOT = path.resolve(__dirname, '../../..');
const ROOMS = 20;
const RATE = 200; // messages a second, over all rooms
const SEND_MS = 6000;

describe.each([
  ['rabbitmq', 'dynamodb'],
  ['sqs', 'dynamodb'],
  ['rabbitmq', 'sqlite'],
] as const)(
  'chat-svc scale-out on %s, messages on %s: two instances, the owner killed mid-run',
  (transport, logKind) => {
    jest.setTimeout(120_000);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'onair-scale-out-'));
    const messageLog =
      logKind === 'sqlite' ? `sqlite:${path.join(dataDir, 'chat-messages.sqlite')}` : 'dynamodb';
    let namespace = '';
    const table = 'onair-chat-scale';
    const children: ChildProcess[] = [];
    let db: Awaited<ReturnType<typeof startDynalite>>;
    let client: Bus;
    let sqs: SqsHarness | undefined;
    let rabbit: Awaited<ReturnType<typeof testBuses>> | undefined;
    /** How the children reach the bus. */
    const busEnv = (): Record<string, string> =>
      sqs
        ? { AWS_ENDPOINT_URL_SQS: sqs.sqsEndpoint, AWS_ENDPOINT_URL_EVENTBRIDGE: sqs.eventBridgeEndpoint }
        : { AMQP_URL };

    const startInstance = async (name: string) => {
      const port = await freePort();
      const child = spawn(process.execPath, ['--import', 'tsx', 'services/chat-svc/src/main.ts'], {
        cwd: ROOT,
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          PORT: String(port),
          ...busEnv(),
          BUS_NAMESPACE: namespace,
          INSTANCE_ID: name,
          TABLE_NAME: table,
          CHAT_MESSAGE_LOG: messageLog,
          AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          CHAT_TOKEN_SECRET: 'scale-out-chat-token-secret',
          LOG_LEVEL: 'error',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      children.push(child);
      await waitFor(
        async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200,
        { timeoutMs: 60_000, what: `${name} ready` },
      );
      return child;
    };

    beforeAll(async () => {
      db = await startDynalite();
      if (transport === 'sqs') {
        sqs = await sqsHarness();
        namespace = sqs.namespace;
        client = await sqs.makeBus('gateway');
        return;
      }
      rabbit = await testBuses();
      namespace = rabbit.namespace;
      client = await rabbit.make('gateway');
    });
    afterAll(async () => {
      for (const c of children) c.kill('SIGKILL');
      await rabbit?.cleanup(); // closes the client too
      if (sqs) await client?.close();
      await sqs?.cleanup();
      await db?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    /** SQS: who holds each partition queue's lease (sqs/queue-lease.ts), by instance. */
    const leaseHolders = async (): Promise<Record<string, number>> => {
      const ddb = createDocumentClient({ region: 'us-east-1', endpoint: db.endpoint });
      const out = await ddb.send(
        new ScanCommand({
          TableName: table,
          FilterExpression: 'begins_with(PK, :p)',
          ExpressionAttributeValues: { ':p': 'bus-lease#' },
          ConsistentRead: true,
        }),
      );
      ddb.destroy();
      const holders: Record<string, number> = {};
      for (const item of out.Items ?? []) {
        const owner = String(item.leaseOwner);
        holders[owner] = (holders[owner] ?? 0) + 1;
      }
      return holders;
    };

    it('moves ownership to the standby: every message answered, none stored twice, no number reused', async () => {
      const first = await startInstance('chat-first');
      await startInstance('chat-standby'); // subscribes second: stands by on every partition
      const rooms = Array.from({ length: ROOMS }, (_, i) => `room-${i}`);
      for (const roomId of rooms) await createNativeRoom(client, roomId, roomId);

      /** A client's send: resent with the same RequestId until answered (as the IVS client does). */
      const answers = new Map<
        string,
        { roomId: string; seq: number; messageId: string; sentAt: number; at: number }
      >();
      let killedAt = Number.POSITIVE_INFINITY;
      const send = async (i: number) => {
        const roomId = rooms[i % ROOMS];
        const requestId = `req-${i}`;
        const sentAt = performance.now();
        const deadline = sentAt + 60_000;
        for (;;) {
          try {
            const reply = await client.request(
              makeEnvelope({
                type: 'onair.chat.message.send.v1',
                source: 'gateway',
                data: {
                  roomId,
                  sender: { userId: `user-${i % 40}` },
                  connectionId: 'c',
                  gatewayId: 'g',
                  requestId,
                  content: `m${i}`,
                },
              }),
              { timeoutMs: 2000 },
            );
            const m = replyData(ChatMessageSent, reply);
            answers.set(requestId, {
              roomId,
              seq: m.seq,
              messageId: m.messageId,
              sentAt,
              at: performance.now(),
            });
            return;
          } catch (e) {
            if (!(isAppError(e) && [503, 504].includes(e.status)) || performance.now() > deadline) throw e;
          }
        }
      };

      const n = Math.round((RATE * SEND_MS) / 1000);
      const sends: Promise<void>[] = [];
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const due = t0 + (i * 1000) / RATE;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (i === Math.floor(n / 3)) {
          // On SQS the first instance reads every partition, the standby none (it competed before).
          if (sqs) expect(await leaseHolders()).toEqual({ 'chat-first': 16 });
          first.kill('SIGKILL');
          killedAt = performance.now();
        }
        sends.push(send(i));
      }
      await Promise.all(sends);

      // Every RequestId answered once, with one message; what the log holds matches.
      expect(answers.size).toBe(n);
      const ddb = createDocumentClient({ region: 'us-east-1', endpoint: db.endpoint });
      const log = openMessageLog(messageLog, ddb, table);
      let stored = 0;
      for (const roomId of rooms) {
        const items = (await log.range(roomId, 1, MAX_SEQ)).messages;
        const seqs = items.map((m) => Number(m.seq));
        expect(new Set(seqs).size).toBe(seqs.length); // no number used twice
        const requestIds = items.map((m) => String(m.requestId));
        expect(new Set(requestIds).size).toBe(requestIds.length); // no message stored twice
        for (const m of items) {
          const a = answers.get(String(m.requestId));
          expect(a).toMatchObject({ roomId, seq: Number(m.seq), messageId: m.messageId });
        }
        stored += items.length;
      }
      expect(stored).toBe(n);
      log.close();
      ddb.destroy();
      if (sqs) expect(await leaseHolders()).toEqual({ 'chat-standby': 16 });

      const afterKill = [...answers.values()].filter((a) => a.sentAt > killedAt).map((a) => a.at);
      const handoverMs = Math.min(...afterKill) - killedAt;
      console.log(
        `scale-out on ${transport}, messages on ${logKind}: ${n} messages, owner killed after ${Math.floor(n / 3)}; first answer from the standby ${handoverMs.toFixed(0)} ms after the kill`,
      );
    });
  },
);
