/**
 * Bus benchmark: send -> handle -> ack throughput through the onair bus (RabbitBus) on
 * RabbitMQ, against a raw amqplib baseline doing the same work with nothing on top.
 *
 * Both sides use two connections (a producer and a consumer), a direct exchange routing to a
 * durable quorum queue, persistent messages of the same size, publisher confirms with the same
 * number of sends in flight (a sliding window), the same prefetch, and manual acks. Runs
 * alternate (bus, raw, bus, raw, …) after a warm-up so that noise from other users of the
 * broker hits both alike; the median of each is reported.
 *
 * Everything it declares lives under a fresh namespace and is deleted at the end.
 */
import { randomUUID } from 'node:crypto';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { contracts, type Envelope, makeEnvelope, SystemPing } from '@onair/contracts';
import { RabbitBus } from '@onair/runtime/src/bus/rabbitmq';
import type { MessageHandler } from '@onair/runtime/src/bus/types';
import * as amqp from 'amqplib';
import {
  fmtInt,
  listQueuesWithPrefix,
  machineInfo,
  machineLines,
  median,
  rabbitmqctlVersion,
  writeSection,
} from './lib/report';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export interface BusBenchOptions {
  /** Messages per measured run. */
  messages?: number;
  /** Measured runs of each implementation. */
  runs?: number;
  /** Sends in flight at once (awaiting their publisher confirm). */
  window?: number;
  /** Consumer prefetch (the bus's `concurrency`). */
  prefetch?: number;
  /** Messages per warm-up run (one of each implementation). */
  warmup?: number;
  /** Give up on one run after this long (it is then reported as capped). */
  runCapMs?: number;
  /** Skip the remaining runs once the whole benchmark has taken this long. */
  totalCapMs?: number;
  /** CPU-profile the process during bus and raw runs and print where the time goes; writes no docs. */
  profile?: boolean;
  /**
   * Diagnose which side costs: also run bus producer -> raw consumer and raw producer -> bus
   * consumer, alternating with the pure runs; writes no docs.
   */
  mixed?: boolean;
  /** Write docs/benchmarks.md (default: yes unless profiling). */
  writeDocs?: boolean;
}

const TARGET = 'bench';
const RAW_TARGET = 'rawq';
const CONTENT_TYPE = 'application/cloudevents+json';

type Impl = 'bus' | 'raw' | 'bus->raw' | 'raw->bus';

interface RunResult {
  impl: Impl;
  label: string;
  messages: number;
  handled: number;
  ms: number;
  rate: number;
  /** CPU time of this Node process (user + system, both sides) per handled message. */
  cpuUsPerMsg: number;
  capped: boolean;
}

/** Counts the handled messages of the current run (older runs' stragglers are ignored). */
class Sink {
  private tag = '';
  private left = 0;
  private done?: (t: number) => void;
  handled = 0;

  expect(tag: string, n: number): Promise<number> {
    this.tag = tag;
    this.left = n;
    this.handled = 0;
    return new Promise((resolve) => {
      this.done = resolve;
    });
  }

  hit(tag: string | undefined): void {
    if (tag !== this.tag || this.left === 0) return;
    this.handled++;
    this.left--;
    if (this.left === 0) this.done?.(performance.now());
  }
}

/** Run `fn(0..n-1)` keeping `window` calls in flight (a sliding window, not batches). */
async function windowed(
  n: number,
  window: number,
  deadline: number,
  fn: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < n && performance.now() < deadline) {
      const i = next++;
      await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, n) }, lane));
}

function sleep(ms: number): Promise<'timeout'> {
  return new Promise((resolve) => setTimeout(() => resolve('timeout'), ms).unref());
}

/** Envelopes of one run, built before the clock starts; `tag` (fixed width) names the run. */
function pings(n: number, tag: string): Envelope[] {
  const sentAt = new Date().toISOString();
  return Array.from({ length: n }, () =>
    makeEnvelope({ type: SystemPing.type, source: 'bench-producer', data: { service: tag, sentAt } }),
  );
}

