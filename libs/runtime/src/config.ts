import { type Static, type TObject, type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** Settings every service reads. Each service extends this with its own keys. */
export const CommonConfig = Type.Object({
  PORT: Type.Integer({
    minimum: 0,
    maximum: 65535,
    description: 'HTTP port (health, metrics; the API on the gateway)',
  }),
  HOST: Type.String({ default: '127.0.0.1', description: 'Interface to listen on' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  AMQP_URL: Type.Optional(
    Type.String({
      pattern: '^amqps?://',
      description: 'RabbitMQ URL; when unset the bus is SQS + EventBridge',
    }),
  ),
  BUS_NAMESPACE: Type.String({
    default: 'onair',
    pattern: '^[a-z0-9-]+$',
    description: 'Prefix of every queue',
  }),
  AWS_REGION: Type.String({ default: 'us-east-1' }),
  INSTANCE_ID: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9-]+$' })),
});

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Read the environment into a typed object: defaults applied, numbers converted, and every bad
 * or missing key reported by name (the service refuses to start on any).
 */
export function loadConfig<S extends TObject>(schema: S, env: NodeJS.ProcessEnv = process.env): Static<S> {
  const raw: Record<string, unknown> = {};
  const problems: string[] = [];
  /** Keys already refused for how a number is spelt (not reported twice). */
  const misspelt = new Set<string>();
  for (const key of Object.keys(schema.properties)) {
    const v = env[key];
    if (v === undefined || v === '') continue;
    raw[key] = v;
    // Value.Convert reads numbers leniently (`1.5` -> 1, `1e2` -> 1, `0x10` -> 16): refuse those.
    const numeric = NUMERIC_FORMS[String(schema.properties[key]?.type)];
    if (numeric && !numeric.pattern.test(v)) {
      misspelt.add(key);
      problems.push(`${key}=${JSON.stringify(v)} is invalid: ${numeric.expected}`);
    }
  }
  const value = Value.Convert(schema, Value.Default(schema, raw));
  for (const e of Value.Errors(schema, value)) {
    const key = e.path.replace(/^\//, '').split('/')[0] || '(root)';
    if (misspelt.has(key)) continue; // said above
    const given = raw[key];
    problems.push(
      given === undefined
        ? `${key} is required (${describe(schema.properties[key])})`
        : `${key}=${JSON.stringify(given)} is invalid: ${e.message}`,
    );
  }
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
  return value as Static<S>;
}

/** How an environment variable must spell a number: plain decimal digits. */
const NUMERIC_FORMS: Record<string, { pattern: RegExp; expected: string }> = {
  integer: { pattern: /^[+-]?\d+$/, expected: 'Expected a whole number in decimal digits' },
  number: { pattern: /^[+-]?(\d+(\.\d*)?|\.\d+)$/, expected: 'Expected a decimal number' },
};

function describe(s: TSchema | undefined): string {
  return (s?.description as string | undefined) ?? 'no default';
}
