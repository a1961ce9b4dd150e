// EventBridge event-pattern compiler and matcher. Pure: no I/O, no clock, no globals, so it can be
// property-tested in isolation and reused by anything that needs "would this rule fire?".
//
// Semantics follow the EventBridge documentation (and the open-source Event Ruler it is built on):
// - a pattern is a JSON object; every field in it must match (AND);
// - a field's value is either a nested object (descend into the event) or a non-empty array of
//   matchers, any of which may match (OR);
// - when the event's value is an array, the field matches if ANY element matches;
// - a pattern field that the event lacks does not match, except `{"exists": false}`;
// - exact values compare by JSON type: the string "5" does not match the number 5.

import { BlockList, isIP } from 'node:net';

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };

/** Thrown for patterns EventBridge would reject; the server maps it to InvalidEventPatternException. */
export class InvalidEventPatternError extends Error {
  constructor(reason: string) {
    super(`Event pattern is not valid. Reason: ${reason}`);
    this.name = 'InvalidEventPatternError';
  }
}

type NumericOp = '=' | '<' | '<=' | '>' | '>=';

type Condition =
  | { kind: 'exact'; value: JsonPrimitive }
  | { kind: 'prefix'; value: string; ignoreCase: boolean }
  | { kind: 'suffix'; value: string; ignoreCase: boolean }
  | { kind: 'equals-ignore-case'; value: string }
  | { kind: 'wildcard'; regex: RegExp }
  | { kind: 'numeric'; bounds: Array<{ op: NumericOp; value: number }> }
  | { kind: 'anything-but'; excluded: Condition[] }
  | { kind: 'exists'; value: boolean }
  | { kind: 'cidr'; subnet: BlockList; family: 'ipv4' | 'ipv6' };

type FieldMatcher = { kind: 'nested'; object: ObjectMatcher } | { kind: 'leaf'; conditions: Condition[] };

interface ObjectMatcher {
  fields: Array<{ key: string; matcher: FieldMatcher }>;
  // Each entry is one `$or` clause: at least one alternative must match. Clauses are ANDed.
  anyOf: ObjectMatcher[][];
}

export interface CompiledPattern {
  /** The pattern as given (parsed JSON), kept so DescribeRule can echo it back. */
  readonly pattern: Record<string, JsonValue>;
  matches(event: unknown): boolean;
}

/** Parse (if a string) and validate a pattern. Throws InvalidEventPatternError. */
export function compilePattern(pattern: string | unknown): CompiledPattern {
  let parsed: unknown = pattern;
  if (typeof pattern === 'string') {
    try {
      parsed = JSON.parse(pattern);
    } catch {
      throw new InvalidEventPatternError('Filter is not valid JSON');
    }
  }
  if (!isPlainObject(parsed)) throw new InvalidEventPatternError('Filter is not an object');
  const root = compileObject(parsed, '');
  return {
    pattern: parsed as Record<string, JsonValue>,
    matches: (event) => matchObject(root, isPlainObject(event) ? event : {}),
  };
}

/** Convenience for one-off checks (tests, TestEventPattern-style helpers). */
export function matchesPattern(pattern: string | unknown, event: unknown): boolean {
  return compilePattern(pattern).matches(event);
}

// ---------------------------------------------------------------------------------------------
// Compilation (validation happens here so a bad rule is refused at PutRule, never at match time)

