// Command-line parsing shared by the CLIs: every option is declared once with its help text, so
// `--help` lists them all with their defaults, and a mistake (an unknown option, a missing value,
// a stray argument) prints the usage and one line saying what is wrong, with exit code 2.
import { type ParseArgsOptionDescriptor, parseArgs } from 'node:util';

export type CliOption = ParseArgsOptionDescriptor & {
  /** What the option does, one line. */
  help: string;
  /** Placeholder of the value in the usage (`N`, `ADDR`); string options only. */
  value?: string;
  /** The default as the usage shows it, when it is not `default` itself. */
  shownDefault?: string;
};

export interface CliSpec<O extends Record<string, CliOption>> {
  /** How to run it: `npm start -- [options]`. */
  usage: string;
  /** What it does, a few lines. */
  description: string;
  options: O;
  /** Lines shown under "Examples:". */
  examples?: string[];
  /** Arguments to parse (default: process.argv after the script). */
  args?: string[];
}

/** Exit code of a command-line mistake (the BSD EX_USAGE family uses 64; shells and Node's own CLIs use 2). */
export const USAGE_EXIT = 2;

/** The usage text: every option with its value, help and default. */
export function usage(spec: CliSpec<Record<string, CliOption>>): string {
  const rows = Object.entries(spec.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
    const def = o.shownDefault ?? (o.default === undefined ? undefined : String(o.default));
    return [flag, `${o.help}${def === undefined ? '' : ` (default: ${def})`}`] as const;
  });
  rows.push(['-h, --help', 'print this help and exit']);
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  return [
    `Usage: ${spec.usage}`,
    '',
    spec.description,
    '',
    'Options:',
    ...rows.map(([flag, help]) => `  ${flag.padEnd(width)}${help}`),
    ...(spec.examples?.length ? ['', 'Examples:', ...spec.examples.map((e) => `  ${e}`)] : []),
    '',
  ].join('\n');
}

/** Print the usage and one line saying what is wrong, then exit 2. */
export function usageError(spec: CliSpec<Record<string, CliOption>>, message: string): never {
  process.stderr.write(`${usage(spec)}\nerror: ${message}\n`);
  process.exit(USAGE_EXIT);
}

/**
 * The parsed options. `--help` prints the usage and exits 0; a parse error prints the usage and
 * the error and exits 2. Never throws.
 */
export function parseCli<const O extends Record<string, CliOption>>(spec: CliSpec<O>) {
  const options = Object.fromEntries(
    Object.entries(spec.options).map(([name, { help: _h, value: _v, shownDefault: _d, ...o }]) => [name, o]),
  ) as { [K in keyof O]: Omit<O[K], 'help' | 'value' | 'shownDefault'> };
  let parsed: ReturnType<typeof parseWith<typeof options>>;
  try {
    parsed = parseWith(options, spec.args ?? process.argv.slice(2));
  } catch (e) {
    usageError(spec, oneLine((e as Error).message));
  }
  if (parsed.help) {
    process.stdout.write(usage(spec));
    process.exit(0);
  }
  return parsed.values;
}

function parseWith<P extends Record<string, ParseArgsOptionDescriptor>>(options: P, args: string[]) {
  const { values } = parseArgs({
    args,
    options: { ...options, help: { type: 'boolean', short: 'h' } },
    strict: true,
    allowPositionals: false,
  });
  const { help, ...rest } = values as typeof values & { help?: boolean };
  return { help: help === true, values: rest as Omit<typeof values, 'help'> };
}

/** Node's parse errors sometimes add advice on a second line; keep the first. */
function oneLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message;
}