export async function runBusBenchmark(opts: BusBenchOptions = {}): Promise<void> {
  const N = opts.messages ?? Number(process.env.BENCH_BUS_MESSAGES ?? 20_000);
  const RUNS = opts.runs ?? Number(process.env.BENCH_BUS_RUNS ?? 3);
  const WINDOW = opts.window ?? 500;
  const PREFETCH = opts.prefetch ?? 100;
  const WARMUP = opts.warmup ?? 3_000;
  const RUN_CAP_MS = opts.runCapMs ?? 25_000;
  const TOTAL_CAP_MS = opts.totalCapMs ?? 90_000;
  const profile = opts.profile ?? false;
  const mixed = opts.mixed ?? false;
  const writeDocs = opts.writeDocs ?? !(profile || mixed);
  const began = performance.now();

  const ns = `bench-${randomUUID().slice(0, 8)}`;
  const retryDelaysMs = [1000];
  const rawExchange = `${ns}.raw`;
  const rawQueue = `${ns}.raw.commands`;
  const busQueue = `${ns}.${TARGET}.commands`;
  const queues = [
    busQueue,
    `${busQueue}.dlq`,
    ...retryDelaysMs.map((ms) => `${busQueue}.retry.${ms}`),
    rawQueue,
  ];
  const exchanges = [`${ns}.commands`, `${ns}.events`, rawExchange];

  console.log(
    `namespace ${ns}; ${N} messages per run, ${RUNS} runs each, window ${WINDOW}, prefetch ${PREFETCH}`,
  );

  const closers: Array<() => Promise<unknown>> = [];
  let cleaned = false;
  const cleanup = async (): Promise<void> => {
    if (cleaned) return;
    cleaned = true;
    for (const c of closers.reverse()) await c().catch(() => {});
    await deleteTopology(ns, queues, exchanges);
  };
  const onSignal = () => {
    console.error('\ninterrupted; deleting the benchmark queues…');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    // --- the bus: one producer bus, one consumer bus ------------------------------------
    const busSink = new Sink();
    const consumer = new RabbitBus(AMQP_URL, {
      namespace: ns,
      service: 'bench-consumer',
      registry: contracts,
      retryDelaysMs,
    });
    closers.push(() => consumer.close());
    await consumer.start();
    const handler: MessageHandler = async (msg) => {
      busSink.hit((msg.data as { service?: string }).service);
    };
    await consumer.consumeCommands(TARGET, handler, { concurrency: PREFETCH });
    const producer = new RabbitBus(AMQP_URL, {
      namespace: ns,
      service: 'bench-producer',
      registry: contracts,
      retryDelaysMs,
    });
    closers.push(() => producer.close());
    await producer.start();

    const sample = pings(1, 'warmup')[0];
    const body = Buffer.from(JSON.stringify(sample));
    const messageBytes = body.byteLength;

    // --- raw amqplib: same shape, nothing on top ------------------------------------------
    const rawSink = new Sink();
    const rawPubConn = await amqp.connect(AMQP_URL);
    closers.push(() => rawPubConn.close());
    const rawPub = await rawPubConn.createConfirmChannel();
    await rawPub.assertExchange(rawExchange, 'direct', { durable: true });
    const rawConsConn = await amqp.connect(AMQP_URL);
    closers.push(() => rawConsConn.close());
    const rawCons = await rawConsConn.createChannel();
    await rawCons.assertQueue(rawQueue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await rawCons.bindQueue(rawQueue, rawExchange, TARGET);
    // For --mixed: the bus producer reaches the raw queue through the bus's command exchange.
    await rawCons.bindQueue(rawQueue, `${ns}.commands`, RAW_TARGET);
    await rawCons.prefetch(PREFETCH);
    await rawCons.consume(rawQueue, (m) => {
      if (!m) return;
      rawCons.ack(m);
      rawSink.hit((m.properties.correlationId as string | undefined) ?? `rk:${m.fields.routingKey}`);
    });
    const rabbitmq =
      (await rabbitmqctlVersion()) ??
      (String(rawPubConn.connection.serverProperties.version ?? '') || undefined);

    const runBus = async (n: number, tag: string): Promise<RunResult> => {
      const envs = pings(n, tag);
      const done = busSink.expect(tag, n);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const deadline = t0 + RUN_CAP_MS;
      const sent = windowed(n, WINDOW, deadline, (i) => producer.send(envs[i], { to: TARGET }));
      const end = await Promise.race([done, sleep(RUN_CAP_MS)]);
      await sent;
      return result('bus', tag, n, busSink.handled, t0, end, process.cpuUsage(cpu0));
    };

    const runRaw = async (n: number, tag: string): Promise<RunResult> => {
      const ids = Array.from({ length: n }, () => randomUUID());
      const done = rawSink.expect(tag, n);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const deadline = t0 + RUN_CAP_MS;
      const sent = windowed(
        n,
        WINDOW,
        deadline,
        (i) =>
          new Promise<void>((resolve, reject) => {
            rawPub.publish(
              rawExchange,
              TARGET,
              body,
              {
                persistent: true,
                contentType: CONTENT_TYPE,
                messageId: ids[i],
                type: SystemPing.type,
                correlationId: tag,
              },
              (err) => (err ? reject(err) : resolve()),
            );
          }),
      );
      const end = await Promise.race([done, sleep(RUN_CAP_MS)]);
      await sent;
      return result('raw', tag, n, rawSink.handled, t0, end, process.cpuUsage(cpu0));
    };

    // --mixed only: one side is the bus, the other raw amqplib.
    const runBusToRaw = async (n: number): Promise<RunResult> => {
      const envs = pings(n, 'mixed');
      const tag = `rk:${RAW_TARGET}`;
      const done = rawSink.expect(tag, n);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const sent = windowed(n, WINDOW, t0 + RUN_CAP_MS, (i) => producer.send(envs[i], { to: RAW_TARGET }));
      const end = await Promise.race([done, sleep(RUN_CAP_MS)]);
      await sent;
      return result('bus->raw', tag, n, rawSink.handled, t0, end, process.cpuUsage(cpu0));
    };
    const runRawToBus = async (n: number, tag: string): Promise<RunResult> => {
      // Unique ids (the bus consumer skips ids it has seen), serialized before the clock starts.
      const bodies = pings(n, tag).map((e) => Buffer.from(JSON.stringify(e)));
      const done = busSink.expect(tag, n);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const sent = windowed(
        n,
        WINDOW,
        t0 + RUN_CAP_MS,
        (i) =>
          new Promise<void>((resolve, reject) => {
            rawPub.publish(
              `${ns}.commands`,
              TARGET,
              bodies[i],
              { persistent: true, contentType: CONTENT_TYPE, type: SystemPing.type },
              (err) => (err ? reject(err) : resolve()),
            );
          }),
      );
      const end = await Promise.race([done, sleep(RUN_CAP_MS)]);
      await sent;
      return result('raw->bus', tag, n, busSink.handled, t0, end, process.cpuUsage(cpu0));
    };

    const run = (impl: Impl, n: number, tag: string): Promise<RunResult> => {
      if (impl === 'bus') return runBus(n, tag);
      if (impl === 'raw') return runRaw(n, tag);
      if (impl === 'bus->raw') return runBusToRaw(n);
      return runRawToBus(n, tag);
    };

    // Warm-up: JIT, connections, queue leaders.
    for (const impl of ['bus', 'raw'] as const) {
      const r = await run(impl, WARMUP, `warm-${impl}`);
      console.log(`  warm-up ${impl}: ${fmtInt(r.rate)} msg/s`);
    }

    if (profile) {
      await profileRuns(run, N);
      return;
    }

    const results: RunResult[] = [];
    const impls: Impl[] = mixed ? ['bus', 'raw', 'bus->raw', 'raw->bus'] : ['bus', 'raw'];
    for (let k = 1; k <= RUNS; k++) {
      for (const impl of impls) {
        if (performance.now() - began > TOTAL_CAP_MS) {
          console.log(`  time cap (${TOTAL_CAP_MS} ms) reached; skipping the remaining runs`);
          break;
        }
        const r = await run(impl, N, `${impl}-run-${k}`);
        results.push(r);
        console.log(
          `  ${impl} run ${k}: ${fmtInt(r.rate)} msg/s (${r.handled}/${r.messages} in ${fmtInt(r.ms)} ms, ${r.cpuUsPerMsg.toFixed(1)} µs Node CPU/msg${r.capped ? ', CAPPED' : ''})`,
        );
      }
    }

    const rates = (impl: Impl) => results.filter((r) => r.impl === impl).map((r) => r.rate);
    const busMedian = median(rates('bus'));
    const rawMedian = median(rates('raw'));
    const ratio = busMedian / rawMedian;
    const cpu = (impl: Impl) => median(results.filter((r) => r.impl === impl).map((r) => r.cpuUsPerMsg));
    const busCpu = cpu('bus');
    const rawCpu = cpu('raw');
    console.log(
      `\n  median bus ${fmtInt(busMedian)} msg/s, raw ${fmtInt(rawMedian)} msg/s, bus/raw ${(ratio * 100).toFixed(1)}% (target >= 70%)`,
    );
    // Each bus run against the raw run right after it: cancels slow drift of the machine's load.
    const busRates = rates('bus');
    const rawRates = rates('raw');
    const pairedRatio = median(busRates.slice(0, rawRates.length).map((b, i) => b / rawRates[i]));
    console.log(
      `  median of paired ratios (bus run k / raw run k): ${(pairedRatio * 100).toFixed(1)}%\n` +
        `  Node CPU per message (median): bus ${busCpu.toFixed(1)} µs, raw ${rawCpu.toFixed(1)} µs`,
    );
    if (mixed) {
      for (const impl of ['bus->raw', 'raw->bus'] as const) {
        console.log(
          `  ${impl} (producer->consumer): median ${fmtInt(median(rates(impl)))} msg/s, ` +
            `${((median(rates(impl)) / rawMedian) * 100).toFixed(1)}% of raw, CPU ${cpu(impl).toFixed(1)} µs/msg`,
        );
      }
    }

    if (writeDocs) {
      const machine = await machineInfo({ rabbitmq });
      writeSection(
        'bus',
        renderSection({
          results,
          busMedian,
          rawMedian,
          ratio,
          pairedRatio,
          busCpu,
          rawCpu,
          N,
          WINDOW,
          PREFETCH,
          messageBytes,
          WARMUP,
          lines: machineLines(machine),
        }),
      );
      console.log('  wrote docs/benchmarks.md (section bus)');
    }
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function result(
  impl: Impl,
  label: string,
  n: number,
  handled: number,
  t0: number,
  end: number | 'timeout',
  cpu: NodeJS.CpuUsage,
): RunResult {
  const capped = end === 'timeout';
  const ms = (capped ? performance.now() : end) - t0;
  const cpuUsPerMsg = (cpu.user + cpu.system) / Math.max(handled, 1);
  return { impl, label, messages: n, handled, ms, rate: handled / (ms / 1000), cpuUsPerMsg, capped };
}

function renderSection(r: {
  results: RunResult[];
  busMedian: number;
  rawMedian: number;
  ratio: number;
  pairedRatio: number;
  busCpu: number;
  rawCpu: number;
  N: number;
  WINDOW: number;
  PREFETCH: number;
  messageBytes: number;
  WARMUP: number;
  lines: string[];
}): string {
  const per = (impl: Impl) => r.results.filter((x) => x.impl === impl);
  const runs = (impl: Impl) =>
    per(impl)
      .map((x) => fmtInt(x.rate) + (x.capped ? ' (capped)' : ''))
      .join(', ');
  const verdict = r.ratio >= 0.7 ? 'meets' : 'misses';
  return `## Bus: send -> handle -> ack on RabbitMQ

One producer sends ${fmtInt(r.N)} \`onair.system.ping.v1\` commands with ${r.WINDOW} sends in flight
(a sliding window of publisher confirms); one consumer with prefetch ${r.PREFETCH} handles and acks
them. Time from the first send to the last message handled. \`raw amqplib\` does the same on a
ConfirmChannel with the same kind of queue (durable quorum queue behind a direct exchange), the same
message size (one serialized envelope), window, prefetch, persistent messages and manual acks,
and nothing else (no contract validation, no JSON parse, no dedupe, no logger). Runs alternate
(bus, raw, …) after a warm-up of ${fmtInt(r.WARMUP)} messages each; the median is reported.

| implementation | msg/s (median) | runs (msg/s) | message bytes | window | prefetch | Node CPU µs/msg (median) |
|---|---:|---|---:|---:|---:|---:|
| onair bus (\`RabbitBus\`) | ${fmtInt(r.busMedian)} | ${runs('bus')} | ${r.messageBytes} | ${r.WINDOW} | ${r.PREFETCH} | ${r.busCpu.toFixed(1)} |
| raw amqplib | ${fmtInt(r.rawMedian)} | ${runs('raw')} | ${r.messageBytes} | ${r.WINDOW} | ${r.PREFETCH} | ${r.rawCpu.toFixed(1)} |

**bus / raw = ${(r.ratio * 100).toFixed(1)}%** (ratio of the medians; target: at least 70%; this run ${verdict} it).
Median of the paired ratios (bus run k / raw run k, which cancels slow drift in the machine's
load): ${(r.pairedRatio * 100).toFixed(1)}%.

"Node CPU µs/msg" is the benchmark process's user + system CPU time (producer and consumer
together) divided by the messages handled: the bus's own cost per message shows there even while
the broker, not Node, sets the pace. Producer and consumer share one Node process and RabbitMQ
(which other test suites may be using at the same time) runs on the same machine, so absolute
figures are noisy; the ratio and the CPU difference are the figures to watch.

Machine:
${r.lines.join('\n')}
- Date: ${new Date().toISOString()}

Reproduce: \`npm run bench -- bus\` (\`AMQP_URL\` to point elsewhere; \`npm run bench -- bus --profile\`
prints where the CPU time goes instead of writing this section).`;
}

/** Delete the benchmark's queues and exchanges (plus any other queue under the namespace). */
async function deleteTopology(ns: string, queues: string[], exchanges: string[]): Promise<void> {
  const conn = await amqp.connect(AMQP_URL);
  conn.on('error', () => {});
  let ch = await conn.createChannel();
  const attempt = async (f: (c: amqp.Channel) => Promise<unknown>) => {
    try {
      await f(ch);
    } catch {
      ch = await conn.createChannel(); // a channel error closes the channel
    }
  };
  try {
    const extra = await listQueuesWithPrefix(`${ns}.`);
    for (const q of new Set([...queues, ...extra])) await attempt((c) => c.deleteQueue(q));
    for (const x of exchanges) await attempt((c) => c.deleteExchange(x));
    const left = await listQueuesWithPrefix(`${ns}.`);
    if (left.length > 0) console.warn(`  could not delete: ${left.join(', ')}`);
    else console.log(`  deleted ${ns}.* (queues and exchanges)`);
  } finally {
    await conn.close().catch(() => {});
  }
}

// --- profiling ------------------------------------------------------------------------------

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** CPU-profile two bus runs and two raw runs and print self time by function and by package. */
async function profileRuns(
  run: (impl: Impl, n: number, tag: string) => Promise<RunResult>,
  n: number,
): Promise<void> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  for (const impl of ['bus', 'raw'] as const) {
    await session.post('Profiler.start');
    const t0 = performance.now();
    let handled = 0;
    for (let k = 0; k < 2; k++) handled += (await run(impl, n, `${impl}-prof-${k}`)).handled;
    const wall = performance.now() - t0;
    const { profile } = (await session.post('Profiler.stop')) as unknown as {
      profile: {
        nodes: ProfileNode[];
        samples: number[];
        timeDeltas: number[];
        startTime: number;
        endTime: number;
      };
    };
    summarize(impl, profile, handled, wall);
  }
  session.disconnect();
}

function summarize(
  impl: Impl,
  profile: { nodes: ProfileNode[]; startTime: number; endTime: number },
  handled: number,
  wallMs: number,
): void {
  const total = profile.nodes.reduce((s, x) => s + (x.hitCount ?? 0), 0);
  const usPerHit = (profile.endTime - profile.startTime) / Math.max(total, 1);
  const byFn = new Map<string, number>();
  const byPkg = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (!hits) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '');
    // Positions in tsx-transpiled .ts files do not match the source: name the file only.
    const where = file.endsWith('.ts')
      ? file.replace(/^.*\/work\/main\//, '')
      : file
        ? `${file}:${lineNumber + 1}`
        : '';
    const fn = `${functionName || '(anonymous)'} ${where}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + hits);
    byPkg.set(pkgOf(url, functionName), (byPkg.get(pkgOf(url, functionName)) ?? 0) + hits);
  }
  const busy = total - (byPkg.get('(idle)') ?? 0);
  console.log(
    `\n--- ${impl}: ${handled} messages in ${fmtInt(wallMs)} ms; CPU busy ${((busy / total) * 100).toFixed(0)}% of the samples; ` +
      `${((busy * usPerHit) / handled).toFixed(1)} µs of JS-thread CPU per message`,
  );
  const show = (title: string, m: Map<string, number>, top: number) => {
    console.log(`  ${title}:`);
    for (const [k, hits] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      const us = (hits * usPerHit) / handled;
      console.log(
        `    ${((hits / total) * 100).toFixed(1).padStart(5)}%  ${us.toFixed(2).padStart(6)} µs/msg  ${k}`,
      );
    }
  };
  show('self time by package / area', byPkg, 14);
  show('self time by function', byFn, 30);
}

function pkgOf(url: string, fn: string): string {
  if (!url) return fn === '(idle)' ? '(idle)' : fn === '(garbage collector)' ? '(gc)' : `(${fn || 'native'})`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const nm = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (nm) return nm[1];
  const m = url.match(/\/work\/main\/(libs\/[^/]+\/src\/(?:[^/]+\/)?[^/]+|bench\/src\/[^/]+)/);
  return m ? m[1] : url;
}
