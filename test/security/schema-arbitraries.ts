// fast-check arbitraries from the JSON Schemas of /openapi.json: valid instances, and the
// mutations the REST fuzzer sends (wrong types, missing and extra fields, huge, empty, astral,
// control and lone-surrogate strings, deep nesting, numbers JSON cannot carry, bad JSON, wrong
// content types, repeated query parameters, bad path ids).
import fc from 'fast-check';
import type { JsonSchema } from './openapi-fixtures';

/** JSON text put into a body as is (1e309, NaN: what JSON.stringify cannot write). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** JSON.stringify that writes RawJson values verbatim. */
export function toJson(v: unknown): string {
  if (v instanceof RawJson) return v.text;
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

const deep = (depth: number, leaf: string) =>
  new RawJson(`${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`);
const deepArray = (depth: number) => new RawJson(`${'['.repeat(depth)}${']'.repeat(depth)}`);

/** Values that are wrong or hostile wherever they land. */
export const EVIL_VALUES: Array<{ name: string; value: unknown }> = [
  { name: 'empty string', value: '' },
  { name: '100k string', value: 'a'.repeat(100_000) },
  { name: 'astral', value: '😀😀' },
  { name: 'control characters', value: '\u0000\u0001\u001b[31m\u007f\r\n' },
  { name: 'lone surrogate', value: '\ud800' },
  { name: 'lone low surrogate', value: 'x\udc00y' },
  { name: 'path traversal', value: '../../etc/passwd' },
  { name: 'percent-encoded nul', value: '%00' },
  { name: 'NaN as string', value: 'NaN' },
  { name: 'Infinity as string', value: 'Infinity' },
  { name: '1e309', value: new RawJson('1e309') },
  { name: '-1e309', value: new RawJson('-1e309') },
  { name: '-0', value: new RawJson('-0') },
  { name: 'Infinity literal (not JSON)', value: new RawJson('Infinity') },
  { name: 'NaN literal (not JSON)', value: new RawJson('NaN') },
  { name: '1e-400', value: new RawJson('1e-400') },
  { name: '2^53+1', value: new RawJson('9007199254740993') },
  { name: 'negative', value: -1 },
  { name: 'fraction', value: 0.5 },
  { name: 'huge integer', value: new RawJson('1'.repeat(400)) },
  { name: 'null', value: null },
  { name: 'true', value: true },
  { name: 'array', value: ['a'] },
  { name: 'object', value: { a: 'b' } },
  { name: '__proto__ object', value: new RawJson('{"__proto__":{"polluted":true}}') },
  { name: 'deep nesting (object)', value: deep(5000, '1') },
  { name: 'deep nesting (array)', value: deepArray(5000) },
];

/** Whole bodies that are not what any route takes. */
export const BAD_BODIES: Array<{ name: string; text: string | Buffer; contentType?: string }> = [
  { name: 'bad JSON: truncated', text: '{"a":' },
  { name: 'bad JSON: single quotes', text: "{'a':1}" },
  { name: 'bad JSON: trailing garbage', text: '{}x' },
  { name: 'bad JSON: bare word', text: 'nul' },
  { name: 'bad JSON: lone surrogate escape in key', text: '{"\\ud800":1}' },
  { name: 'JSON array', text: '[]' },
  { name: 'JSON string', text: '"x"' },
  { name: 'JSON number', text: '1e309' },
  { name: 'JSON null', text: 'null' },
  { name: 'deep nesting', text: `${'['.repeat(20_000)}${']'.repeat(20_000)}` },
  { name: 'duplicate keys', text: '{"a":1,"a":2,"__proto__":{"x":1}}' },
  { name: 'invalid UTF-8', text: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]) },
  { name: 'UTF-8 BOM', text: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{}')]) },
  { name: 'empty body, content-type json', text: '' },
  { name: 'whitespace body', text: ' \n\t ' },
];

/** Content types to send a JSON body with (undefined: no content-type header at all). */
export const WRONG_CONTENT_TYPES: Array<string | undefined> = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/vnd.api+json',
  'APPLICATION/JSON',
  'application/json, text/plain',
  '',
  undefined,
];

