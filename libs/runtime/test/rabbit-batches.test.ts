// The framing of many envelopes in one AMQP message: whatever the texts (any Unicode, empty,
// many), cutting the joined body by its header gives them back byte for byte; a header that
// does not describe the body is refused, never cut at the wrong places.
import fc from 'fast-check';
import { joinParts, splitParts } from '../src/bus/rabbit-batches';

describe('batched AMQP bodies', () => {
  it('split(join(parts)) gives every part back, for any texts', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 40 }), (parts) => {
        const { body, lengths } = joinParts(parts);
        const back = splitParts(body, lengths)?.map((b) => b.toString('utf8'));
        expect(back).toEqual(parts);
      }),
    );
  });

  it('is no batch without the header, and refuses a header that does not add up or is not lengths', () => {
    const { body, lengths } = joinParts(['{"a":1}', '{"b":2}']);
    expect(splitParts(body, undefined)).toBeUndefined();
    fc.assert(
      fc.property(
        fc.oneof(
          fc
            .array(fc.nat({ max: 50 }), { minLength: 1 })
            .filter((l) => l.reduce((a, b) => a + b, 0) !== body.length),
          fc.constant([lengths[0], -1]),
          fc.constant('14'),
          fc.constant([1.5, body.length - 1.5]),
        ),
        (header) => {
          expect(() => splitParts(body, header)).toThrow(/x-onair-batch/);
        },
      ),
    );
  });
});
