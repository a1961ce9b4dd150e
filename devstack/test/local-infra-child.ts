// Runs startLocalInfra (what `npm start` runs in its own process) on free ports, for
// stack.int.test.ts: jest cannot load fauxqs (ESM only), tsx can. Prints one JSON line with this
// process's pid, each server's socket address and the endpoints; stops when stdin closes.
import { PORTS, startLocalInfra } from '../src/cli/stack';

async function main(): Promise<void> {
  const host = process.argv[2] || undefined;
  const ports = Object.fromEntries(Object.keys(PORTS).map((k) => [k, 0])) as Record<
    keyof typeof PORTS,
    number
  >;
  const infra = await startLocalInfra({ gatewayUrl: 'http://127.0.0.1:9', ports, host });
  const servers = infra.servers.map((s) => ({ name: s.name, address: s.address() }));
  process.stdout.write(`${JSON.stringify({ pid: process.pid, servers, endpoints: infra.endpoints })}\n`);
  process.stdin.on('end', () => {
    void infra.close().then(() => process.exit(0));
  });
  process.stdin.resume();
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
