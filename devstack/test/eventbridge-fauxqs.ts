// Runs fauxqs (our local SQS) for the EventBridge tests in a child Node process.
//
// Why a child: fauxqs is ESM-only and exports no "require" condition, and the workspace jest
// config runs CommonJS without --experimental-vm-modules, so neither jest's require nor a
// dynamic import inside the test sandbox can load it. The child runs on the same Node binary
// (>= 22.5 is required) and reports its address on stdout. It exits when its stdin closes, so
// it cannot outlive a crashed jest worker.

import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

export interface FauxqsProcess {
  /** Base URL for SQS clients, e.g. http://127.0.0.1:PORT */
  address: string;
  stop(): Promise<void>;
}

// fauxqs' startFauxqs listens on 0.0.0.0 whatever it is told: build its app and listen on the
// loopback only, as `npm start` does.
const BOOTSTRAP = `
const { buildApp } = await import('fauxqs');
const app = buildApp({ logger: false });
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(JSON.stringify({ address: 'http://127.0.0.1:' + app.server.address().port }) + '\\n');
process.stdin.on('end', async () => { await app.close(); process.exit(0); });
process.stdin.resume();
`;

export async function startFauxqsProcess(timeoutMs = 15000): Promise<FauxqsProcess> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', BOOTSTRAP], {
    // Bare 'fauxqs' resolves from here: it is a devstack dependency.
    cwd: resolve(__dirname, '..'),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const address = await new Promise<string>((ok, fail) => {
    let out = '';
    let err = '';
    const timer = setTimeout(
      () => fail(new Error(`fauxqs did not start in ${timeoutMs} ms: ${err}`)),
      timeoutMs,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) {
        clearTimeout(timer);
        try {
          ok((JSON.parse(line) as { address: string }).address);
        } catch {
          fail(new Error(`unexpected fauxqs output: ${line}`));
        }
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`fauxqs exited with ${code}: ${err}`));
    });
  });
  return { address, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.stdin?.end();
  });
}