/** Path ids that are not ids (already as they go on the wire). */
export const BAD_PATH_IDS: Array<{ name: string; raw: string }> = [
  { name: 'space', raw: 'a%20b' },
  { name: 'raw space', raw: 'a b' },
  { name: '%00', raw: '%00' },
  { name: '10k chars', raw: 'a'.repeat(10_000) },
  { name: '..', raw: '..' },
  { name: '%2e%2e', raw: '%2e%2e' },
  { name: 'encoded slash', raw: 'a%2Fb' },
  { name: 'bad percent-encoding', raw: '%ZZ%' },
  { name: 'astral', raw: encodeURIComponent('😀') },
  { name: 'lone surrogate (as UTF-8 bytes)', raw: '%ED%A0%80' },
  { name: 'control characters', raw: '%01%1B%7F' },
  { name: 'unicode', raw: encodeURIComponent('é中') },
  { name: 'query-looking', raw: '%3Fx%3D1' },
];

/** Query values that are not what a parameter takes. */
export const BAD_QUERY_VALUES: string[] = [
  '',
  'abc',
  '-1',
  '0',
  '-0',
  '1.5',
  '1e309',
  'NaN',
  'Infinity',
  '-Infinity',
  '0x10',
  '9'.repeat(400),
  '%00',
  encodeURIComponent('😀'),
  '%ED%A0%80',
  'a'.repeat(4000),
  '%ZZ',
  'true',
];

const STRING_CAP = 40;

function stringArb(s: JsonSchema): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? STRING_CAP, Math.max(min, STRING_CAP));
  if (s.format === 'date-time')
    return fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString());
  if (s.format === 'uri' || s.format === 'url') return fc.webUrl({ validSchemes: ['https', 'http'] });
  if (s.pattern) {
    const re = new RegExp(s.pattern);
    return fc.stringMatching(re).filter((v) => v.length >= min && v.length <= (s.maxLength ?? Infinity));
  }
  return fc.oneof(
    fc.string({ minLength: min, maxLength: max }),
    fc.string({ minLength: min, maxLength: max, unit: 'grapheme' }),
  );
}

/** Valid instances of a schema (the subset /openapi.json uses). */
export function validArb(s: JsonSchema | undefined): fc.Arbitrary<unknown> {
  if (!s) return fc.constant({});
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  const alt = s.anyOf ?? s.oneOf;
  if (alt?.length) return fc.oneof(...alt.map(validArb));
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string':
      return stringArb(s);
    case 'integer':
      return fc.integer({
        min: s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -1000),
        max: s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - 1 : 1_000_000),
      });
    case 'number':
      return fc.double({
        min: s.minimum ?? -1e6,
        max: s.maximum ?? 1e6,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(validArb(s.items), {
        minLength: s.minItems ?? 0,
        maxLength: Math.min(s.maxItems ?? 4, 4),
      });
    default: {
      const props = s.properties ?? {};
      const keys = Object.keys(props);
      const base =
        keys.length === 0
          ? fc.constant({} as Record<string, unknown>)
          : fc.record(Object.fromEntries(keys.map((k) => [k, validArb(props[k])])), {
              requiredKeys: (s.required ?? []).filter((k) => keys.includes(k)),
            });
      const extra = s.additionalProperties;
      if (extra && typeof extra === 'object')
        return fc
          .tuple(
            base,
            fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), validArb(extra), { maxKeys: 3 }),
          )
          .map(([b, d]) => ({ ...d, ...(b as object) }));
      return base;
    }
  }
}

export const evilValueArb = fc.constantFrom(...EVIL_VALUES);

/** A value of the wrong JSON type for a schema. */
export function wrongTypeArb(s: JsonSchema | undefined): fc.Arbitrary<{ name: string; value: unknown }> {
  const type = Array.isArray(s?.type) ? s?.type[0] : s?.type;
  const all: Array<{ name: string; value: unknown }> = [
    { name: 'string', value: 'x' },
    { name: 'integer', value: 7 },
    { name: 'number', value: 1.25 },
    { name: 'boolean', value: false },
    { name: 'null', value: null },
    { name: 'array', value: [] },
    { name: 'object', value: {} },
  ];
  const wrong = all.filter((w) => w.name !== type && !(type === 'number' && w.name === 'integer'));
  return fc.constantFrom(...wrong);
}
