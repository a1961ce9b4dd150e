// The production image's build, without Docker: the same build the Dockerfile runs
// (`npm run build` = buildServices) compiles every service, and one of them (fanout-svc: it
// needs only the bus and its table) starts from the compiled file with plain `node`, answers
// /readyz, and shuts down cleanly on SIGTERM sent to that node process.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AMQP_URL, freePort, requireRabbit, startDynalite, waitFor } from '../../test/support';
import { buildServices, ROOT, SERVICES } from './build';

jest.setTimeout(60_000);

let outdir: string;
let files: string[];
beforeAll(async () => {
  await requireRabbit();
  // Inside the repository, as dist/ sits next to node_modules in the image: node resolves the
  // npm packages the bundles leave external from there.
  mkdirSync(join(ROOT, '.onair'), { recursive: true });
  outdir = mkdtempSync(join(ROOT, '.onair', 'dist-'));
  files = await buildServices(outdir);
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

it('compiles one self-contained entry per service: workspace code inlined, npm packages required', () => {
  expect(files.map((f) => f.slice(outdir.length + 1))).toEqual([
    ...SERVICES.map((s) => join(s, 'main.js')),
    join('console', 'index.html'),
  ]);
  for (const f of files.filter((x) => x.endsWith('.js'))) {
    const js = readFileSync(f, 'utf8');
    expect(js).not.toMatch(/require\(["']@onair\//); // bundled, not resolved at run time
    expect(js).not.toMatch(/require\(["'][^"']*\.ts["']\)/);
    expect(js).toMatch(/require\(["']@aws-sdk\/client-dynamodb["']\)/); // left to node_modules
  }
});

it('builds the web console beside the gateway, where the compiled gateway looks for it', () => {
  const html = readFileSync(join(outdir, 'console', 'index.html'), 'utf8');
  const assets = [...html.matchAll(/\/console\/(assets\/[^"']+)/g)].map((m) => m[1]);
  expect(assets).toHaveLength(2); // the script and the stylesheet
  for (const a of assets) expect(existsSync(join(outdir, 'console', a))).toBe(true);
  // dist/gateway/main.js resolves its default console folder to dist/console.
  expect(readFileSync(join(outdir, 'gateway', 'main.js'), 'utf8')).toContain('"../console"');
});

it('starts fanout-svc from dist with plain node: /readyz answers, SIGTERM ends it with exit 0', async () => {
  const dynamo = await startDynalite();
  const port = await freePort();
  let child: ChildProcess | undefined;
  let output = '';
  try {
    child = spawn(process.execPath, [join(outdir, 'fanout-svc', 'main.js')], {
      cwd: join(__dirname, '..', '..'),
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        PORT: String(port),
        HOST: '127.0.0.1',
        AMQP_URL,
        BUS_NAMESPACE: `imgtest-${process.pid}`,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        TABLE_NAME: `imgtest-fanout-${process.pid}`,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d) => {
      output += String(d);
    });
    child.stderr?.on('data', (d) => {
      output += String(d);
    });
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    const ready = await waitFor(
      async () => {
        const r = await fetch(`http://127.0.0.1:${port}/readyz`);
        return r.ok ? ((await r.json()) as { status: string; service: string }) : undefined;
      },
      { timeoutMs: 30_000, what: 'fanout-svc /readyz' },
    ).catch((e: Error) => {
      throw new Error(`${e.message}\n--- its output:\n${output.slice(-2000)}`);
    });
    expect(ready).toMatchObject({ status: 'ready', service: 'fanout-svc' });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('shutting down');
    child = undefined;
  } finally {
    child?.kill('SIGKILL');
    await dynamo.close();
  }
});
