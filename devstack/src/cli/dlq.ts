// npm run dlq -- list | show <id> | replay <id> | replay --all [--queue Q] | purge --queue Q [--yes] | sweep
// The dead letters of the bus (both transports), with the same environment as the services:
// AMQP_URL for RabbitMQ, else SQS (AWS_REGION, AWS_ENDPOINT_URL_SQS, credentials as the SDK finds
// them); BUS_NAMESPACE names the queues. `--local` talks to npm start's embedded SQS. `--help`
// lists everything. Exit codes: 0 done, 1 failed or not found, 2 a usage mistake.
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import {
  BusConfig,
  ConfigError,
  createDeadLetters,
  type DeadLetterList,
  type DeadLetters,
  type DeadLetterView,
  isAppError,
  loadConfig,
  MAX_LIST_LIMIT,
  sweepExpiredQueues,
} from '@onair/runtime';
import { type CliOption, type CliSpec, usage, usageError } from './args';
import { parseStackNumber, stackPorts } from './ports';

const COMMANDS = ['list', 'show', 'replay', 'purge', 'sweep'] as const;
type Command = (typeof COMMANDS)[number];

const options = {
  queue: {
    type: 'string',
    value: 'QUEUE',
    help: 'one source queue (the QUEUE column of list; the namespace may be left out)',
  },
  limit: {
    type: 'string',
    value: 'N',
    help: `list: at most N dead letters (1-${MAX_LIST_LIMIT})`,
    shownDefault: '100',
  },
  all: { type: 'boolean', help: 'replay: every dead letter (of --queue, or of every queue)' },
  yes: { type: 'boolean', help: 'purge: do not ask (needed when not on a terminal)' },
  json: { type: 'boolean', help: 'print JSON (for scripts) instead of tables' },
  local: {
    type: 'boolean',
    help: "SQS bus: use npm start's embedded SQS and EventBridge on this machine (no AWS_ENDPOINT_URL_* needed)",
  },
  'port-offset': {
    type: 'string',
    value: 'N',
    help: 'with --local: the stack number npm start ran with',
    shownDefault: '0',
  },
} satisfies Record<string, CliOption>;

const spec: CliSpec<typeof options> = {
  usage: 'npm run dlq -- <command> [options]',
  description: [
    'Dead letters of the bus: messages that failed their handler on every attempt, failed their',
    'contract, or that the broker moved after too many deliveries. Reading never consumes them.',
    '',
    'Commands:',
    '  list                         every DLQ with its count, and its dead letters (id, type, attempts, times, error)',
    '  show <id>                    one dead letter, with its message',
    '  replay <id>                  deliver it to its queue again (attempts start over), then remove it',
    '  replay --all [--queue Q]     the same for every dead letter (of one queue)',
    '  purge --queue Q [--yes]      delete every dead letter of one queue',
    '  sweep                        SQS: delete per-instance queues whose instance is gone (expired)',
    '',
    'Environment (as the services): AMQP_URL (RabbitMQ; else SQS), BUS_NAMESPACE (default onair),',
    'AWS_REGION, AWS_ENDPOINT_URL_SQS / AWS_ENDPOINT_URL_EVENTBRIDGE and AWS credentials for SQS.',
  ].join('\n'),
  options,
  examples: [
    'npm run dlq -- list --local                     # npm start (SQS on fauxqs)',
    'AMQP_URL=amqp://guest:guest@127.0.0.1:5672 npm run dlq -- list',
    'npm run dlq -- show onair-stream-svc-commands-dlq~6f1c…',
    'npm run dlq -- replay --all --queue stream-svc-commands --local',
    'npm run -s dlq -- list --json --local | jq .items[].id',
  ],
};

type Values = {
  queue?: string;
  limit?: string;
  all?: boolean;
  yes?: boolean;
  json?: boolean;
  local?: boolean;
  'port-offset'?: string;
};

