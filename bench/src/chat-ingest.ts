/**
 * Chat ingest benchmark (issue 13): chat-svc's half of a native message alone, so that what it
 * costs is measured apart from the rest of the machine. chat-svc's real service (room ownership,
 * in-memory sequence, rate limits, group commit) over the bus core's memory transport and the
 * DynamoDB stand-in (dynalite), all in this one process; 100 rooms, 400 senders, the send rate
 * stepped up. Each step reports the send -> stored-and-answered latency and the CPU this process
 * spent per message (chat-svc and the stand-in together).
 *
 * The baseline in the same run: the store alone, the same messages written straight to the
 * stand-in with one BatchWriteItem per message, as the path before issue 13 ended (it also made
 * four more calls per message, not counted here).
 */
import { performance } from 'node:perf_hooks';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { contracts, makeEnvelope } from '@onair/contracts';
import { createDocumentClient, ensureTable, MemoryBus, silentLogger } from '@onair/runtime';
import { buildService } from '../../services/chat-svc/src/app';
import { FakeIvsChat } from '../../services/chat-svc/src/ivs-chat/fake';
import { CHAT_TABLE_INDEXES } from '../../services/chat-svc/src/rooms/store';
import { messageItem } from '../../services/chat-svc/src/table';
import { startDynalite } from '../../test/support/dynalite';
import { machineInfo, machineLines, writeSection } from './lib/report';

const ROOMS = 100;
const SENDERS = 400;

interface Step {
  rate: number;
  p50: number;
  p99: number;
  /** CPU of this process per message, ms. */
  cpuMs: number;
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? Number.NaN;
}

/** Run `one(i)` at `rate` a second for `ms`; the latency of each and this process's CPU per call. */
async function drive(rate: number, ms: number, one: (i: number) => Promise<unknown>): Promise<Step> {
  const n = Math.round((rate * ms) / 1000);
  const lat: number[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let k = 0;
  let done = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(n, Math.floor((performance.now() - t0) / (1000 / rate)) + 1);
      while (k < due) {
        const started = performance.now();
        one(k++)
          .then(() => lat.push(performance.now() - started))
          .catch(() => {})
          .finally(() => {
            if (++done === n) resolve();
          });
      }
      if (k < n) setTimeout(tick, 1);
    };
    tick();
  });
  const cpu = process.cpuUsage(cpu0);
  lat.sort((a, b) => a - b);
  return {
    rate,
    p50: percentile(lat, 0.5),
    p99: percentile(lat, 0.99),
    cpuMs: (cpu.user + cpu.system) / 1000 / n,
  };
}

export async function runChatIngestBenchmark(
  o: { rates?: number[]; stepMs?: number; writeDocs?: boolean } = {},
): Promise<void> {
  process.env.AWS_ACCESS_KEY_ID ??= 'bench';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'bench';
  const rates = o.rates ?? (process.env.BENCH_INGEST_RATES?.split(',').map(Number) || [300, 1000, 2000]);
  const stepMs = o.stepMs ?? Number(process.env.BENCH_INGEST_STEP_MS ?? 5000);
  const db = await startDynalite();
  const ddb = createDocumentClient({ region: 'us-east-1', endpoint: db.endpoint });
  const table = 'bench-chat-ingest';
  await ensureTable(ddb, { name: table, indexes: CHAT_TABLE_INDEXES });
  const bus = new MemoryBus({
    namespace: 'bench-ingest',
    service: 'chat-svc',
    registry: contracts,
    logger: silentLogger,
  });
  await bus.start();
  const svc = buildService({
    bus,
    logger: silentLogger,
    instanceId: 'bench',
    ddb,
    tableName: table,
    ivsChat: new FakeIvsChat(),
    chatTokenSecret: 'bench-secret',
    review: async () => ({ ReviewResult: 'ALLOW' }),
  });
  const ctx = { attempt: 1, log: silentLogger };
  const run = (type: string, data: object) =>
    svc.router.handle(makeEnvelope({ type, source: 'bench', data }), ctx);
  for (let r = 0; r < ROOMS; r++)
    await run('onair.chat.room.create.v1', {
      roomId: `room-${r}`,
      actor: { userId: 'owner', roles: ['streamer'] },
      provider: 'native',
      name: `room ${r}`,
      settings: { maximumMessageRatePerSecond: 100 },
    });
  let seq = 0;
  const send = (i: number) =>
    run('onair.chat.message.send.v1', {
      roomId: `room-${i % ROOMS}`,
      sender: { userId: `user-${i % SENDERS}` },
      connectionId: 'c',
      gatewayId: 'g',
      requestId: `req-${++seq}`,
      content: `message ${i}`,
    });
  // Warm-up: every room taken over, every sender's ban looked up, the JIT warm.
  await Promise.all(Array.from({ length: SENDERS }, (_, i) => send(i)));
  const steps: Step[] = [];
  const baseline: Step[] = [];
  for (const rate of rates) {
    steps.push(await drive(rate, stepMs, send));
    let n = 0;
    baseline.push(
      await drive(rate, stepMs, () => {
        const m = {
          roomId: 'baseline',
          seq: ++n + rate * 1_000_000,
          messageId: `b${n}-${rate}`,
          requestId: `b${n}`,
          sender: { userId: 'b' },
          content: 'baseline',
          sendTime: new Date().toISOString(),
        };
        return ddb.send(
          new BatchWriteCommand({
            RequestItems: {
              [table]: [{ PutRequest: { Item: messageItem(m) } }],
            },
          }),
        );
      }),
    );
  }
  await svc.stop();
  await bus.close();
  ddb.destroy();
  await db.close();
  const rows = steps.map((s, i) => {
    const b = baseline[i];
    return `| ${s.rate} | ${s.p50.toFixed(1)} | ${s.p99.toFixed(1)} | ${s.cpuMs.toFixed(2)} | ${b.p50.toFixed(1)} | ${b.p99.toFixed(1)} | ${b.cpuMs.toFixed(2)} |`;
  });
  const report = [
    '| send rate (msgs/s) | chat-svc p50 (ms) | chat-svc p99 (ms) | chat-svc + stand-in CPU (ms/msg) | store alone p50 (ms) | store alone p99 (ms) | store alone CPU (ms/msg) |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ];
  console.log(
    `chat ingest (chat-svc + DynamoDB stand-in in one process; ${ROOMS} rooms, ${SENDERS} senders):`,
  );
  console.log(report.join('\n'));
  if (o.writeDocs ?? !process.env.BENCH_INGEST_RATES) {
    const machine = machineLines(await machineInfo());
    writeSection(
      'chat-ingest',
      `## Chat ingest: chat-svc's half of a message (\`npm run bench -- chat-ingest\`)

chat-svc's real service, alone in one process with the DynamoDB stand-in (dynalite) and the bus
core's memory transport: ${ROOMS} native rooms, ${SENDERS} senders, each rate sent for ${stepMs / 1000} s after a
warm-up (every room taken over, every sender's ban looked up). Latency is send -> stored and
answered; CPU is this process's (chat-svc and the stand-in together) per message. The baseline,
in the same run: the store alone, each message written with its own BatchWriteItem, as the send
path before issue 13 wrote it (that path also made four more DynamoDB calls a message). A rate
is held when p99 stays far below the step: the highest one held here is the figure to quote.

${report.join('\n')}

Machine:
${machine.join('\n')}
- Date: ${new Date().toISOString()}
`,
    );
    console.log('  wrote docs/benchmarks.md (section chat-ingest)');
  }
}