function compileObject(obj: Record<string, unknown>, path: string): ObjectMatcher {
  const keys = Object.keys(obj);
  if (keys.length === 0) throw new InvalidEventPatternError(`Empty objects are not allowed${at(path)}`);
  const out: ObjectMatcher = { fields: [], anyOf: [] };
  for (const key of keys) {
    const value = obj[key];
    const childPath = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isPlainObject)) {
        throw new InvalidEventPatternError(`"$or" must be an array of at least two objects${at(path)}`);
      }
      out.anyOf.push(value.map((alt) => compileObject(alt as Record<string, unknown>, path)));
    } else if (isPlainObject(value)) {
      out.fields.push({ key, matcher: { kind: 'nested', object: compileObject(value, childPath) } });
    } else if (Array.isArray(value)) {
      if (value.length === 0)
        throw new InvalidEventPatternError(`Empty arrays are not allowed at "${childPath}"`);
      const conditions = value.map((v) => compileCondition(v, childPath));
      out.fields.push({ key, matcher: { kind: 'leaf', conditions } });
    } else {
      throw new InvalidEventPatternError(`"${childPath}" must be an object or an array`);
    }
  }
  return out;
}

function compileCondition(v: unknown, path: string): Condition {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return { kind: 'exact', value: v };
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new InvalidEventPatternError(`Invalid number at "${path}"`);
    return { kind: 'exact', value: v };
  }
  if (Array.isArray(v))
    throw new InvalidEventPatternError(`Match value must be a scalar or an object at "${path}"`);
  if (!isPlainObject(v)) throw new InvalidEventPatternError(`Unrecognized match value at "${path}"`);
  const keys = Object.keys(v);
  if (keys.length !== 1) {
    throw new InvalidEventPatternError(`A content filter must have exactly one operator at "${path}"`);
  }
  const op = keys[0];
  const arg = v[op];
  switch (op) {
    case 'prefix':
    case 'suffix':
      return compilePrefixSuffix(op, arg, path);
    case 'equals-ignore-case':
      return { kind: 'equals-ignore-case', value: requireString(arg, op, path) };
    case 'wildcard':
      return { kind: 'wildcard', regex: compileWildcard(requireString(arg, op, path), path) };
    case 'numeric':
      return compileNumeric(arg, path);
    case 'exists':
      if (typeof arg !== 'boolean')
        throw new InvalidEventPatternError(`"exists" expects true or false at "${path}"`);
      return { kind: 'exists', value: arg };
    case 'anything-but':
      return { kind: 'anything-but', excluded: compileAnythingBut(arg, path) };
    case 'cidr':
      return compileCidr(arg, path);
    default:
      throw new InvalidEventPatternError(`Unrecognized match type ${op} at "${path}"`);
  }
}

function compilePrefixSuffix(op: 'prefix' | 'suffix', arg: unknown, path: string): Condition {
  // `{"prefix": {"equals-ignore-case": "x"}}` is the case-insensitive variant.
  if (isPlainObject(arg)) {
    const keys = Object.keys(arg);
    if (keys.length !== 1 || keys[0] !== 'equals-ignore-case') {
      throw new InvalidEventPatternError(
        `"${op}" only accepts a string or {"equals-ignore-case": string} at "${path}"`,
      );
    }
    return { kind: op, value: requireString(arg['equals-ignore-case'], op, path), ignoreCase: true };
  }
  return { kind: op, value: requireString(arg, op, path), ignoreCase: false };
}

