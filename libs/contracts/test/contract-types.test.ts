// Types flow from a contract to both ends: the sender's envelope (envelopeOf) and the handler's
// data (MessageRouter.on, handling) have the contract's type, so a message that does not fit
// its contract, or a handler that reads a field the contract does not have, fails to compile.
// `npm run typecheck` compiles this file: each @ts-expect-error below must stay an error (tsc
// fails on an unused one), which is the proof; the runtime part checks the same at run time.
import { handling, MessageRouter, silentLogger } from '@onair/runtime';
import { envelopeOf, StreamUpdate } from '../src';

const actor = { userId: 'alice', roles: ['streamer' as const] };

describe('contract types at both ends', () => {
  it('a sender cannot build a message its contract refuses', () => {
    const ok = envelopeOf(StreamUpdate, { source: 't', data: { streamId: 's1', actor, title: 'Hi' } });
    expect(ok.type).toBe('onair.stream.update.v1');
    // @ts-expect-error title is required by the contract
    envelopeOf(StreamUpdate, { source: 't', data: { streamId: 's1', actor } });
    // @ts-expect-error title is a string in the contract
    envelopeOf(StreamUpdate, { source: 't', data: { streamId: 's1', actor, title: 5 } });
  });

  it('a handler gets the contract data type and cannot read what it does not have', async () => {
    const seen: string[] = [];
    const router = new MessageRouter('test').on(StreamUpdate, async (msg) => {
      seen.push(msg.data.title); // typed: a string, no cast
      // @ts-expect-error the contract has no `owner` field
      void msg.data.owner;
      return undefined;
    });
    const ctx = { attempt: 1, log: silentLogger };
    await router.handle(
      envelopeOf(StreamUpdate, { source: 't', data: { streamId: 's1', actor, title: 'Hi' } }),
      ctx,
    );
    expect(seen).toEqual(['Hi']);
    // At run time too: data that does not fit the contract never reaches the handler (400).
    const bad = {
      ...envelopeOf(StreamUpdate, { source: 't', data: { streamId: 's1', actor, title: 'x' } }),
      data: {},
    };
    await expect(handling(StreamUpdate, async () => undefined)(bad, ctx)).rejects.toMatchObject({
      status: 400,
    });
  });
});
