import fc from 'fast-check';
import { compilePattern, InvalidEventPatternError, matchesPattern } from '../src/eventbridge/pattern';

const event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'IVS Stream State Change',
  source: 'aws.ivs',
  account: '000000000000',
  time: '2024-03-01T12:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:ivs:us-east-1:000000000000:channel/abc', 'arn:aws:ivs:us-east-1:000000000000:stage/x'],
  detail: {
    event_name: 'Stream Start',
    channel_name: 'Main-Channel',
    viewers: 42,
    ratio: 0.5,
    live: true,
    note: null,
    tags: ['music', 'live'],
    location: { city: 'Berlin', zip: '10115' },
    sessions: [
      { id: 's1', state: 'ended' },
      { id: 's2', state: 'running' },
    ],
    ip: '10.0.3.17',
    ip6: '2001:db8::8a2e:370:7334',
    file: 'recording.mp4',
  },
};

// [description, pattern, expected]
const table: Array<[string, unknown, boolean]> = [
  ['exact string', { source: ['aws.ivs'] }, true],
  ['exact string mismatch', { source: ['aws.ec2'] }, false],
  ['array is OR', { source: ['aws.ec2', 'aws.ivs'] }, true],
  ['fields are AND', { source: ['aws.ivs'], 'detail-type': ['Other'] }, false],
  ['nested object', { detail: { location: { city: ['Berlin'] } } }, true],
  ['nested mismatch', { detail: { location: { city: ['Paris'] } } }, false],
  ['missing field does not match', { detail: { nope: ['x'] } }, false],
  ['number exact', { detail: { viewers: [42] } }, true],
  ['number is not string', { detail: { viewers: ['42'] } }, false],
  ['boolean exact', { detail: { live: [true] } }, true],
  ['null exact', { detail: { note: [null] } }, true],
  ['null does not match missing', { detail: { nope: [null] } }, false],
  ['event array: any element', { detail: { tags: ['live'] } }, true],
  ['resources array', { resources: ['arn:aws:ivs:us-east-1:000000000000:channel/abc'] }, true],
  ['array of objects: any element', { detail: { sessions: { state: ['running'] } } }, true],
  ['array of objects: same element', { detail: { sessions: { id: ['s1'], state: ['running'] } } }, false],
  ['prefix', { detail: { channel_name: [{ prefix: 'Main' }] } }, true],
  ['prefix case-sensitive', { detail: { channel_name: [{ prefix: 'main' }] } }, false],
  ['prefix ignore case', { detail: { channel_name: [{ prefix: { 'equals-ignore-case': 'main' } }] } }, true],
  ['suffix', { detail: { file: [{ suffix: '.mp4' }] } }, true],
  ['suffix mismatch', { detail: { file: [{ suffix: '.png' }] } }, false],
  ['suffix ignore case', { detail: { file: [{ suffix: { 'equals-ignore-case': '.MP4' } }] } }, true],
  ['prefix on number never matches', { detail: { viewers: [{ prefix: '4' }] } }, false],
  ['equals-ignore-case', { detail: { event_name: [{ 'equals-ignore-case': 'STREAM START' }] } }, true],
  [
    'equals-ignore-case mismatch',
    { detail: { event_name: [{ 'equals-ignore-case': 'stream end' }] } },
    false,
  ],
  ['anything-but value', { source: [{ 'anything-but': 'aws.ec2' }] }, true],
  ['anything-but own value', { source: [{ 'anything-but': 'aws.ivs' }] }, false],
  ['anything-but list', { source: [{ 'anything-but': ['aws.ec2', 'aws.ivs'] }] }, false],
  ['anything-but number', { detail: { viewers: [{ 'anything-but': [1, 2] }] } }, true],
  ['anything-but number own', { detail: { viewers: [{ 'anything-but': [42] }] } }, false],
  ['anything-but missing field', { detail: { nope: [{ 'anything-but': 'x' }] } }, false],
  ['anything-but on array: one element differs', { detail: { tags: [{ 'anything-but': 'music' }] } }, true],
  [
    'anything-but on array: all excluded',
    { detail: { tags: [{ 'anything-but': ['music', 'live'] }] } },
    false,
  ],
  ['anything-but prefix', { source: [{ 'anything-but': { prefix: 'aws.' } }] }, false],
  ['anything-but prefix other', { source: [{ 'anything-but': { prefix: 'custom.' } }] }, true],
  ['anything-but suffix', { detail: { file: [{ 'anything-but': { suffix: '.mp4' } }] } }, false],
  [
    'anything-but ignore case',
    { detail: { event_name: [{ 'anything-but': { 'equals-ignore-case': 'STREAM start' } }] } },
    false,
  ],
  ['anything-but wildcard', { detail: { file: [{ 'anything-but': { wildcard: '*.mp4' } }] } }, false],
  ['exists true', { detail: { viewers: [{ exists: true }] } }, true],
  ['exists true missing', { detail: { nope: [{ exists: true }] } }, false],
  ['exists false missing', { detail: { nope: [{ exists: false }] } }, true],
  ['exists false present', { detail: { viewers: [{ exists: false }] } }, false],
  ['exists false under missing parent', { detail: { nope: { deeper: [{ exists: false }] } } }, true],
  ['exists true on null value', { detail: { note: [{ exists: true }] } }, true],
  ['exists is leaf-only: object field', { detail: { location: [{ exists: true }] } }, false],
  ['numeric range', { detail: { viewers: [{ numeric: ['>', 0, '<=', 42] }] } }, true],
  ['numeric range exclusive top', { detail: { viewers: [{ numeric: ['>', 0, '<', 42] }] } }, false],
  ['numeric equals', { detail: { ratio: [{ numeric: ['=', 0.5] }] } }, true],
  ['numeric >=', { detail: { viewers: [{ numeric: ['>=', 42] }] } }, true],
  ['numeric on string never matches', { detail: { zip: [{ numeric: ['>', 0] }] } }, false],
  ['wildcard', { detail: { file: [{ wildcard: 'rec*.mp4' }] } }, true],
  ['wildcard mismatch', { detail: { file: [{ wildcard: 'rec*.png' }] } }, false],
  ['wildcard is anchored', { detail: { file: [{ wildcard: 'ecording*' }] } }, false],
  ['wildcard escaped star', { detail: { file: [{ wildcard: 'rec\\*' }] } }, false],
  ['cidr', { detail: { ip: [{ cidr: '10.0.0.0/16' }] } }, true],
  ['cidr mismatch', { detail: { ip: [{ cidr: '10.1.0.0/16' }] } }, false],
  ['cidr of the other family', { detail: { ip: [{ cidr: '::/0' }] } }, false],
  ['ipv6 cidr', { detail: { ip6: [{ cidr: '2001:db8::/32' }] } }, true],
  ['ipv6 cidr mismatch', { detail: { ip6: [{ cidr: '2001:db9::/32' }] } }, false],
  ['ipv6 cidr /128', { detail: { ip6: [{ cidr: '2001:db8::8a2e:370:7334/128' }] } }, true],
  ['mixed OR of literal and filter', { detail: { viewers: [7, { numeric: ['>', 40] }] } }, true],
  ['$or', { $or: [{ source: ['aws.ec2'] }, { detail: { live: [true] } }] }, true],
  ['$or none', { $or: [{ source: ['aws.ec2'] }, { detail: { live: [false] } }] }, false],
  ['envelope fields', { account: ['000000000000'], region: ['us-east-1'], version: ['0'] }, true],
];

