// Every code block of README.md and docs/**/*.md, run as a reader would run it, against one stack
// that `npm start` runs (the stand-ins in one process, the five services as processes of their
// own). A test per block, named `file:line language`, so a failure points at the block.
//
// - bash/sh/shell/console: each command runs in bash, in order, from the repository root, with
//   what the docs assume bound: $TOKEN (the token npm start prints: dev-user, streamer and
//   moderator), $A (an admin) and $V (a viewer). Variables a block sets carry over to the next
//   blocks of the same page. Every curl must get an answer below 400, unless its `# -> 404`
//   comment says otherwise. A trailing `# -> X` says what the command prints: one line of its
//   output must be X (a remark in parentheses after it is ignored). A command whose curls are
//   all GETs is repeated until that holds (a webhook or an IVS event takes a moment), for 20 s.
// - js/ts: type-checked (strict; `checkJs` for js), then run with tsx with the repository's
//   packages resolvable. The names a reader fills in (`roomId`: a native room of dev-user's,
//   `accessToken`: $TOKEN, `api`: the gateway URL) are bound when the block uses them without
//   declaring them. Every `// -> X` must show up as a line of its output; a block without one
//   must exit 0.
// - json and yaml blocks must parse; mermaid blocks must start with a diagram type.
// - a `text` block that is a wscat session (`wscat -c URL`, `> sent`, `< received`) is replayed
//   over a WebSocket; `…` in a shown frame is any text, `<sub>` any string. Other `text` blocks
//   (output samples, ASCII diagrams) are read, not run.
// - A block marked `<!-- snippet: not-run: reason -->` and listed in NOT_RUN (snippets.ts) is
//   checked without running it (its npm scripts exist, its --help commands run, the options it
//   gives npm start exist, the paths it names exist). Any other block that cannot be run fails.
//
// The pages are written for the default stack (8080-8089); the URLs are moved to this stack's
// ports (its number N: 10 x N higher) before running, as the README says.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import * as ts from 'typescript';
import WebSocket from 'ws';
import { parseAllDocuments } from 'yaml';
import { waitFor } from '../../libs/runtime/test/wait-for';
import { type StackProcess, startStackProcess } from '../support/stack-process';
import {
  NOT_RUN,
  REPO_ROOT,
  type ShellCommand,
  type Snippet,
  allSnippets,
  assignedNames,
  classify,
  diagramProblem,
  docFiles,
  expandVars,
  freeNames,
  matchesShown,
  onStack,
  parseWscat,
  readMarker,
  refusal,
  scriptExpectations,
  shellCommands,
  where,
} from './snippets';

jest.setTimeout(60_000);

