/**
 * Entry of `npm run bench`. Runs every benchmark, or only the ones named:
 *   npm run bench                 # all
 *   npm run bench -- bus          # just the bus one
 *   npm run bench -- bus --profile   # where the CPU time goes (writes no docs)
 *   npm run bench -- bus --mixed     # also bus->raw and raw->bus runs (writes no docs)
 * Flags (`--…`) are passed to each benchmark. Add a benchmark by adding an entry below.
 */
import { runBusBenchmark } from './bus';
import { runChatFanoutBenchmark } from './chat-fanout';
import { runChatIngestBenchmark } from './chat-ingest';

interface Benchmark {
  description: string;
  run(flags: string[]): Promise<void>;
}

const BENCHMARKS: Record<string, Benchmark> = {
  bus: {
    description: 'send -> handle -> ack through the onair bus on RabbitMQ, against raw amqplib',
    run: (flags) =>
      runBusBenchmark({ profile: flags.includes('--profile'), mixed: flags.includes('--mixed') }),
  },
  'chat-fanout': {
    description:
      'native chat fanout through the whole stack (gateway CPU, latency, idle memory) against raw ws',
    run: (flags) =>
      runChatFanoutBenchmark({
        profile: flags.includes('--profile'),
        rawString: flags.includes('--raw-string'),
        noDelay: flags.includes('--nodelay'),
      }),
  },
  'chat-ingest': {
    description:
      "chat-svc's half of a message alone (ownership, sequence, group commit), against its store alone",
    run: () => runChatIngestBenchmark(),
  },
};

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flags = args.filter((a) => a.startsWith('--'));
  const names = args.filter((a) => !a.startsWith('--'));
  if (flags.includes('--help')) {
    console.log('usage: npm run bench -- [name…] [--profile] [--mixed]\n');
    for (const [name, b] of Object.entries(BENCHMARKS)) console.log(`  ${name.padEnd(14)} ${b.description}`);
    return;
  }
  const unknown = names.filter((n) => !(n in BENCHMARKS));
  if (unknown.length > 0) {
    throw new Error(
      `unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`,
    );
  }
  for (const name of names.length > 0 ? names : Object.keys(BENCHMARKS)) {
    console.log(`\n== ${name}: ${BENCHMARKS[name].description}`);
    await BENCHMARKS[name].run(flags);
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
