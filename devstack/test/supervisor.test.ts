import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { waitFor } from '../../test/support';
import {
  type Crash,
  RestartBackoff,
  restartDelay,
  Supervisor,
  type SupervisorOptions,
} from '../src/cli/supervisor';
import { isRunning } from './listening';

// The supervision `npm start` does for each service (devstack/src/cli/supervisor.ts): the backoff
// policy, and a Supervisor driving small real processes (node -e scripts).

describe('restart backoff', () => {
  it('starts at 0.5 s and doubles per crash in a row up to 10 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((n) => restartDelay(n))).toEqual([
      500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000,
    ]);
    expect(restartDelay(0)).toBe(500);
  });

  it('follows a policy it is given', () => {
    const policy = { initialMs: 100, maxMs: 250, resetAfterMs: 1000 };
    expect([1, 2, 3, 4].map((n) => restartDelay(n, policy))).toEqual([100, 200, 250, 250]);
  });

  it('counts crashes in a row; a run that stayed up long enough starts over', () => {
    const b = new RestartBackoff({ initialMs: 500, maxMs: 10_000, resetAfterMs: 30_000 });
    expect([b.next(100), b.next(2000), b.next(29_999)]).toEqual([500, 1000, 2000]);
    expect(b.next(30_000)).toBe(500);
    expect(b.next(10)).toBe(1000);
  });
});

describe('Supervisor', () => {
  const node = (script: string, lines: string[] = [], more: Partial<SupervisorOptions> = {}) =>
    new Supervisor({
      name: 'test',
      command: process.execPath,
      args: ['-e', script],
      cwd: process.cwd(),
      env: process.env,
      onLine: (l) => lines.push(l),
      onCrash: () => 'restart',
      backoff: { initialMs: 20, maxMs: 80, resetAfterMs: 60_000 },
      ...more,
    });
  const running: Supervisor[] = [];
  afterEach(() => {
    for (const s of running.splice(0)) s.killNow();
  });

  it('restarts a process that exits unasked, with growing delays, until stopped', async () => {
    const crashes: Crash[] = [];
    const s = node('console.log("up"); setTimeout(() => process.exit(3), 30)', [], {
      onCrash: (c) => {
        crashes.push(c);
        return 'restart';
      },
    });
    running.push(s);
    s.start();
    await waitFor(() => crashes.length >= 3, { what: 'three crashes', timeoutMs: 10_000 });
    expect(crashes.slice(0, 3).map((c) => [c.code, c.signal, c.restart, c.delayMs])).toEqual([
      [3, null, 1, 20],
      [3, null, 2, 40],
      [3, null, 3, 80],
    ]);
    expect(crashes[0].lastLines).toEqual(['up']);
    const seen = crashes.length;
    await s.stop(5000);
    expect(s.pid).toBeUndefined();
    // The run a stop ends is no crash.
    expect(crashes.length).toBe(seen);
  });

  it('stop sends SIGTERM, and whatever the process started in its group goes with it', async () => {
    const lines: string[] = [];
    // The child starts a grandchild that would run forever (deaf to SIGTERM, it says so once it
    // is), then exits 0 on SIGTERM without stopping it: only the SIGKILL sweep after an exit
    // ends it.
    const s = node(
      [
        'const { spawn } = require("node:child_process");',
        "const deaf = \"process.on('SIGTERM', () => {}); console.log('grandchild ' + process.pid); setInterval(() => {}, 1000)\";",
        'spawn(process.execPath, ["-e", deaf], { stdio: ["ignore", "inherit", "ignore"] });',
        'process.on("SIGTERM", () => { console.log("got SIGTERM"); process.exit(0); });',
        'setInterval(() => {}, 1000);',
      ].join('\n'),
      lines,
    );
    running.push(s);
    s.start();
    const grandchild = Number(
      (await waitFor(() => lines.map((l) => /^grandchild (\d+)$/.exec(l)).find(Boolean)))[1],
    );
    expect(isRunning(grandchild)).toBe(true);
    const stopped = await s.stop(5000);
    expect(stopped).toEqual({ code: 0, signal: null, notRunning: false, killed: false });
    expect(lines).toContain('got SIGTERM');
    await waitFor(() => !isRunning(grandchild), { what: `grandchild ${grandchild} to be gone` });
  });

  it('kills a process that does not stop within the timeout', async () => {
    const lines: string[] = [];
    const s = node(
      'process.on("SIGTERM", () => console.log("ignoring SIGTERM")); setInterval(() => {}, 1000); console.log("up")',
      lines,
    );
    running.push(s);
    s.start();
    await waitFor(() => lines.includes('up'));
    const stopped = await s.stop(300);
    expect(stopped).toMatchObject({ signal: 'SIGKILL', killed: true });
    expect(lines).toContain('ignoring SIGTERM');
  });

  it('a give-up leaves it stopped, and says what the run printed last', async () => {
    const crashes: Crash[] = [];
    let starts = 0;
    const s = node('console.error("EADDRINUSE: address already in use"); process.exit(1)', [], {
      onStart: () => {
        starts++;
      },
      onCrash: (c) => {
        crashes.push(c);
        return 'give-up';
      },
    });
    running.push(s);
    s.start();
    await waitFor(() => crashes.length === 1, { what: 'the crash' });
    expect(crashes[0]).toMatchObject({
      code: 1,
      restart: 1,
      lastLines: ['EADDRINUSE: address already in use'],
    });
    expect(s.pid).toBeUndefined();
    expect(starts).toBe(1);
    expect(await s.stop(1000)).toMatchObject({ notRunning: true });
  });
});

describe('exit-with-parent (preloaded into every service)', () => {
  it('stops the process (SIGTERM) when its stdin pipe closes, as it does when the CLI is killed', async () => {
    const preload = pathToFileURL(resolve(__dirname, '../src/cli/exit-with-parent.ts')).href;
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        preload,
        '-e',
        'process.on("SIGTERM", () => { console.log("got SIGTERM"); process.exit(0); }); console.log("up"); setInterval(() => {}, 1000);',
      ],
      { cwd: resolve(__dirname, '../..'), stdio: ['pipe', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await waitFor(() => out.includes('up'), { what: 'the child to start', timeoutMs: 20_000 });
      child.stdin?.end();
      expect(await exited).toBe(0);
      expect(out).toContain('got SIGTERM');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