const snippets = allSnippets();
const work = mkdtempSync(join(tmpdir(), 'onair-snippets-'));
// Scripts in `work` resolve packages (amazon-ivs-chat-messaging, @onair/*) as if they were in
// the repository.
symlinkSync(join(REPO_ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');

let stack: StackProcess;
/** What the docs' shell blocks assume is set. */
let shellVars: Record<string, string>;
/** The values a reader fills in in script blocks. */
let scriptVars: Record<string, string>;

beforeAll(async () => {
  stack = await startStackProcess();
  const printed = /^\s*export TOKEN=(\S+)\s*$/m.exec(stack.output())?.[1];
  if (!printed) throw new Error(`npm start printed no 'export TOKEN=…' line:\n${stack.output()}`);
  shellVars = {
    TOKEN: printed,
    A: await stack.token('dev-admin', ['admin']),
    V: await stack.token('dev-viewer', ['viewer']),
  };
  const room = await fetch(`${stack.gatewayUrl}/v1/chat/rooms`, {
    method: 'POST',
    headers: { authorization: `Bearer ${printed}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'docs snippets', provider: 'native' }),
  });
  const body: unknown = await room.json();
  const roomId = body && typeof body === 'object' && 'roomId' in body ? String(body.roomId) : '';
  if (room.status !== 201 || !roomId)
    throw new Error(`could not create a native room: ${JSON.stringify(body)}`);
  scriptVars = { roomId, accessToken: printed, api: stack.gatewayUrl };
}, 120_000);

afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  // No snippet may have taken a process down.
  expect(await stack?.unhealthy()).toBeUndefined();
  await stack?.stop();
}, 60_000);

test('the pages are found: README.md and every markdown file under docs/', () => {
  const files = docFiles();
  expect(files).toEqual(expect.arrayContaining(['README.md', 'docs/chat.md', 'docs/protocols/ivs.md']));
  expect(snippets.length).toBeGreaterThan(10);
});

test('every block is of a known kind, and the not-run markers and the NOT_RUN list agree', () => {
  const problems: string[] = [];
  for (const s of snippets) {
    const c = classify(s);
    if ('error' in c) problems.push(c.error);
    const m = readMarker(s);
    if (m && 'error' in m) problems.push(m.error);
    if (m && 'notRun' in m) {
      const listed = NOT_RUN.find((n) => n.file === s.file && n.firstLine.trim() === firstLine(s));
      if (!listed)
        problems.push(`${where(s)}: marked not-run but missing from NOT_RUN in test/docs/snippets.ts`);
      else if (listed.reason !== m.notRun)
        problems.push(`${where(s)}: its marker's reason '${m.notRun}' is not NOT_RUN's '${listed.reason}'`);
    }
  }
  for (const n of NOT_RUN) {
    const s = snippets.find((x) => x.file === n.file && firstLine(x) === n.firstLine.trim());
    if (!s) problems.push(`NOT_RUN lists a block of ${n.file} starting '${n.firstLine}' that is not there`);
    else if (s.marker === undefined) problems.push(`${where(s)}: in NOT_RUN but not marked in the page`);
  }
  expect(problems).toEqual([]);
});

// One test per block, in page order (shell blocks of a page build on each other).
for (const s of snippets) {
  const c = classify(s);
  const m = readMarker(s);
  const name = `${where(s)} ${s.lang || '(no info string)'}`;
  if ('error' in c) {
    test(name, () => {
      throw new Error(c.error);
    });
  } else if (m && 'notRun' in m) {
    test(`${name} (not run: ${m.notRun})`, () => checkNotRun(s));
  } else if (c.kind === 'shell') {
    test(name, () => runShell(s), 120_000);
  } else if (c.kind === 'script') {
    test(name, () => runScript(s));
  } else if (c.kind === 'json') {
    test(name, () => {
      expect(() => JSON.parse(s.code)).not.toThrow();
    });
  } else if (c.kind === 'yaml') {
    test(name, () => {
      const errors = parseAllDocuments(s.code).flatMap((d) => ('errors' in d ? d.errors : []));
      expect(errors.map((e) => e.message)).toEqual([]);
    });
  } else if (c.kind === 'wscat') {
    test(`${name} (wscat session)`, () => runWscat(s));
  } else if (c.kind === 'diagram') {
    test(name, () => {
      expect(diagramProblem(s.code)).toBeUndefined();
    });
  }
  // `text` blocks (output samples, ASCII diagrams) have nothing to run.
}

function firstLine(s: Snippet): string {
  return (s.code.split('\n').find((l) => l.trim() !== '') ?? '').trim();
}

// ---- shell ----

const CURL_TAG = '@@snippet-curl';
// Every curl reports its status and method on stderr (after the block's own -w, if any), so a
// 4xx or a refused connection cannot pass unseen.
const PRELUDE = `set -o pipefail
curl() {
  local args=() tag='%{stderr}${CURL_TAG} %{http_code} %{method}\\n' seen=0
  while [ $# -gt 0 ]; do
    case "$1" in
      -w|--write-out) args+=("$1" "$2$tag"); seen=1; shift 2; continue ;;
    esac
    args+=("$1"); shift
  done
  [ "$seen" = 1 ] || args+=(-w "$tag")
  command curl "\${args[@]}"
}
`;
writeFileSync(join(work, 'prelude.sh'), PRELUDE);

/** Per page: the variables its shell blocks set so far, carried to its later blocks. */
const pageNames = new Map<string, Set<string>>();

interface Ran {
  rc: number;
  stdout: string;
  stderr: string;
  curls: Array<{ status: number; method: string }>;
}

/** Run a script in bash, in a process group of its own: a timeout ends all it started. */
function bash(script: string, env: Record<string, string>, timeoutMs = 30_000): Promise<Ran> {
  return new Promise((done) => {
    const child = spawn('bash', ['-c', script], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      killGroup(); // anything it left running in the background
      const curls = [...stderr.matchAll(new RegExp(`${CURL_TAG} (\\d{3}) (\\S*)`, 'g'))].map((m) => ({
        status: Number(m[1]),
        method: m[2],
      }));
      const rest = stderr.replace(new RegExp(`${CURL_TAG}.*\\n?`, 'g'), '');
      done({
        rc: timedOut ? 124 : (code ?? 1),
        stdout,
        stderr: timedOut ? `${rest}\n(killed after ${timeoutMs} ms)` : rest,
        curls,
      });
    });
  });
}

/** Why a command's run is not what the docs say, or undefined. */
function shellProblem(cmd: ShellCommand, r: Ran): string | undefined {
  if (r.rc !== 0) return `exited ${r.rc}`;
  for (const c of r.curls) {
    if (c.status === 0) return `curl ${c.method} got no answer`;
    if (c.status >= 400 && cmd.expect !== String(c.status)) return `curl ${c.method} answered ${c.status}`;
  }
  if (cmd.expect !== undefined) {
    const lines = r.stdout.split('\n').map((l) => l.trim());
    if (!lines.includes(cmd.expect)) return `the docs say it prints '${cmd.expect}'`;
  }
  return undefined;
}

async function runShell(s: Snippet): Promise<void> {
  const names = pageNames.get(s.file) ?? new Set<string>();
  pageNames.set(s.file, names);
  const state = join(work, `state-${s.file.replaceAll('/', '_')}.sh`);
  const commands = shellCommands(s.code, s.lang);
  // Nothing of a block runs when one of its commands must not (npm ci, npm start, docker, …).
  const refused = commands.flatMap((c) => {
    const why = refusal(c.text);
    return why ? [`${s.file}:${s.line + 1 + c.line}: ${why}`] : [];
  });
  if (refused.length)
    throw new Error(
      `${refused.join('\n')}\nMark the block <!-- snippet: not-run: <reason> --> and list it in NOT_RUN (test/docs/snippets.ts)`,
    );
  for (const cmd of commands) {
    const text = onStack(cmd.text, stack.offset);
    for (const n of assignedNames(text)) names.add(n);
    const script = [
      `source ${JSON.stringify(join(work, 'prelude.sh'))}`,
      `[ -f ${JSON.stringify(state)} ] && source ${JSON.stringify(state)}`,
      `{ ${text}\n}`,
      'rc=$?',
      `declare -p ${[...names].join(' ')} > ${JSON.stringify(state)} 2>/dev/null`,
      'exit $rc',
    ].join('\n');
    const at = `${s.file}:${s.line + 1 + cmd.line}`;
    const onlyGets = (r: Ran) => r.curls.length > 0 && r.curls.every((c) => c.method === 'GET');
    let last = await bash(script, shellVars);
    let problem = shellProblem(cmd, last);
    if (problem && onlyGets(last)) {
      // A read of something that happens asynchronously: ask again until it holds.
      await waitFor(
        async () => {
          last = await bash(script, shellVars);
          problem = shellProblem(cmd, last);
          return problem === undefined;
        },
        { timeoutMs: 20_000, what: `${at} to print what the docs say` },
      ).catch(() => undefined);
    }
    if (problem)
      throw new Error(
        `${at}: ${problem}\n$ ${cmd.text}\n--- stdout\n${last.stdout.slice(-2000)}\n--- stderr\n${last.stderr.slice(-2000)}`,
      );
  }
}

// ---- not run ----

let startHelp: Promise<Ran> | undefined;

async function checkNotRun(s: Snippet): Promise<void> {
  const scripts: Record<string, string> = JSON.parse(
    readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'),
  ).scripts;
  const problems: string[] = [];
  for (const cmd of shellCommands(s.code, s.lang)) {
    const text = cmd.text.replace(/\s#.*$/gm, '');
    for (const m of text.matchAll(/\bnpm\s+(?:run(?:-script)?\s+(?:-s\s+)?([\w:-]+)|(start|test)\b)/g)) {
      const script = m[1] ?? m[2];
      if (!scripts[script]) problems.push(`'npm ${script}': package.json has no script '${script}'`);
    }
    // Only an npm script's --help runs (it prints the usage and exits).
    if (/^\s*npm\s+(start|run\s+(-s\s+)?[\w:-]+)\s+--\s+--help\s*$/.test(text)) {
      const r = await bash(text, {});
      if (r.rc !== 0 || !/usage/i.test(r.stdout)) problems.push(`'${text}' exited ${r.rc}:\n${r.stderr}`);
    }
    const start = /\bnpm\s+start\s+--\s+(.*)$/m.exec(text);
    if (start) {
      startHelp ??= bash('npm start -- --help', {});
      const help = (await startHelp).stdout;
      for (const opt of start[1].match(/--[\w-]+/g) ?? [])
        if (!help.includes(opt)) problems.push(`npm start has no option ${opt} (npm start -- --help)`);
    }
    // jest takes path patterns: `services/gateway/test/seed000` names seed000.test.ts.
    const jest = /\bjest\b/.test(text);
    for (const p of text.match(/(?<=^|\s)(?:services|libs|devstack|test|bench|docs|scripts)\/[\w./-]*/g) ??
      [])
      if (!existsSync(join(REPO_ROOT, p)) && !(jest && isPathPrefix(join(REPO_ROOT, p))))
        problems.push(`${p} does not exist${jest ? ' and starts no file name' : ''}`);
    if (/\bdocker[ -]compose\b/.test(text) && !existsSync(join(REPO_ROOT, 'docker-compose.yml')))
      problems.push('docker-compose.yml does not exist');
  }
  expect(problems).toEqual([]);
}

function isPathPrefix(p: string): boolean {
  const dir = dirname(p);
  return existsSync(dir) && readdirSync(dir).some((f) => f.startsWith(basename(p)));
}

// ---- js / ts ----

const scriptFiles = new Map<Snippet, string>();
const snippetOfFile = new Map<string, Snippet>();

function scriptFile(s: Snippet): string {
  let f = scriptFiles.get(s);
  if (f) return f;
  const ext = s.lang.startsWith('t') || s.lang === 'mts' ? 'mts' : 'mjs';
  const code = onStack(s.code, stack.offset);
  // On the block's first line, so a line of the file is the same line of the block.
  const bound = freeNames(code, Object.keys(scriptVars))
    .map((n) => `const ${n} = ${JSON.stringify(scriptVars[n])}; `)
    .join('');
  f = join(work, `${s.file.replaceAll('/', '_')}-${s.line}.${ext}`);
  writeFileSync(f, bound + code);
  scriptFiles.set(s, f);
  snippetOfFile.set(f, s);
  return f;
}

let typeErrors: Map<string, string[]> | undefined;

/** One program for every script block (one type-check, a few seconds). */
function typeCheck(): Map<string, string[]> {
  if (typeErrors) return typeErrors;
  const files = snippets
    .filter((s) => {
      const c = classify(s);
      return 'kind' in c && c.kind === 'script' && readMarker(s) === undefined;
    })
    .map(scriptFile);
  const program = ts.createProgram(files, {
    strict: true,
    allowJs: true,
    checkJs: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
    types: ['node'],
    typeRoots: [join(REPO_ROOT, 'node_modules/@types')],
  });
  typeErrors = new Map(
    files.map((f) => [
      f,
      ts.getPreEmitDiagnostics(program, program.getSourceFile(f)).map((d) => {
        const pos =
          d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
        const at = pos ? `${snippetOf(f).file}:${snippetOf(f).line + 1 + pos.line}: ` : '';
        return `${at}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      }),
    ]),
  );
  return typeErrors;
}

function snippetOf(file: string): Snippet {
  const s = snippetOfFile.get(file);
  if (!s) throw new Error(`no snippet for ${file}`);
  return s;
}

async function runScript(s: Snippet): Promise<void> {
  const file = scriptFile(s);
  expect(typeCheck().get(file)).toEqual([]);

  const expected = scriptExpectations(s.code);
  let out = '';
  let err = '';
  let exit: number | null | undefined;
  const child: ChildProcess = spawn(process.execPath, [require.resolve('tsx/cli'), file], {
    cwd: work,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: tsx runs the script in a child of its own, and both must go.
    detached: true,
  });
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  child.once('exit', (code, signal) => {
    exit = code ?? (signal ? 128 : 1);
  });
  const seen = () => {
    const lines = out.split('\n').map((l) => l.trim());
    return expected.every((e) => lines.includes(e));
  };
  try {
    await waitFor(() => exit !== undefined || (expected.length > 0 && seen()), {
      timeoutMs: 30_000,
      what: `${where(s)} to ${expected.length ? `print ${expected.join(', ')}` : 'exit'}`,
    });
  } catch (e) {
    throw new Error(
      `${(e as Error).message}\n--- stdout\n${out.slice(-2000)}\n--- stderr\n${err.slice(-2000)}`,
    );
  } finally {
    try {
      if (exit === undefined && child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  if (exit !== undefined && exit !== 0)
    throw new Error(`${where(s)} exited ${exit}\n--- stderr\n${err.slice(-3000)}`);
  if (!seen())
    throw new Error(`${where(s)} did not print ${expected.join(', ')}\n--- stdout\n${out.slice(-3000)}`);
}

// ---- wscat ----

async function runWscat(s: Snippet): Promise<void> {
  const session = parseWscat(s.code);
  const ws = new WebSocket(expandVars(onStack(session.url, stack.offset), shellVars));
  const received: string[] = [];
  ws.on('message', (d) => received.push(d.toString()));
  try {
    await new Promise<void>((ok, fail) => {
      ws.once('open', () => ok());
      ws.once('error', fail);
      ws.once('unexpected-response', (_req, res) =>
        fail(new Error(`the upgrade answered ${res.statusCode}`)),
      );
    });
    for (const step of session.steps) {
      if ('send' in step) {
        ws.send(step.send);
        continue;
      }
      const got = await waitFor(() => received.shift(), {
        what: `${where(s)}: the frame ${step.receive}`,
      });
      let shown: unknown = step.receive;
      let frame: unknown = got;
      try {
        shown = JSON.parse(step.receive);
        frame = JSON.parse(got);
      } catch {
        // shown as text
      }
      if (!matchesShown(shown, frame))
        throw new Error(`${where(s)}: the docs show\n${step.receive}\nbut got\n${got}`);
    }
  } finally {
    ws.close();
  }
}
