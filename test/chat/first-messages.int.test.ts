// Issue 10, item 2, outside in: the whole stack as `npm start` runs it (separate processes) on
// RabbitMQ. Many rooms whose members all send their first message in the same tick: every
// member sees every message of its room, in order, every sender gets its echo, and a resend with
// the same RequestId is answered with the original message without taking a sequence number.
import { AMQP_URL, requireRabbit, waitFor } from '../support';
import { type StackProcess, startStackProcess } from '../support/stack-process';
import { type ChatSocket, chatApi, seqOf } from './chat-client';

const ROOMS = 20;
const MEMBERS = 5;

describe('first messages of many rooms, all in one tick', () => {
  jest.setTimeout(120_000);
  let stack: StackProcess;
  const sockets: ChatSocket[] = [];

  beforeAll(async () => {
    await requireRabbit();
    stack = await startStackProcess({ env: { AMQP_URL } });
  });
  afterAll(async () => {
    for (const s of sockets) s.ws.terminate();
    await stack?.stop();
  });

  it('delivers seq 1..5 to every socket in order, echoes every sender, and answers a resend with the original', async () => {
    const api = chatApi(stack.gatewayUrl, stack.token);
    const rooms = await Promise.all(
      Array.from({ length: ROOMS }, (_, r) => api.createRoom(`owner-${r}`, `first messages ${r}`)),
    );
    const members = await Promise.all(
      rooms.map((roomId, r) =>
        Promise.all(Array.from({ length: MEMBERS }, (_, m) => api.connect(`r${r}-u${m}`, roomId))),
      ),
    );
    sockets.push(...members.flat());

    // Everyone's first message in the same tick.
    const sent = members.map((room) => room.map((s) => ({ s, rid: s.send(`hello from ${s.userId}`) })));

    await waitFor(() => sockets.every((s) => s.seqs().length >= MEMBERS), {
      what: `every socket to receive its room's ${MEMBERS} messages`,
      timeoutMs: 30_000,
    }).catch((e: Error) => {
      const short = sockets.filter((s) => s.seqs().length < MEMBERS);
      throw new Error(
        `${e.message}; ${short.length} sockets short, e.g. ${short[0]?.userId}: ${short[0]?.seqs()}`,
      );
    });
    for (const s of sockets)
      expect({ user: s.userId, seqs: s.seqs() }).toEqual({ user: s.userId, seqs: [1, 2, 3, 4, 5] });
    const echoes = sent.flat().map(({ s, rid }) => s.echoOf(rid));
    expect(echoes.filter((e) => e === undefined)).toHaveLength(0);

    // A resend of the same RequestId (as a client that missed its echo would): the original
    // message (same id, same seq) comes back to the sender, and nothing new is stored.
    const resent = sent.map((room) => room[0]);
    const errors = sockets.flatMap((s) => s.frames.filter((f) => f.Type === 'ERROR'));
    if (errors.length) console.log('ERROR frames before the resends:', JSON.stringify(errors.slice(0, 5)));
    const before = resent.map(
      ({ s, rid }) => s.frames.filter((f) => f.Type === 'MESSAGE' && f.RequestId === rid).length,
    );
    for (const { s, rid } of resent) s.send(`hello from ${s.userId}`, rid);
    await waitFor(
      () =>
        resent.every(
          ({ s, rid }, i) =>
            s.frames.filter((f) => f.Type === 'MESSAGE' && f.RequestId === rid).length > before[i],
        ),
      { what: 'an answer to every resend', timeoutMs: 15_000 },
    );
    for (const { s, rid } of resent) {
      // (Under a loaded machine a first attempt may also have been refused, say after a
      // timeout, while the message was stored: the echo is what counts.)
      const messages = s.frames.filter((f) => f.Type === 'MESSAGE' && f.RequestId === rid);
      expect(messages.length).toBeGreaterThanOrEqual(2);
      const original = messages[0];
      const again = messages[messages.length - 1];
      expect(again.Id).toBe(original.Id);
      expect(seqOf(again)).toBe(seqOf(original));
    }
    // History holds exactly the five messages of each room, seqs 1..5: the resends took none.
    for (const [r, roomId] of rooms.entries()) {
      const h = await api.history(`r${r}-u0`, roomId);
      expect(h.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
    }
    // A sixth message after the resends gets seq 6 (the counter did not move either).
    const next = members[0][1];
    const rid = next.send('after the resends');
    await waitFor(() => next.echoOf(rid), { what: 'the echo of the sixth message' });
    expect(seqOf(next.echoOf(rid) ?? {})).toBe(6);
    expect(await stack.unhealthy()).toBeUndefined();
  });
});