function parse(argv: string[]): { command: Command; id?: string; v: Values } {
  let parsed: { values: Values & { help?: boolean }; positionals: string[] };
  try {
    const descriptors = Object.fromEntries(
      Object.entries(options).map(([name, o]) => [name, { type: o.type }]),
    ) as Record<keyof typeof options, { type: 'string' | 'boolean' }>;
    parsed = parseArgs({
      args: argv,
      options: { ...descriptors, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    }) as typeof parsed;
  } catch (e) {
    usageError(spec, (e as Error).message.split('\n')[0] ?? 'invalid arguments');
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(usage(spec));
    process.exit(0);
  }
  const [command, ...rest] = positionals;
  if (!command) usageError(spec, `say what to do: ${COMMANDS.join(', ')}`);
  if (!(COMMANDS as readonly string[]).includes(command))
    usageError(spec, `unknown command '${command}'; use one of ${COMMANDS.join(', ')}`);
  const cmd = command as Command;
  const wantsId = cmd === 'show' || (cmd === 'replay' && !values.all);
  if (wantsId && rest.length !== 1)
    usageError(
      spec,
      cmd === 'show' ? 'show needs one dead letter id' : 'replay needs one dead letter id, or --all',
    );
  if (!wantsId && rest.length > 0) usageError(spec, `unexpected argument '${rest[0]}'`);
  const allowed: Record<Command, Array<keyof Values>> = {
    list: ['queue', 'limit', 'json'],
    show: ['json'],
    replay: values.all ? ['all', 'queue', 'json'] : ['json'],
    purge: ['queue', 'yes', 'json'],
    sweep: ['json'],
  };
  for (const k of Object.keys(values) as Array<keyof Values | 'help'>) {
    if (k === 'help' || k === 'local' || k === 'port-offset') continue;
    if (!allowed[cmd].includes(k))
      usageError(spec, `--${k} does not go with ${cmd}${wantsId && k === 'queue' ? ' <id>' : ''}`);
  }
  if (cmd === 'purge' && !values.queue) usageError(spec, 'purge needs --queue QUEUE (one queue at a time)');
  if (
    values.limit !== undefined &&
    !(/^\d+$/.test(values.limit) && Number(values.limit) >= 1 && Number(values.limit) <= MAX_LIST_LIMIT)
  )
    usageError(spec, `--limit must be a whole number from 1 to ${MAX_LIST_LIMIT} (got '${values.limit}')`);
  if (values['port-offset'] !== undefined && !values.local)
    usageError(spec, '--port-offset goes with --local');
  return { command: cmd, id: wantsId ? rest[0] : undefined, v: values };
}

/** --local: npm start's fauxqs and EventBridge stand-in, unless the environment already says. */
function useLocalStack(v: Values): void {
  const n = parseStackNumber(v['port-offset'] ?? '0');
  if ('error' in n) usageError(spec, n.error);
  const ports = stackPorts(n.stack);
  process.env.AWS_ENDPOINT_URL_SQS ??= `http://127.0.0.1:${ports.fauxqs}`;
  process.env.AWS_ENDPOINT_URL_EVENTBRIDGE ??= `http://127.0.0.1:${ports.eventbridge}`;
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
}

// --- output ---------------------------------------------------------------------------------

function table(rows: string[][]): string {
  const widths = rows[0].map((_c, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  '))
    .join('\n');
}

const oneLine = (s: string, max: number) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

function printList(l: DeadLetterList): void {
  if (l.queues.length === 0) {
    process.stdout.write('No dead-letter queues in this namespace.\n');
    return;
  }
  process.stdout.write(
    `${table([['QUEUE', 'DEAD LETTERS'], ...l.queues.map((q) => [q.queue, String(q.count)])])}\n\n`,
  );
  if (l.items.length === 0) {
    process.stdout.write('No dead letters.\n');
    return;
  }
  const rows = l.items.map((d) => [
    d.id,
    d.type ?? '(not JSON)',
    d.attempts === null ? '?' : String(d.attempts),
    d.firstFailedAt ?? '?',
    d.lastFailedAt ?? '?',
    oneLine(d.error, 80),
  ]);
  process.stdout.write(
    `${table([['ID', 'TYPE', 'ATTEMPTS', 'FIRST FAILED', 'LAST FAILED', 'ERROR'], ...rows])}\n`,
  );
  if (l.truncated) process.stdout.write(`\n(more dead letters than shown: --limit N, or --queue Q)\n`);
}

function printOne(d: DeadLetterView): void {
  const lines = [
    ['id', d.id],
    ['queue', d.queue],
    ['dead-letter queue', d.deadLetterQueue],
    ['type', d.type ?? '(not JSON)'],
    ['reason', d.reason],
    ['attempts', d.attempts === null ? 'unknown' : String(d.attempts)],
    ['first failed', d.firstFailedAt ?? 'unknown'],
    ['last failed', d.lastFailedAt ?? 'unknown'],
    ['error', d.error],
  ];
  const w = Math.max(...lines.map(([k]) => k.length)) + 1;
  const msg = typeof d.message === 'string' ? d.message : JSON.stringify(d.message, null, 2);
  process.stdout.write(
    `${lines.map(([k, v]) => `${`${k}:`.padEnd(w)} ${v}`).join('\n')}\nmessage:\n${msg}\n`,
  );
}

// --- commands -------------------------------------------------------------------------------

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

const out = (v: Values, json: unknown, text: () => void) =>
  v.json ? process.stdout.write(`${JSON.stringify(json, null, 2)}\n`) : text();

async function run(
  command: Command,
  id: string | undefined,
  v: Values,
  dl: DeadLetters,
  cfg: Config,
): Promise<number> {
  switch (command) {
    case 'list': {
      const l = await dl.list({ queue: v.queue, limit: v.limit === undefined ? undefined : Number(v.limit) });
      out(v, l, () => printList(l));
      return 0;
    }
    case 'show': {
      const d = await dl.show(id ?? '');
      if (!d) return notFound(id);
      out(v, d, () => printOne(d));
      return 0;
    }
    case 'replay': {
      if (v.all) {
        const r = await dl.replayAll(v.queue);
        out(v, r, () => {
          process.stdout.write(`Replayed ${r.replayed} dead letter(s).\n`);
          for (const s of r.skipped) process.stdout.write(`kept ${s.id}: ${s.reason}\n`);
        });
        return 0;
      }
      const d = await dl.replay(id ?? '');
      if (!d) return notFound(id);
      out(v, { replayed: d }, () => process.stdout.write(`Replayed ${d.id} to ${d.queue}.\n`));
      return 0;
    }
    case 'purge': {
      const queue = v.queue ?? '';
      if (!v.yes) {
        if (!process.stdin.isTTY)
          usageError(spec, 'purge deletes dead letters for good: add --yes to confirm');
        if (!(await confirm(`Delete every dead letter of ${queue}? [y/N] `))) {
          process.stdout.write('Nothing deleted.\n');
          return 1;
        }
      }
      const r = await dl.purge(queue);
      out(v, r, () => process.stdout.write(`Purged ${r.purged} dead letter(s) of ${r.queue}.\n`));
      return 0;
    }
    case 'sweep': {
      if (cfg.AMQP_URL) {
        out(v, { swept: [], note: 'rabbitmq' }, () =>
          process.stdout.write(
            'RabbitMQ removes per-instance queues itself (x-expires, 60 s after their consumer is gone): nothing to sweep.\n',
          ),
        );
        return 0;
      }
      const sqs = new SQSClient({ region: cfg.AWS_REGION, useQueueUrlAsEndpoint: false });
      const eventBridge = new EventBridgeClient({ region: cfg.AWS_REGION });
      try {
        const swept = await sweepExpiredQueues({ sqs, eventBridge, namespace: cfg.BUS_NAMESPACE });
        out(v, { swept }, () => {
          if (swept.length === 0) process.stdout.write('No expired per-instance queues.\n');
          for (const q of swept)
            process.stdout.write(
              `deleted ${q.name} (expired ${q.expiredAt}${q.rule ? `, rule ${q.rule}` : ''})\n`,
            );
        });
        return 0;
      } finally {
        sqs.destroy();
        eventBridge.destroy();
      }
    }
  }
}

function notFound(id: string | undefined): number {
  process.stderr.write(`No dead letter with id '${id}' (npm run dlq -- list shows the ids).\n`);
  return 1;
}

function describeError(e: unknown): string {
  const x = e as { name?: string; code?: string; message?: string };
  return [x.code ?? (x.name === 'Error' ? undefined : x.name), x.message].filter(Boolean).join(': ');
}

/** A URL without its password. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(not a URL)';
  }
}

type Config = ReturnType<typeof loadConfig<typeof BusConfig>>;

async function main(): Promise<void> {
  const { command, id, v } = parse(process.argv.slice(2));
  let cfg: Config;
  try {
    cfg = loadConfig(BusConfig);
  } catch (e) {
    process.stderr.write(`${e instanceof ConfigError ? e.message : String(e)}\n`);
    process.exit(1);
  }
  if (v.local && !cfg.AMQP_URL) useLocalStack(v);
  const dl = createDeadLetters(cfg);
  let code = 1;
  try {
    code = await run(command, id, v, dl, cfg);
  } catch (e) {
    const cause = e instanceof Error && e.cause !== undefined ? `: ${describeError(e.cause)}` : '';
    const what = isAppError(e) ? `${e.message}${cause}` : describeError(e);
    const hint =
      isAppError(e) && e.code === 'BUS_UNAVAILABLE'
        ? cfg.AMQP_URL
          ? ` (AMQP_URL=${redactUrl(cfg.AMQP_URL)})`
          : ` (SQS at ${process.env.AWS_ENDPOINT_URL_SQS ?? `AWS ${cfg.AWS_REGION}`}${v.local ? '; is npm start running?' : "; npm start's stack: add --local"})`
        : '';
    process.stderr.write(`dlq ${command} failed: ${what}${hint}\n`);
  } finally {
    await dl.close().catch(() => {});
  }
  process.exit(code);
}

void main();
