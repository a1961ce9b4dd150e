import fc from 'fast-check';
import * as ws from 'ws';
import { textFrame } from '../src/sockets/frames';

// `ws` exports the receiver its clients parse frames with; @types/ws does not declare it.
const { Receiver } = ws as unknown as {
  Receiver: new (o: {
    isServer: boolean;
    maxPayload: number;
  }) => NodeJS.EventEmitter & { write(chunk: Buffer): boolean };
};

/** Decode frames the way a client does: with `ws`'s own receiver (client side: unmasked frames). */
function decode(frames: Buffer[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const got: string[] = [];
    const r = new Receiver({ isServer: false, maxPayload: 0 });
    r.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) reject(new Error('a binary frame'));
      got.push(data.toString());
      if (got.length === frames.length) resolve(got);
    });
    r.on('error', reject);
    for (const f of frames) r.write(f);
  });
}

describe('textFrame', () => {
  it('makes frames a WebSocket client reads back as the same text, at every length encoding', async () => {
    const edges = [0, 1, 125, 126, 127, 65_535, 65_536, 70_000].map((n) => 'x'.repeat(n));
    await expect(decode(edges.map(textFrame))).resolves.toEqual(edges);
  });

  it('round-trips any text, multi-byte characters included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: 'grapheme', maxLength: 300 }), { minLength: 1, maxLength: 20 }),
        async (texts) => {
          expect(await decode(texts.map(textFrame))).toEqual(texts);
        },
      ),
      { numRuns: 200 },
    );
  });
});