describe('EventBridge pattern matching (table)', () => {
  it.each(table)('%s', (_name, pattern, expected) => {
    expect(matchesPattern(pattern, event)).toBe(expected);
  });

  it('accepts the pattern as a JSON string', () => {
    expect(matchesPattern(JSON.stringify({ source: ['aws.ivs'] }), event)).toBe(true);
  });

  const invalid: Array<[string, unknown]> = [
    ['not JSON', '{source'],
    ['not an object', ['aws.ivs']],
    ['empty object', {}],
    ['scalar field value', { source: 'aws.ivs' }],
    ['empty array', { source: [] }],
    ['unknown operator', { source: [{ 'begins-with': 'aws' }] }],
    ['two operators in one filter', { source: [{ prefix: 'a', suffix: 'b' }] }],
    ['numeric with bad operator', { detail: { n: [{ numeric: ['>>', 1] }] } }],
    ['numeric with string operand', { detail: { n: [{ numeric: ['>', '1'] }] } }],
    ['numeric inverted range', { detail: { n: [{ numeric: ['>', 5, '<', 1] }] } }],
    ['numeric two lower bounds', { detail: { n: [{ numeric: ['>', 1, '>', 2] }] } }],
    ['exists non-boolean', { detail: { n: [{ exists: 'yes' }] } }],
    ['prefix non-string', { source: [{ prefix: 5 }] }],
    ['anything-but mixed list', { source: [{ 'anything-but': ['a', 1] }] }],
    ['wildcard double star', { source: [{ wildcard: 'a**b' }] }],
    ['$or with one branch', { $or: [{ source: ['a'] }] }],
    ['nested array in matcher list', { source: [['a']] }],
    ['cidr without prefix length', { detail: { ip: [{ cidr: '10.0.0.0' }] } }],
    ['ipv4 cidr prefix over 32', { detail: { ip: [{ cidr: '10.0.0.0/33' }] } }],
    ['ipv6 cidr prefix over 128', { detail: { ip: [{ cidr: '2001:db8::/129' }] } }],
    ['cidr of no address', { detail: { ip: [{ cidr: '10.0.0/8' }] } }],
  ];
  it.each(invalid)('rejects %s', (_name, pattern) => {
    expect(() => compilePattern(pattern)).toThrow(InvalidEventPatternError);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const key = fc.stringMatching(/^[a-z][a-z0-9_]{0,7}$/);
const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
  fc.boolean(),
  fc.constant(null),
);
const detailArb: fc.Arbitrary<Record<string, unknown>> = fc.letrec((tie) => ({
  obj: fc.dictionary(key, tie('value'), { minKeys: 1, maxKeys: 5 }),
  value: fc.oneof(
    { depthSize: 'small' },
    scalar,
    tie('obj'),
    fc.array(scalar, { minLength: 1, maxLength: 3 }),
  ),
})).obj as fc.Arbitrary<Record<string, unknown>>;

const envelopeArb = fc.record({
  version: fc.constant('0'),
  id: fc.uuid(),
  'detail-type': fc.string({ minLength: 1, maxLength: 20 }),
  source: fc.stringMatching(/^[a-z]{1,8}\.[a-z]{1,8}$/),
  account: fc.constant('000000000000'),
  time: fc.constant('2024-03-01T12:00:00Z'),
  region: fc.constantFrom('us-east-1', 'eu-west-1'),
  resources: fc.array(fc.string({ minLength: 1, maxLength: 10 }), { maxLength: 3 }),
  detail: detailArb,
});

/** Every path to a scalar (or scalar array) in an object, with the value found there. */
function leafPaths(
  obj: Record<string, unknown>,
  prefix: string[] = [],
): Array<{ path: string[]; value: unknown }> {
  return Object.entries(obj).flatMap(([k, v]) => {
    const path = [...prefix, k];
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      return leafPaths(v as Record<string, unknown>, path);
    }
    return [{ path, value: v }];
  });
}

/** Wraps a matcher list at a path: ['detail','a'] + [x] -> {detail: {a: [x]}}. */
function at(path: string[], matchers: unknown[]): Record<string, unknown> {
  return path.reduceRight<unknown>((inner, k) => ({ [k]: inner }), matchers) as Record<string, unknown>;
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] =
      cur && typeof cur === 'object' && !Array.isArray(cur) && v && typeof v === 'object' && !Array.isArray(v)
        ? merge(cur as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

const leafArb = envelopeArb.chain((env) => {
  const leaves = leafPaths(env as unknown as Record<string, unknown>).filter(
    (l) => !Array.isArray(l.value) || l.value.length > 0,
  );
  return fc.record({ env: fc.constant(env), leaf: fc.constantFrom(...leaves) });
});

describe('EventBridge pattern matching (properties)', () => {
  it('a pattern built from any subset of the event’s own fields matches it', () => {
    fc.assert(
      fc.property(
        envelopeArb.chain((env) => {
          const leaves = leafPaths(env as unknown as Record<string, unknown>).filter(
            (l) => !Array.isArray(l.value) || l.value.length > 0,
          );
          return fc.record({ env: fc.constant(env), picked: fc.subarray(leaves, { minLength: 1 }) });
        }),
        ({ env, picked }) => {
          const pattern = picked
            .map(({ path, value }) => at(path, Array.isArray(value) ? value : [value]))
            .reduce(merge, {});
          expect(matchesPattern(pattern, env)).toBe(true);
        },
      ),
    );
  });

  it('anything-but the event’s own scalar value never matches', () => {
    fc.assert(
      fc.property(leafArb, ({ env, leaf }) => {
        fc.pre(typeof leaf.value === 'string' || typeof leaf.value === 'number');
        expect(matchesPattern(at(leaf.path, [{ 'anything-but': leaf.value }]), env)).toBe(false);
        // ...and adding it to a list that also holds other values changes nothing.
        const other = typeof leaf.value === 'string' ? `${leaf.value}-x` : (leaf.value as number) + 1;
        expect(matchesPattern(at(leaf.path, [{ 'anything-but': [other, leaf.value] }]), env)).toBe(false);
      }),
    );
  });

  it('exists:true matches every present leaf and exists:false none', () => {
    fc.assert(
      fc.property(leafArb, ({ env, leaf }) => {
        expect(matchesPattern(at(leaf.path, [{ exists: true }]), env)).toBe(true);
        expect(matchesPattern(at(leaf.path, [{ exists: false }]), env)).toBe(false);
      }),
    );
  });

  it('every prefix and suffix of a string value matches; ignore-case equality holds', () => {
    fc.assert(
      fc.property(leafArb, fc.nat(), ({ env, leaf }, cut) => {
        fc.pre(typeof leaf.value === 'string');
        const s = leaf.value as string;
        const n = s.length === 0 ? 0 : cut % (s.length + 1);
        expect(matchesPattern(at(leaf.path, [{ prefix: s.slice(0, n) }]), env)).toBe(true);
        expect(matchesPattern(at(leaf.path, [{ suffix: s.slice(n) }]), env)).toBe(true);
        expect(matchesPattern(at(leaf.path, [{ 'equals-ignore-case': s.toUpperCase() }]), env)).toBe(true);
      }),
    );
  });

  it('numeric ranges match exactly the numbers inside them', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
        fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
        fc.double({ noNaN: true, noDefaultInfinity: true, min: 1e-3, max: 1e6 }),
        (value, low, width) => {
          const high = low + width;
          fc.pre(high > low);
          const env = { detail: { n: value } };
          const inside = value > low && value <= high;
          expect(matchesPattern({ detail: { n: [{ numeric: ['>', low, '<=', high] }] } }, env)).toBe(inside);
          expect(matchesPattern({ detail: { n: [{ numeric: ['=', value] }] } }, env)).toBe(true);
        },
      ),
    );
  });

  it('adding a field the event lacks makes any matching pattern fail', () => {
    fc.assert(
      fc.property(leafArb, ({ env, leaf }) => {
        const value = leaf.value;
        const base = at(leaf.path, Array.isArray(value) ? value : [value]);
        expect(matchesPattern(base, env)).toBe(true);
        const stricter = merge(base, { detail: { __absent__: ['x'] } });
        expect(matchesPattern(stricter, env)).toBe(false);
      }),
    );
  });

  it('anything-but is the complement of an exact match for scalar fields', () => {
    fc.assert(
      fc.property(
        leafArb,
        fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 4 }),
        ({ env, leaf }, values) => {
          fc.pre(typeof leaf.value === 'string');
          const exact = matchesPattern(at(leaf.path, values), env);
          const but = matchesPattern(at(leaf.path, [{ 'anything-but': values }]), env);
          expect(but).toBe(!exact);
        },
      ),
    );
  });
});
