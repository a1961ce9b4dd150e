// The code blocks of README.md and docs/**/*.md, read and classified for snippets.int.test.ts,
// which runs each one against a real stack. Nothing here talks to a stack: it finds blocks,
// tells what kind each is, splits shell blocks into commands and reads what the docs say a
// command prints (`# -> 204`).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../..');

/** One fenced code block of a markdown file. */
export interface Snippet {
  /** Repository-relative path of the markdown file. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The whole info string (`bash`, `js title="x"`, …). */
  info: string;
  /** Its first word, lower case: the language. */
  lang: string;
  code: string;
  /** The `<!-- snippet: … -->` comment on the last non-blank line before the fence, if any. */
  marker?: string;
}

/** `file:line`, the name a test reports a snippet by. */
export const where = (s: Snippet): string => `${s.file}:${s.line}`;

/** README.md and every markdown file under docs/, so a new page is covered without a change here. */
export function docFiles(root = REPO_ROOT): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.md')) found.push(relative(root, p));
    }
  };
  walk(join(root, 'docs'));
  return ['README.md', ...found.sort()];
}

const FENCE = /^( *)(`{3,}|~{3,})\s*([^`]*?)\s*$/;
const MARKER = /^\s*<!--\s*snippet:\s*(.*?)\s*-->\s*$/;

