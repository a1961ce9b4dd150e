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

    // A resend of the same RequestId by a client that missed its echo: on its socket it cannot
    // have (the echo was written to it), so it reconnected and resends on the new socket. The
    // original message (same id, same seq) comes back, and nothing new is stored.
    const resent = await Promise.all(
      sent.map(async (room, r) => {
        const { s, rid } = room[0];
        const again = await api.connect(s.userId, rooms[r]);
        sockets.push(again);
        return { s, again, rid };
      }),
    );
    const errors = sockets.flatMap((s) => s.frames.filter((f) => f.Type === 'ERROR'));
    if (errors.length) console.log('ERROR frames before the resends:', JSON.stringify(errors.slice(0, 5)));
    for (const { s, again, rid } of resent) again.send(`hello from ${s.userId}`, rid);
    await waitFor(
      () =>
        resent.every(({ again, rid }) =>
          again.frames.some((f) => f.Type === 'MESSAGE' && f.RequestId === rid),
        ),
      { what: 'an answer to every resend', timeoutMs: 15_000 },
    );
    for (const { s, again, rid } of resent) {
      const original = s.frames.find((f) => f.Type === 'MESSAGE' && f.RequestId === rid);
      const answers = again.frames.filter((f) => f.Type === 'MESSAGE' && f.RequestId === rid);
      expect(answers).toHaveLength(1);
      expect(answers[0].Id).toBe(original?.Id);
      expect(seqOf(answers[0])).toBe(seqOf(original ?? {}));
    }
    // A resend that crosses its echo on the same socket (sent before the echo was read) brings
    // no second copy: the socket holds each message once.
    const crossing = members[1][2];
    const crossingRid = crossing.send('crossing');
    crossing.send('crossing', crossingRid);
    await waitFor(() => crossing.echoOf(crossingRid), { what: 'the echo of the crossing message' });
    const marker = crossing.send('after the crossing resend');
    await waitFor(() => crossing.echoOf(marker), { what: 'the echo of the message after it' });
    expect(crossing.frames.filter((f) => f.Type === 'MESSAGE' && f.RequestId === crossingRid)).toHaveLength(
      1,
    );
    // History holds exactly the five messages of each room, seqs 1..5: the resends took none.
    for (const [r, roomId] of rooms.entries()) {
      const h = await api.history(`r${r}-u0`, roomId);
      expect(h.map((m) => m.seq)).toEqual(r === 1 ? [1, 2, 3, 4, 5, 6, 7] : [1, 2, 3, 4, 5]);
    }
    // A next message after the resends gets seq 6 (the counter did not move either).
    const next = members[0][1];
    const rid = next.send('after the resends');
    await waitFor(() => next.echoOf(rid), { what: 'the echo of the sixth message' });
    expect(seqOf(next.echoOf(rid) ?? {})).toBe(6);
    expect(await stack.unhealthy()).toBeUndefined();
  });
});
