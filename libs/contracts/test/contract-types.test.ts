// Types flow from a contract to both ends: the sender's envelope (envelopeOf, followWith for
// events, replies and commands caused by another message) and the handler's data
// (MessageRouter.on, handling, replyData) have the contract's type, so a message that does not fit
// its contract, or a handler that reads a field the contract does not have, fails to compile.
// `npm run typecheck` compiles this file: each @ts-expect-error below must stay an error (tsc
// fails on an unused one), which is the proof; the runtime part checks the same at run time.
import { handling, MessageRouter, replyData, silentLogger } from '@onair/runtime';
import { ChatTokenCreate, ChatTokenCreated, envelopeOf, followWith, RoomDeleted, StreamUpdate } from '../src';

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

  it('an event caused by a command is typed by its contract', () => {
    const cmd = envelopeOf(StreamUpdate, { source: 't', data: { streamId: 's1', actor, title: 'Hi' } });
    const evt = followWith(RoomDeleted, cmd, { source: 't', subject: 'r1', data: { roomId: 'r1' } });
    expect(evt.type).toBe('onair.room.deleted.v1');
    expect(evt.data.roomId).toBe('r1');
    // @ts-expect-error the contract names the field roomId: a renamed field fails where it is built
    followWith(RoomDeleted, cmd, { source: 't', data: { id: 'r1' } });
    // @ts-expect-error roomId is required by the contract
    followWith(RoomDeleted, cmd, { source: 't', data: {} });
  });

  it('a reply is typed by its contract at the replier and at the requester', () => {
    const cmd = envelopeOf(ChatTokenCreate, {
      source: 't',
      data: { roomId: 'r1', actor, defaultCapabilities: ['SEND_MESSAGE'] },
    });
    const data = {
      roomId: 'r1',
      token: 'tok',
      sessionExpirationTime: '2026-01-01T00:00:00.000Z',
      tokenExpirationTime: '2026-01-01T00:00:00.000Z',
      capabilities: ['SEND_MESSAGE' as const],
    };
    const reply = followWith(ChatTokenCreated, cmd, { source: 'chat-svc', subject: 'r1', data });
    const { token: _token, ...withoutToken } = data;
    // @ts-expect-error the reply's contract requires a token
    followWith(ChatTokenCreated, cmd, { source: 'chat-svc', data: withoutToken });
    // @ts-expect-error capabilities are the contract's names, not any string
    followWith(ChatTokenCreated, cmd, { source: 'chat-svc', data: { ...data, capabilities: ['FLY'] } });
    const got = replyData(ChatTokenCreated, reply);
    expect(got.token).toBe('tok'); // typed: a string, no cast
    // @ts-expect-error the reply's contract has no `secret` field
    void got.secret;
  });
});