/** Every fenced block of one markdown text (CommonMark fences: ``` or ~~~, any indentation). */
export function parseSnippets(file: string, text: string): Snippet[] {
  const lines = text.split('\n');
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = /^( *)(`{3,}|~{3,})\s*$/.exec(lines[j]);
      if (close && close[2][0] === fence[0] && close[2].length >= fence.length) break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
    }
    let k = i - 1;
    while (k >= 0 && lines[k].trim() === '') k--;
    const marker = k >= 0 ? MARKER.exec(lines[k])?.[1] : undefined;
    out.push({
      file,
      line: i + 1,
      info,
      lang: (info.split(/\s+/)[0] ?? '').toLowerCase(),
      code: body.join('\n'),
      ...(marker !== undefined ? { marker } : {}),
    });
    i = j;
  }
  return out;
}

export function allSnippets(root = REPO_ROOT): Snippet[] {
  return docFiles(root).flatMap((f) => parseSnippets(f, readFileSync(join(root, f), 'utf8')));
}

export type Kind =
  /** sh, bash, shell, console: run in bash against the stack. */
  | 'shell'
  /** js, ts: type-checked, then run with tsx against the stack. */
  | 'script'
  | 'json'
  | 'yaml'
  /** a `text` block that is a wscat session (`wscat -c URL`, then `> sent` and `< received`): replayed. */
  | 'wscat'
  /** mermaid: checked to name a diagram type. */
  | 'diagram'
  /** text: output samples, ASCII diagrams, tables. Nothing to run. */
  | 'text';

const KINDS: Record<string, Kind> = {
  sh: 'shell',
  bash: 'shell',
  shell: 'shell',
  console: 'shell',
  js: 'script',
  javascript: 'script',
  mjs: 'script',
  ts: 'script',
  typescript: 'script',
  mts: 'script',
  json: 'json',
  yaml: 'yaml',
  yml: 'yaml',
  mermaid: 'diagram',
  text: 'text',
  txt: 'text',
};

/** What a block is, or why it cannot be told (a block with no info string, or an unknown one). */
export function classify(s: Snippet): { kind: Kind } | { error: string } {
  if (!s.lang)
    return {
      error: `${where(s)}: a code block without an info string; name its language (bash, js, json, yaml, mermaid, or text for output samples and ASCII diagrams)`,
    };
  const kind = KINDS[s.lang];
  if (!kind)
    return {
      error: `${where(s)}: no runner for info string '${s.lang}'; use one of ${Object.keys(KINDS).join(', ')}, or add a runner in test/docs`,
    };
  if (kind === 'text' && /^\s*wscat\s+(-c|--connect)\s/.test(s.code)) return { kind: 'wscat' };
  return { kind };
}

/** A `<!-- snippet: … -->` marker, read. */
export type Marker = { notRun: string } | { error: string };

export function readMarker(s: Snippet): Marker | undefined {
  if (s.marker === undefined) return undefined;
  const m = /^not-run:\s*(\S.*)$/.exec(s.marker);
  if (m) return { notRun: m[1] };
  return {
    error: `${where(s)}: unknown marker '<!-- snippet: ${s.marker} -->'; the one marker is '<!-- snippet: not-run: <reason> -->'`,
  };
}

/**
 * The blocks that are not run, each with why: the reviewed list. A block is skipped only when
 * it is both here and marked `<!-- snippet: not-run: <reason> -->` in its page (same reason), so
 * neither a page nor this list alone can make a block silently skip. A not-run block is still
 * checked (snippets.int.test.ts): the npm scripts it names exist, its `--help` commands run,
 * the options it passes to `npm start` are in `npm start -- --help`, the repository paths it
 * names exist.
 */
export const NOT_RUN: ReadonlyArray<{ file: string; firstLine: string; reason: string }> = [
  {
    file: 'README.md',
    firstLine: 'npm ci && npm start     # the whole local stack, ready in a few seconds',
    reason: 'installs, starts a stack that runs until Ctrl-C, and runs the whole suite',
  },
  {
    file: 'README.md',
    firstLine: 'npm start                                   # bus = SQS + EventBridge on the embedded fauxqs',
    reason: 'starts stacks that run until Ctrl-C (the tests run npm start themselves)',
  },
  {
    file: 'docs/streams.md',
    firstLine:
      'NODE_OPTIONS=--experimental-vm-modules npx jest services/chat-svc services/stream-svc/test/streams \\',
    reason: 'runs whole test suites, which npm test runs anyway',
  },
  {
    file: 'docs/deploy-aws.md',
    firstLine: 'npm ci',
    reason: 'needs Docker, AWS credentials and an AWS account',
  },
  {
    file: 'docs/deploy-aws.md',
    firstLine:
      'aws secretsmanager put-secret-value --secret-id <ChatTokenSecretArn> --secret-string "$(openssl rand -hex 32)"',
    reason: 'changes secrets and services in an AWS account',
  },
  {
    file: 'docs/deploy-aws.md',
    firstLine: 'cd deploy/aws && npx cdk destroy',
    reason: 'deletes a stack in an AWS account',
  },
  {
    file: 'docs/console.md',
    firstLine: 'curl -s $G/v1/recordings/$REC/media-url -H "$H"',
    reason: "needs a finished recording's id",
  },
  {
    file: 'docs/console.md',
    firstLine: "aws s3api put-bucket-cors --bucket onair-recordings --cors-configuration '{",
    reason: 'needs AWS credentials and the real bucket',
  },
];

/** One command of a shell block: its text (continuation lines included) and what it should print. */
export interface ShellCommand {
  text: string;
  /** 0-based line within the block where the command starts. */
  line: number;
  /**
   * What the docs say it prints: the trailing comment `# -> 204` or `# -> live (within a
   * second or two)`, without the parenthesised remark. One line of the output, trimmed, must
   * equal it.
   */
  expect?: string;
}

/**
 * A shell block as commands, in order. A command ends at a newline outside quotes and
 * parentheses that is not escaped by a trailing backslash. Blank lines and whole-line comments
 * are skipped. `console` blocks keep only their `$ ` lines.
 */
export function shellCommands(code: string, lang = 'bash'): ShellCommand[] {
  const lines =
    lang === 'console'
      ? code.split('\n').map((l) => (l.startsWith('$ ') ? l.slice(2) : ''))
      : code.split('\n');
  const out: ShellCommand[] = [];
  let text: string[] = [];
  let start = 0;
  let quote: "'" | '"' | undefined;
  let depth = 0;
  let comment: string | undefined;
  for (let n = 0; n < lines.length; n++) {
    const l = lines[n];
    if (text.length === 0) {
      if (l.trim() === '' || l.trim().startsWith('#')) continue;
      start = n;
    }
    text.push(l);
    comment = undefined;
    let continued = false;
    for (let i = 0; i < l.length; i++) {
      const c = l[i];
      if (quote === "'") {
        if (c === "'") quote = undefined;
      } else if (c === '\\') {
        if (i === l.length - 1) continued = true;
        i++;
      } else if (quote === '"') {
        if (c === '"') quote = undefined;
      } else if (c === "'" || c === '"') quote = c;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
      else if (c === '#' && (i === 0 || /\s/.test(l[i - 1]))) {
        comment = l.slice(i + 1).trim();
        break;
      }
    }
    if (continued || quote || depth > 0) continue;
    const e = comment ? /^->\s*(.*?)\s*(\([^()]*\))?\s*$/.exec(comment) : null;
    out.push({ text: text.join('\n'), line: start, ...(e?.[1] ? { expect: e[1] } : {}) });
    text = [];
  }
  if (text.length) out.push({ text: text.join('\n'), line: start });
  return out;
}

/**
 * Why a shell command must not run from a test, or undefined. Installing, starting a stack or
 * compose, running test suites or benchmarks, touching git, files outside the test, services or
 * AWS: a block with such a command is refused before any of its commands runs, and must be
 * marked not-run (the one exception: `npm … -- --help`, and `npm run -s token`, which only
 * prints a token).
 */
export function refusal(command: string): string | undefined {
  // Quoted text (JSON bodies, headers) is data, not commands.
  const bare = command
    .replace(/'[^']*'/g, "''")
    .replace(/"(?:[^"\\]|\\.)*"/g, (q) => (/\$\(|`/.test(q) ? q : '""'))
    .replace(/(^|\s)#.*$/gm, '$1');
  // Each simple command: split at ; & | ( ) ` and line ends, skip leading VAR=value words.
  const starts = bare
    .replace(/\\\n/g, ' ')
    .split(/[;&|()`\n]/)
    .map((part) => /^\s*(?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*([\w./-]+)(.*)$/s.exec(part))
    .filter((m): m is RegExpExecArray => m !== null);
  for (const [, word, rest] of starts) {
    if (word === 'npm' || word === 'npx') {
      if (/(^|\s)--help(\s|$)/.test(rest)) continue;
      if (/^\s*run\s+-s\s+token\b/.test(rest)) continue;
      return `'${word}${rest.trimEnd()}' installs, starts or runs something long`;
    }
    if (REFUSED_COMMANDS.has(word)) return `'${word}' must not run from a test`;
  }
  return undefined;
}

const REFUSED_COMMANDS = new Set([
  'docker',
  'docker-compose',
  'git',
  'rm',
  'mv',
  'sudo',
  'apt',
  'apt-get',
  'aws',
  'kill',
  'pkill',
  'killall',
  'systemctl',
  'service',
  'rabbitmqctl',
  'rabbitmq-server',
  'redis-cli',
  'jest',
  'node',
  'tsx',
]);

/** The variables a shell text assigns (`NAME=…`, `export NAME=…`), to carry them to later blocks. */
export function assignedNames(code: string): string[] {
  const names = new Set<string>();
  for (const m of code.matchAll(/(?:^|[\s;&|(])(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=/g)) names.add(m[1]);
  return [...names];
}

/** `// -> text` comments of a script: lines its output must contain. */
export function scriptExpectations(code: string): string[] {
  return [...code.matchAll(/\/\/\s*->\s*(.*?)\s*(\([^()]*\))?\s*$/gm)].map((m) => m[1]).filter(Boolean);
}

/**
 * The identifiers a script uses without declaring them (from `names`): the values a reader
 * fills in, which the test binds.
 */
export function freeNames(code: string, names: readonly string[]): string[] {
  return names.filter(
    (n) =>
      new RegExp(`(?<![.\\w$])${n}(?![\\w$])`).test(code) &&
      !new RegExp(`\\b(const|let|var|function|class|import)\\s+\\{?[^;=]*\\b${n}\\b`).test(code),
  );
}

/**
 * The docs are written for the default stack (gateway 8080, …, LiveKit 8089); a test runs stack
 * number N, whose ports are 10 x N higher, as the README says. This moves every 127.0.0.1 and
 * localhost URL on a default-stack port to the same component on stack `stack`.
 */
export function onStack(text: string, stack: number): string {
  return text.replace(
    /\b(127\.0\.0\.1|localhost):(808\d)\b/g,
    (_, host: string, port: string) => `${host}:${Number(port) + 10 * stack}`,
  );
}

/** A wscat session: the URL, then what is sent (`>`) and received (`<`), in order. */
export interface WscatSession {
  url: string;
  steps: Array<{ send: string } | { receive: string }>;
}

export function parseWscat(code: string): WscatSession {
  const lines = code.split('\n').filter((l) => l.trim() !== '');
  const m = /^\s*wscat\s+(?:-c|--connect)\s+(?:"([^"]+)"|'([^']+)'|(\S+))\s*$/.exec(lines[0] ?? '');
  if (!m) throw new Error(`the first line is not 'wscat -c URL': ${lines[0]}`);
  const steps: WscatSession['steps'] = [];
  for (const l of lines.slice(1)) {
    const s = /^\s*([<>])\s?(.*)$/.exec(l);
    if (!s) throw new Error(`a wscat line starts with '>' (sent) or '<' (received): ${l}`);
    steps.push(s[1] === '>' ? { send: s[2] } : { receive: s[2] });
  }
  return { url: m[1] ?? m[2] ?? m[3], steps };
}

/**
 * Whether a received frame is what the docs show: the same keys and values, where a string
 * `…` in the docs stands for any text there (`"grp_…"` is any string starting with grp_) and
 * `<name>` for any string. Key order does not matter.
 */
export function matchesShown(shown: unknown, got: unknown): boolean {
  if (typeof shown === 'string') {
    if (typeof got !== 'string') return false;
    if (/^<[^<>]+>$/.test(shown)) return true;
    const pattern = shown
      .split('…')
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*');
    return new RegExp(`^${pattern}$`, 's').test(got);
  }
  if (Array.isArray(shown))
    return (
      Array.isArray(got) && got.length === shown.length && shown.every((v, i) => matchesShown(v, got[i]))
    );
  if (shown !== null && typeof shown === 'object') {
    if (got === null || typeof got !== 'object' || Array.isArray(got)) return false;
    const a = Object.entries(shown);
    const b = new Map(Object.entries(got));
    return a.length === b.size && a.every(([k, v]) => b.has(k) && matchesShown(v, b.get(k)));
  }
  return Object.is(shown, got);
}

/** `$NAME` and `${NAME}` of a shell word, from `vars`; an unknown name is an error. */
export function expandVars(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, n: string) => {
    const v = vars[n];
    if (v === undefined) throw new Error(`$${n} is not bound (known: ${Object.keys(vars).join(', ')})`);
    return v;
  });
}

const DIAGRAM_TYPES =
  /^(flowchart|graph|sequenceDiagram|classDiagram|stateDiagram(-v2)?|erDiagram|gantt|pie|journey|gitGraph|mindmap|timeline|quadrantChart|C4Context|block-beta|architecture-beta)\b/;

/** A mermaid block's first statement names a diagram type (mermaid itself is not installed). */
export function diagramProblem(code: string): string | undefined {
  const first = code.split('\n').find((l) => l.trim() !== '' && !l.trim().startsWith('%%'));
  if (!first) return 'the diagram is empty';
  if (!DIAGRAM_TYPES.test(first.trim())) return `'${first.trim()}' does not start a mermaid diagram`;
  return undefined;
}
