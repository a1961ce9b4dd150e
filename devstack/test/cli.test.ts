import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { resolve } from 'node:path';
import { jwtVerify } from 'jose';
import { pickStackNumber } from '../../test/support/stack-process';
import { DEV_JWT_SECRET } from '@onair/runtime';
import { stackPorts } from '../src/cli/ports';

// The CLIs as a newcomer meets them, run through tsx with pipes (no terminal): --help and
// mistakes print the usage instead of a stack trace, a token is printed alone when captured, and
// a taken port is named.
jest.setTimeout(60_000);

const root = resolve(__dirname, '../..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((ok, fail) => {
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.once('error', fail);
    child.once('close', (code) => ok({ code, stdout, stderr }));
  });
}

const cli = (script: 'start' | 'token', ...args: string[]) =>
  run(process.execPath, [require.resolve('tsx/cli'), `devstack/src/cli/${script}.ts`, ...args], {
    JWT_SECRET: DEV_JWT_SECRET,
  });

/** A stack trace line: what a newcomer must never see for a usage mistake. */
const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;

describe('npm start --', () => {
  it('--help prints every option with its default and exits 0', async () => {
    const r = await cli('start', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: npm start -- \[options\]/);
    expect(r.stdout).toMatch(/--port-offset N .*\(default: 0\)/);
    expect(r.stdout).toMatch(/--host ADDR .*\(default: 127\.0\.0\.1\)/);
    expect(r.stdout).toMatch(/--check .*\(default: false\)/);
    expect(r.stdout).toMatch(/-h, --help/);
    expect(r.stderr).toBe('');
  });

  it('an unknown option prints the usage and one error line, exit 2', async () => {
    const r = await cli('start', '--bogus');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Usage: npm start -- \[options\]/);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe("error: Unknown option '--bogus'");
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(r.stdout).toBe('');
  });

  it('a --port-offset that is no stack number is a usage error, exit 2', async () => {
    const r = await cli('start', '--port-offset', '8080');
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toMatch(
      /^error: --port-offset must be a stack number from 0 to/,
    );
  });

  it('a taken port is named with its component and what to try, exit 1, no stack trace', async () => {
    const stack = pickStackNumber();
    const gateway = stackPorts(stack).gateway;
    const holder: Server = createServer();
    await new Promise<void>((ok, fail) => {
      holder.once('error', fail);
      holder.listen(gateway, '127.0.0.1', () => ok());
    });
    try {
      const r = await cli('start', '--port-offset', String(stack));
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `onair: could not start: gateway: port ${gateway} is in use; another stack? try --port-offset ${stack + 1}\n`,
      );
    } finally {
      await new Promise<void>((ok) => holder.close(() => ok()));
    }
  });
});

describe('npm run -s token --', () => {
  it('--help prints every option with its default and exits 0', async () => {
    const r = await cli('token', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: npm run -s token -- \[options\]/);
    expect(r.stdout).toMatch(/--user NAME .*\(default: dev-user\)/);
    expect(r.stdout).toMatch(/--role ROLE .*viewer, streamer, moderator, admin \(default: streamer\)/);
    expect(r.stdout).toMatch(/--ttl DURATION .*\(default: 12h\)/);
  });

  it('an unknown option prints the usage and one error line, exit 2', async () => {
    const r = await cli('token', '--usr', 'alice');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Usage: npm run -s token/);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe("error: Unknown option '--usr'");
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(r.stdout).toBe('');
  });

  it('an unknown role or a bad --ttl is one error line, exit 2, no stack trace', async () => {
    const role = await cli('token', '--role', 'owner');
    expect(role.code).toBe(2);
    expect(role.stderr.trimEnd().split('\n').at(-1)).toBe(
      'error: unknown role owner; use one of viewer, streamer, moderator, admin',
    );
    const ttl = await cli('token', '--ttl', 'soon');
    expect(ttl.code).toBe(2);
    expect(ttl.stderr.trimEnd().split('\n').at(-1)).toBe(
      "error: invalid --ttl 'soon': use a duration like 30m, 2h or 7d",
    );
    expect(ttl.stderr).not.toMatch(STACK_TRACE);
  });

  it('prints the token alone when stdout is not a terminal', async () => {
    const r = await cli('token', '--user', 'alice', '--role', 'viewer', '--role', 'moderator');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const { payload } = await jwtVerify(r.stdout.trim(), new TextEncoder().encode(DEV_JWT_SECRET));
    expect(payload).toMatchObject({ sub: 'alice', roles: ['viewer', 'moderator'] });
  });

  it('prints a friendly line and the token in a terminal', async () => {
    // util-linux `script` runs the CLI on a pseudo-terminal (the start test reads /proc: Linux only).
    const command = [
      process.execPath,
      require.resolve('tsx/cli'),
      'devstack/src/cli/token.ts',
      '--user',
      'carol',
    ]
      .map((a) => `'${a}'`)
      .join(' ');
    const r = await run('script', ['-qec', command, '/dev/null']);
    expect(r.code).toBe(0);
    const lines = r.stdout.replace(/\r/g, '').trimEnd().split('\n');
    expect(lines).toEqual([
      'Development token for carol (roles streamer, valid 12h):',
      expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
    ]);
  });

  it('`npm run -s token` (as README says) captures the token and nothing of npm', async () => {
    const r = await run('npm', ['run', '-s', 'token', '--', '--user', 'bob']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  });
});
