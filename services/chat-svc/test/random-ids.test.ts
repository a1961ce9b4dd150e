import { randomIdPart } from '../src/messages/random-ids';
import { messageIdFor, seqInMessageId } from '../src/table';

describe('the random part of a message id', () => {
  it('is 8 base64url characters, a different one each time, across refills of its pool', () => {
    const parts = Array.from({ length: 5000 }, () => randomIdPart());
    for (const p of parts) expect(p).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(new Set(parts).size).toBe(parts.length);
    expect(seqInMessageId(messageIdFor(42, parts[0] ?? ''))).toBe(42);
  });
});
