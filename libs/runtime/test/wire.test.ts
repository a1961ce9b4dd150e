import fc from 'fast-check';
import { toWireJson, wireSafe } from '../src/bus/wire';

/** What AWS SQS allows in a message body (fauxqs allows the same minus astral characters). */
const SQS_ALLOWED = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD]*$/;
/** What the bus writes: printable ASCII and BMP text, no surrogate, control or noncharacter. */
const WIRE = /^[\t\n\r\u0020-\u007E\u00A0-\uD7FF\uE000-\uFFFD]*$/;

describe('wire JSON', () => {
  it('parses back to the identical value, and holds only characters SQS (and fauxqs) accept', () => {
    fc.assert(
      fc.property(
        // Any JSON value whose strings are any UTF-16 code units (lone surrogates included).
        fc.jsonValue({ stringUnit: 'binary' }),
        fc.string({ unit: 'binary' }),
        (value, text) => {
          for (const v of [value, { text, [text]: [text] }]) {
            const wire = toWireJson(v);
            expect(wire).toMatch(WIRE);
            expect(wire).toMatch(SQS_ALLOWED);
            expect(JSON.parse(wire)).toEqual(JSON.parse(JSON.stringify(v)));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('escapes astral characters as surrogate pairs and leaves the rest of the text alone', () => {
    expect(toWireJson({ topic: '😀' })).toBe('{"topic":"\\ud83d\\ude00"}');
    expect(toWireJson('hi 😀 안녕 שלום\t\n\u0001\u0085\ufffe')).toBe(
      '"hi \\ud83d\\ude00 안녕 שלום\\t\\n\\u0001\\u0085\\ufffe"',
    );
    // Lone surrogates: JSON.stringify escapes them already; they stay escaped.
    expect(JSON.parse(toWireJson('\ud800x\udfff'))).toBe('\ud800x\udfff');
    // Nothing to escape: the very same string comes back.
    const plain = '{"a":"b"}';
    expect(wireSafe(plain)).toBe(plain);
  });

  it('makes free text (an error in a message attribute) legal for SQS', () => {
    expect(wireSafe('failed on 😀\u0000')).toBe('failed on \\ud83d\\ude00\\u0000');
    expect(wireSafe('failed on 😀\u0000')).toMatch(SQS_ALLOWED);
  });
});