function compileAnythingBut(arg: unknown, path: string): Condition[] {
  if (typeof arg === 'string' || typeof arg === 'number') return [compileCondition(arg, path)];
  if (Array.isArray(arg)) {
    if (arg.length === 0) throw new InvalidEventPatternError(`Empty arrays are not allowed at "${path}"`);
    // AWS only allows a list of strings or a list of numbers here, never mixed or nested.
    const allStrings = arg.every((x) => typeof x === 'string');
    const allNumbers = arg.every((x) => typeof x === 'number' && Number.isFinite(x));
    if (!allStrings && !allNumbers) {
      throw new InvalidEventPatternError(
        `"anything-but" list must be all strings or all numbers at "${path}"`,
      );
    }
    return arg.map((x) => ({ kind: 'exact', value: x as string | number }));
  }
  if (isPlainObject(arg)) {
    const keys = Object.keys(arg);
    if (keys.length !== 1) throw new InvalidEventPatternError(`Invalid "anything-but" filter at "${path}"`);
    const op = keys[0];
    const inner = arg[op];
    // These sub-operators take a string or a list of strings (the list form is an OR).
    const strings = (): string[] => {
      const list = Array.isArray(inner) ? inner : [inner];
      if (list.length === 0 || !list.every((x) => typeof x === 'string')) {
        throw new InvalidEventPatternError(`"anything-but"/"${op}" expects a string or strings at "${path}"`);
      }
      return list as string[];
    };
    switch (op) {
      case 'prefix':
      case 'suffix':
        return strings().map((s) => ({ kind: op, value: s, ignoreCase: false }));
      case 'equals-ignore-case':
        return strings().map((s) => ({ kind: 'equals-ignore-case', value: s }));
      case 'wildcard':
        return strings().map((s) => ({ kind: 'wildcard', regex: compileWildcard(s, path) }));
      default:
        throw new InvalidEventPatternError(`Unsupported "anything-but" operator ${op} at "${path}"`);
    }
  }
  throw new InvalidEventPatternError(`Invalid "anything-but" value at "${path}"`);
}

const NUMERIC_OPS: ReadonlySet<string> = new Set(['=', '<', '<=', '>', '>=']);

function compileNumeric(arg: unknown, path: string): Condition {
  if (!Array.isArray(arg) || arg.length === 0 || arg.length % 2 !== 0) {
    throw new InvalidEventPatternError(`"numeric" expects [op, number, ...] at "${path}"`);
  }
  const bounds: Array<{ op: NumericOp; value: number }> = [];
  for (let i = 0; i < arg.length; i += 2) {
    const op = arg[i];
    const value = arg[i + 1];
    if (typeof op !== 'string' || !NUMERIC_OPS.has(op)) {
      throw new InvalidEventPatternError(`Unrecognized numeric range operator ${String(op)} at "${path}"`);
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new InvalidEventPatternError(`Value of ${op} must be a number at "${path}"`);
    }
    bounds.push({ op: op as NumericOp, value });
  }
  // A range has at most one lower and one upper bound, and "=" stands alone; EventBridge rejects
  // anything else rather than guessing what was meant.
  const lower = bounds.filter((b) => b.op === '>' || b.op === '>=');
  const upper = bounds.filter((b) => b.op === '<' || b.op === '<=');
  const eq = bounds.filter((b) => b.op === '=');
  if (eq.length > 0 ? bounds.length !== 1 : lower.length > 1 || upper.length > 1) {
    throw new InvalidEventPatternError(`Bad numeric range at "${path}"`);
  }
  if (lower.length === 1 && upper.length === 1 && lower[0].value >= upper[0].value) {
    throw new InvalidEventPatternError(`Bad numeric range: bottom must be less than top at "${path}"`);
  }
  return { kind: 'numeric', bounds };
}

function compileWildcard(text: string, path: string): RegExp {
  // `*` matches any run of characters; `\*` is a literal star and `\\` a literal backslash.
  let source = '';
  let prevStar = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      const next = text[i + 1];
      if (next !== '*' && next !== '\\') {
        throw new InvalidEventPatternError(`Invalid escape in wildcard at "${path}"`);
      }
      source += escapeRegex(next);
      i++;
      prevStar = false;
    } else if (c === '*') {
      if (prevStar) throw new InvalidEventPatternError(`Consecutive wildcard characters at "${path}"`);
      source += '.*';
      prevStar = true;
    } else {
      source += escapeRegex(c);
      prevStar = false;
    }
  }
  return new RegExp(`^${source}$`, 's');
}

