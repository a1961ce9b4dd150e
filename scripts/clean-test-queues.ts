// Deletes the RabbitMQ queues test runs leave behind on the machine's broker (each test uses a
// namespace of its own: `t-…`, `stack-…`, `start-…`; a crashed or killed run cannot delete its
// queues). Left alone they pile up run after run, and a broker with thousands of quorum queues
// slows down until AMQP handshakes hang. scripts/test.sh runs this before and after the suite.
// Only queues of the test namespaces below with no consumer are deleted; `onair` (npm start's
// default namespace) and anything else is never touched. Needs `rabbitmqctl`; without it, or
// without a broker, it says so and exits 0 (cleaning is a courtesy, not a test).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import amqp from 'amqplib';

const TEST_NAMESPACES = /^(t|outage|supervise|start|stack|imgtest|probe|bench|benchchat)-/;
const url = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

async function main(): Promise<void> {
  const { stdout } = await promisify(execFile)('rabbitmqctl', ['list_queues', '-q', 'name', 'consumers'], {
    timeout: 60_000,
  });
  const idle = stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([name, consumers]) => name && TEST_NAMESPACES.test(name) && consumers === '0')
    .map(([name]) => name);
  if (!idle.length) return;
  const conn = await amqp.connect(url);
  let ch = await conn.createChannel();
  let deleted = 0;
  for (const name of idle) {
    try {
      await ch.deleteQueue(name);
      deleted++;
    } catch {
      ch = await conn.createChannel(); // a failed delete closes the channel
    }
  }
  await conn.close();
  console.log(`clean-test-queues: deleted ${deleted} leftover test queues`);
}

main().catch((e: Error) => {
  console.log(`clean-test-queues: skipped (${e.message.split('\n')[0]})`);
});