/** An IPv4 or IPv6 CIDR (`10.0.0.0/16`, `2001:db8::/32`), as EventBridge accepts both. */
function compileCidr(arg: unknown, path: string): Condition {
  const text = requireString(arg, 'cidr', path);
  const slash = text.indexOf('/');
  const address = slash > 0 ? text.slice(0, slash) : '';
  const version = isIP(address);
  const bits = /^\d{1,3}$/.test(text.slice(slash + 1)) ? Number(text.slice(slash + 1)) : Number.NaN;
  if (version === 0 || !(bits <= (version === 4 ? 32 : 128))) {
    throw new InvalidEventPatternError(`Nonstandard IP address or CIDR: ${text} at "${path}"`);
  }
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const subnet = new BlockList();
  subnet.addSubnet(address, bits, family);
  return { kind: 'cidr', subnet, family };
}

// ---------------------------------------------------------------------------------------------
// Matching

function matchObject(m: ObjectMatcher, obj: Record<string, unknown>): boolean {
  for (const { key, matcher } of m.fields) {
    const raw = Object.hasOwn(obj, key) ? obj[key] : undefined;
    if (!matchField(matcher, raw)) return false;
  }
  return m.anyOf.every((alternatives) => alternatives.some((alt) => matchObject(alt, obj)));
}

function matchField(matcher: FieldMatcher, raw: unknown): boolean {
  const values = flatten(raw);
  if (matcher.kind === 'nested') {
    const objects = values.filter(isPlainObject);
    // With no object to descend into, only absence-tolerant patterns (exists:false) can match;
    // evaluating against {} gives exactly that, mirroring Event Ruler's flattened-path model.
    if (objects.length === 0) return matchObject(matcher.object, {});
    return objects.some((o) => matchObject(matcher.object, o));
  }
  const leaves = values.filter((v) => !isPlainObject(v)) as JsonPrimitive[];
  return matcher.conditions.some((c) => matchLeafCondition(c, leaves));
}

function matchLeafCondition(c: Condition, leaves: JsonPrimitive[]): boolean {
  if (c.kind === 'exists') return c.value === leaves.length > 0;
  return leaves.some((v) => matchValue(c, v));
}

function matchValue(c: Condition, v: JsonPrimitive): boolean {
  switch (c.kind) {
    case 'exact':
      return v === c.value;
    case 'prefix':
      return (
        typeof v === 'string' && (c.ignoreCase ? fold(v).startsWith(fold(c.value)) : v.startsWith(c.value))
      );
    case 'suffix':
      return typeof v === 'string' && (c.ignoreCase ? fold(v).endsWith(fold(c.value)) : v.endsWith(c.value));
    case 'equals-ignore-case':
      return typeof v === 'string' && fold(v) === fold(c.value);
    case 'wildcard':
      return typeof v === 'string' && c.regex.test(v);
    case 'numeric':
      return typeof v === 'number' && c.bounds.every((b) => compare(v, b.op, b.value));
    case 'anything-but':
      return !c.excluded.some((ex) => matchValue(ex, v));
    case 'exists':
      return c.value;
    case 'cidr':
      // An address of the other family never matches (and BlockList would refuse it).
      return (
        typeof v === 'string' && isIP(v) === (c.family === 'ipv4' ? 4 : 6) && c.subnet.check(v, c.family)
      );
  }
}

function compare(v: number, op: NumericOp, bound: number): boolean {
  switch (op) {
    case '=':
      return v === bound;
    case '<':
      return v < bound;
    case '<=':
      return v <= bound;
    case '>':
      return v > bound;
    case '>=':
      return v >= bound;
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Arrays (also nested ones) are expanded so matching sees every element; absent means none. */
function flatten(raw: unknown): unknown[] {
  if (raw === undefined) return [];
  if (Array.isArray(raw)) return raw.flatMap(flatten);
  return [raw];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function requireString(arg: unknown, op: string, path: string): string {
  if (typeof arg !== 'string')
    throw new InvalidEventPatternError(`"${op}" match pattern must be a string at "${path}"`);
  return arg;
}

function fold(s: string): string {
  return s.toLowerCase();
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function at(path: string): string {
  return path ? ` at "${path}"` : '';
}
