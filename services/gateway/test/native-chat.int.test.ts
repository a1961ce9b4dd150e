import { makeEnvelope } from '@onair/contracts';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { type startDynalite, type testBuses, waitFor } from '../../../test/support';
import {
  chatToken,
  createNativeRoom,
  openChatSocket,
  startChatGateway,
  stopChatParts,
  startChatBackend,
  startFanoutService,
} from '../../../test/support/chat';
import { ChatRoomsReadModel } from '../src/read-models/chat-rooms';
import { GROUP_OWNER, groupRoomId } from '../src/sockets/access';
import { TEST_SECRET, tokenFor } from './helpers';

const CHAT_SECRET = 'chat-token-secret-e2e-tests';
const ROOM = 'lobby';

interface Client {
  ws: WebSocket;
  frames: Array<Record<string, unknown>>;
  seqs: () => number[];
  lastSeq: () => number;
}

/**
 * Native chat end to end with real parts: chat-svc (dynalite), two fanout-svc instances, two
 * gateway instances, RabbitMQ, and WebSocket clients speaking the IVS Chat protocol.
 */
describe('native chat across two gateways and two fanout instances', () => {
  jest.setTimeout(60_000);
  let db: Awaited<ReturnType<typeof startDynalite>>;
  let buses: Awaited<ReturnType<typeof testBuses>>;
  const gateways: Record<string, { app: FastifyInstance; port: number }> = {};
  const stops: Array<() => Promise<unknown>> = [];
  let client: Awaited<ReturnType<typeof buses.make>>;
  let fanouts: Array<Awaited<ReturnType<typeof startFanoutService>>>;
  let roomsTable: ChatRoomsReadModel;

  const token = (userId: string, roles: Array<'viewer' | 'streamer' | 'moderator'> = ['streamer']) =>
    chatToken(client, ROOM, userId, roles);

  const connect = async (gw: string, userId: string, since?: number): Promise<Client> => {
    const url = `ws://127.0.0.1:${gateways[gw].port}/v1/chat/ws${since !== undefined ? `?since=${since}` : ''}`;
    const { ws, frames } = await openChatSocket(url, await token(userId));
    const seqs = () =>
      frames
        .filter((f) => f.Type === 'MESSAGE')
        .map((f) => Number((f.Attributes as Record<string, string>)['onair:seq']));
    return { ws, frames, seqs, lastSeq: () => Math.max(0, ...seqs()) };
  };

  const say = (c: Client, content: string) =>
    c.ws.send(
      JSON.stringify({ Action: 'SEND_MESSAGE', RequestId: `${content}-${Math.random()}`, Content: content }),
    );

  /** Wait until every fanout instance routes ROOM to each user's gateway (joins are events: they take a moment). */
  const present = (...who: Array<[gw: string, user: string]>) =>
    waitFor(
      () => fanouts.every((f) => who.every(([gw, user]) => f.index.gatewaysFor(ROOM, [user]).includes(gw))),
      {
        what: `${who.map((w) => w[1]).join(', ')} in every fanout index`,
      },
    );

  beforeAll(async () => {
    const table = 'onair-chat-e2e';
    const backend = await startChatBackend({ table, chatTokenSecret: CHAT_SECRET });
    ({ db, buses } = backend);
    const { ddb, chat } = backend;
    stops.push(() => chat.stop());
    roomsTable = new ChatRoomsReadModel(ddb, table);
    fanouts = [];
    for (const id of ['fan-1', 'fan-2']) {
      const f = await startFanoutService(await buses.make('fanout-svc', id), id);
      fanouts.push(f);
      stops.push(() => f.stop());
    }
    for (const gw of ['gw-1', 'gw-2']) {
      gateways[gw] = await startChatGateway({
        bus: await buses.make('gateway', gw),
        instanceId: gw,
        ddb,
        table,
        chatTokenSecret: CHAT_SECRET,
      });
    }
    client = await buses.make('test-client');
    await createNativeRoom(client, ROOM, 'Lobby');
  });

  afterAll(async () => {
    await stopChatParts({ gateways: Object.values(gateways), stops, buses, db });
  });

  it('delivers every message exactly once to members on both gateways, all in the same order', async () => {
    const a = await connect('gw-1', 'ann');
    const b = await connect('gw-2', 'ben');
    const c = await connect('gw-1', 'cat');
    await present(['gw-1', 'ann'], ['gw-2', 'ben'], ['gw-1', 'cat']);
    for (let i = 0; i < 10; i++) {
      say(a, `a${i}`);
      say(b, `b${i}`);
    }
    for (const x of [a, b, c])
      await waitFor(() => x.seqs().length >= 20, { what: '20 messages at every member' });
    const first = a.seqs();
    expect(first).toHaveLength(20);
    expect(new Set(first).size).toBe(20);
    expect([...first].sort((p, q) => p - q)).toEqual(first); // in sequence order
    expect(b.seqs()).toEqual(first);
    expect(c.seqs()).toEqual(first);
    for (const x of [a, b, c]) x.ws.close();
  });

  it('recovers everything a client missed, in order, then tells it recovery was complete', async () => {
    const listener = await connect('gw-2', 'dan');
    const talker = await connect('gw-1', 'eve');
    await present(['gw-2', 'dan'], ['gw-1', 'eve']);
    say(talker, 'before');
    await waitFor(() => listener.frames.some((f) => f.Content === 'before'), { what: 'the first message' });
    const seen = listener.lastSeq();
    listener.ws.close();
    for (let i = 0; i < 5; i++) say(talker, `missed ${i}`);
    await waitFor(() => talker.frames.filter((f) => String(f.Content).startsWith('missed')).length === 5, {
      what: 'the missed messages stored',
    });

    const back = await connect('gw-2', 'dan', seen);
    await waitFor(() => back.frames.some((f) => f.EventName === 'onair:RECOVERY'), {
      what: 'the recovery event',
    });
    const rec = back.frames.find((f) => f.EventName === 'onair:RECOVERY') as {
      Attributes: Record<string, string>;
    };
    expect(rec.Attributes.complete).toBe('true');
    const recovered = back.frames.filter((f) => f.Type === 'MESSAGE').map((f) => f.Content);
    expect(recovered).toEqual(['missed 0', 'missed 1', 'missed 2', 'missed 3', 'missed 4']);
    // Live messages follow, without duplicates.
    await present(['gw-2', 'dan']);
    say(talker, 'live again');
    await waitFor(() => back.frames.some((f) => f.Content === 'live again'), {
      what: 'a live message after recovery',
    });
    expect(new Set(back.seqs()).size).toBe(back.seqs().length);
    expect(back.seqs()).toEqual([...back.seqs()].sort((p, q) => p - q));
    back.ws.close();
    talker.ws.close();
  });

  it('serves the history over REST, paged by sequence number', async () => {
    const { SignJWT } = await import('jose');
    const jwt = await new SignJWT({ roles: ['viewer'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('reader')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(TEST_SECRET));
    const page = async (after: number) =>
      (
        await gateways['gw-1'].app.inject({
          url: `/v1/chat/rooms/${ROOM}/messages?after=${after}&limit=10`,
          headers: { authorization: `Bearer ${jwt}` },
        })
      ).json() as {
        messages: Array<{ seq: number }>;
        hasMore: boolean;
        nextAfter: number;
      };
    const p1 = await page(0);
    expect(p1.messages).toHaveLength(10);
    expect(p1.hasMore).toBe(true);
    const p2 = await page(p1.nextAfter);
    expect(p2.messages[0].seq).toBeGreaterThan(p1.messages[9].seq);
    expect((await gateways['gw-1'].app.inject({ url: `/v1/chat/rooms/${ROOM}/messages` })).statusCode).toBe(
      401,
    );
  });

  it('pushes stream state (live, ended) to the members of the stream chat room', async () => {
    const member = await connect('gw-2', 'hal');
    await waitFor(() => fanouts.every((f) => f.index.gatewaysFor(ROOM, ['hal']).includes('gw-2')), {
      what: 'hal in every fanout index',
    });
    for (const status of ['live', 'ended'] as const) {
      await client.publish(
        makeEnvelope({
          type: 'onair.stream.state-changed.v1',
          source: 'stream-svc',
          data: { streamId: 'st_1', chatRoomId: ROOM, status, at: new Date().toISOString() },
        }),
      );
    }
    await waitFor(() => member.frames.filter((f) => f.EventName === 'onair:STREAM_STATE').length === 2, {
      what: 'two stream state events',
    });
    const states = member.frames
      .filter((f) => f.EventName === 'onair:STREAM_STATE')
      .map((f) => (f.Attributes as Record<string, string>).status);
    expect(states).toEqual(['live', 'ended']);
    member.ws.close();
  });

  it("a ban over REST closes the user's sockets, refuses new tokens and survives reconnects; lifting it lets them back", async () => {
    const { SignJWT } = await import('jose');
    const bearer = async (sub: string, roles: string[]) =>
      `Bearer ${await new SignJWT({ roles }).setProtectedHeader({ alg: 'HS256' }).setSubject(sub).setExpirationTime('5m').sign(new TextEncoder().encode(TEST_SECRET))}`;
    const troll = await connect('gw-2', 'troll');
    await present(['gw-2', 'troll']);
    const closed = new Promise<number>((r) => troll.ws.once('close', (code) => r(code)));
    const gw = gateways['gw-2'].app;
    const asViewer = await gw.inject({
      method: 'POST',
      url: `/v1/chat/rooms/${ROOM}/bans`,
      headers: { authorization: await bearer('vic', ['viewer']) },
      payload: { userId: 'troll' },
    });
    expect(asViewer.statusCode).toBe(403);
    const ban = await gw.inject({
      method: 'POST',
      url: `/v1/chat/rooms/${ROOM}/bans`,
      headers: { authorization: await bearer('boss', ['admin']) },
      payload: { userId: 'troll', reason: 'spam' },
    });
    expect(ban.statusCode).toBe(204);
    expect(await closed).toBe(1000);
    await expect(token('troll')).rejects.toMatchObject({
      status: 403,
      message: 'You are banned from this room',
    });
    const lift = await gw.inject({
      method: 'DELETE',
      url: `/v1/chat/rooms/${ROOM}/bans/troll`,
      headers: { authorization: await bearer('boss', ['admin']) },
    });
    expect(lift.statusCode).toBe(204);
    const back = await connect('gw-2', 'troll');
    back.ws.close();
  });

  it("a ban closes the user's sockets of both protocols on both gateways and refuses every way back in", async () => {
    const admin = `Bearer ${await tokenFor('boss', ['admin'])}`;
    const ws = (gw: string) => `ws://127.0.0.1:${gateways[gw].port}`;
    const seed003 = async (gw: string, user: string) => {
      const sock = new WebSocket(`${ws(gw)}/v1/chat/seed003?token=${await tokenFor(user, ['streamer'])}`);
      const got: Array<Record<string, unknown>> = [];
      sock.on('message', (d) => got.push(JSON.parse(d.toString())));
      await new Promise((r, j) => {
        sock.once('open', r);
        sock.once('error', j);
      });
      const answer = async (frame: unknown) => {
        const n = got.length;
        sock.send(JSON.stringify(frame));
        await waitFor(() => got.length > n, { what: `an answer to ${JSON.stringify(frame)}` });
        return got[n];
      };
      return { ws: sock, got, answer };
    };
    const upgradeStatus = (gw: string, chatToken: string) =>
      new Promise<number>((resolve) => {
        const sock = new WebSocket(`${ws(gw)}/v1/chat/ws`, chatToken);
        sock.on('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
        sock.on('open', () => {
          sock.close();
          resolve(101);
        });
        sock.on('error', () => {});
      });
    const history = async (user: string) =>
      gateways['gw-2'].app.inject({
        url: `/v1/chat/rooms/${ROOM}/messages`,
        headers: { authorization: `Bearer ${await tokenFor(user, ['viewer'])}` },
      });
    const ban = (body: Record<string, string>) =>
      gateways['gw-1'].app.inject({
        method: 'POST',
        url: `/v1/chat/rooms/${ROOM}/bans`,
        headers: { authorization: admin },
        payload: body,
      });
    const lift = (userId: string) =>
      gateways['gw-1'].app.inject({
        method: 'DELETE',
        url: `/v1/chat/rooms/${ROOM}/bans/${userId}`,
        headers: { authorization: admin },
      });

    const earlyToken = await token('zed'); // minted before the ban: still a valid signature after it
    const ivs1 = await connect('gw-1', 'zed');
    const ivs2 = await connect('gw-2', 'zed');
    const s1 = await seed003('gw-1', 'zed');
    const s2 = await seed003('gw-2', 'zed');
    for (const s of [s1, s2])
      expect(await s.answer({ action: 'joinGroup', groupId: ROOM })).toMatchObject({ joined: true });
    await present(['gw-1', 'zed'], ['gw-2', 'zed']);
    await waitFor(() => fanouts.every((f) => f.index.size() >= 4), {
      what: "zed's four sockets in the index",
    });
    expect((await history('zed')).statusCode).toBe(200);
    const closes = [ivs1.ws, ivs2.ws, s1.ws, s2.ws].map(
      (w) => new Promise<number>((r) => w.once('close', (code) => r(code))),
    );

    expect((await ban({ userId: 'zed', reason: 'spam' })).statusCode).toBe(204);
    expect(await Promise.all(closes)).toEqual([1000, 1000, 1000, 1000]);
    for (const gw of ['gw-1', 'gw-2']) expect(await upgradeStatus(gw, earlyToken)).toBe(403);
    const again = await seed003('gw-2', 'zed');
    expect(await again.answer({ action: 'joinGroup', groupId: ROOM })).toEqual({
      error: { code: 403, message: 'You are banned from this room', action: 'joinGroup' },
    });
    const refused = await history('zed');
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.json()).toMatchObject({ status: 403, detail: 'You are banned from this room' });
    expect((await history('reader')).statusCode).toBe(200); // others still read

    // A timeout holds until it ends, then lets the user back in.
    expect((await lift('zed')).statusCode).toBe(204);
    const until = new Date(Date.now() + 1500).toISOString();
    expect((await ban({ userId: 'zed', until })).statusCode).toBe(204);
    expect(await again.answer({ action: 'joinGroup', groupId: ROOM })).toMatchObject({
      error: { code: 403 },
    });
    expect((await history('zed')).statusCode).toBe(403);
    expect(await upgradeStatus('gw-1', earlyToken)).toBe(403);
    await waitFor(async () => (await history('zed')).statusCode === 200, {
      what: 'the timeout to end',
      timeoutMs: 10_000,
    });
    expect(await again.answer({ action: 'joinGroup', groupId: ROOM })).toMatchObject({ joined: true });
    expect(await upgradeStatus('gw-1', earlyToken)).toBe(101);
    again.ws.close();
  });

  it('seed 003 joinGroup answers 404 for a room id that is no room and 400 for an IVS room', async () => {
    await client.request(
      makeEnvelope({
        type: 'onair.chat.room.create.v1',
        source: 'test',
        data: {
          roomId: 'ivs-lobby',
          actor: { userId: 'owner', roles: ['streamer'] },
          provider: 'ivs',
          name: 'IVS lobby',
          settings: { maximumMessageRatePerSecond: 10 },
        },
      }),
    );
    const sock = new WebSocket(
      `ws://127.0.0.1:${gateways['gw-2'].port}/v1/chat/seed003?token=${await tokenFor('joiner', ['viewer'])}`,
    );
    const got: Array<Record<string, unknown>> = [];
    sock.on('message', (d) => got.push(JSON.parse(d.toString())));
    await new Promise((r) => sock.once('open', r));
    sock.send(JSON.stringify({ action: 'joinGroup', groupId: 'chat_nosuchgroup' }));
    sock.send(JSON.stringify({ action: 'joinGroup', groupId: 'ivs-lobby' }));
    await waitFor(() => got.length >= 2, { what: 'two answers' });
    expect(got.map((f) => (f.error as { code: number }).code)).toEqual([404, 400]);
    expect((got[0].error as { message: string }).message).toMatch(/no chat room chat_nosuchgroup/i);
    sock.close();
  });

  it('seed 003 groups: first joins on two gateways at once make one room, owned by no user', async () => {
    const open = async (gw: string, user: string) => {
      const sock = new WebSocket(
        `ws://127.0.0.1:${gateways[gw].port}/v1/chat/seed003?token=${await tokenFor(user, [])}`,
      );
      const got: Array<Record<string, unknown>> = [];
      sock.on('message', (d) => got.push(JSON.parse(d.toString())));
      await new Promise((r, j) => {
        sock.once('open', r);
        sock.once('error', j);
      });
      return { ws: sock, got };
    };
    const sockets = [await open('gw-1', 'ann'), await open('gw-2', 'ben'), await open('gw-1', 'cat')];
    // Every first join at the same moment: chat-svc takes one create, the others meet its room.
    for (const s of sockets) s.ws.send(JSON.stringify({ action: 'joinGroup', groupId: 'team-blue' }));
    await waitFor(() => sockets.every((s) => s.got.length > 0), { what: 'three join answers' });
    const roomId = groupRoomId('team-blue');
    for (const s of sockets) {
      expect(s.got[0]).toEqual({ action: 'joinGroup', groupId: 'team-blue', joined: true, roomId });
    }
    expect(await roomsTable.get(roomId)).toMatchObject({
      roomId,
      ownerId: GROUP_OWNER,
      provider: 'native',
      name: 'team-blue',
    });
    await waitFor(
      () =>
        fanouts.every(
          (f) => f.index.gatewaysFor(roomId).includes('gw-1') && f.index.gatewaysFor(roomId).includes('gw-2'),
        ),
      { what: 'the group on both gateways in every fanout index' },
    );
    sockets[1].ws.send(JSON.stringify({ action: 'sendMessage', message: 'across gateways' }));
    for (const s of sockets) {
      await waitFor(() => s.got.some((f) => f.message === 'across gateways'), { what: 'the group message' });
      expect(s.got.find((f) => f.message === 'across gateways')).toMatchObject({
        groupId: 'team-blue',
        sender: 'ben',
        seq: 1,
      });
    }
    // The room's owner is nobody: a user's own id never makes them its moderator, a moderator bans.
    const ban = await gateways['gw-2'].app.inject({
      method: 'POST',
      url: `/v1/chat/rooms/${roomId}/bans`,
      headers: { authorization: `Bearer ${await tokenFor('mo', ['moderator'])}` },
      payload: { userId: 'cat' },
    });
    expect(ban.statusCode).toBe(204);
    const back = await open('gw-2', 'cat');
    back.ws.send(JSON.stringify({ action: 'joinGroup', groupId: 'team-blue' }));
    await waitFor(() => back.got.length > 0, { what: 'the banned join answer' });
    expect(back.got[0]).toEqual({
      error: { code: 403, message: 'You are banned from this room', action: 'joinGroup' },
    });
    // Stored: the group's history is its room's history.
    const history = await gateways['gw-1'].app.inject({
      url: `/v1/chat/rooms/${roomId}/messages`,
      headers: { authorization: `Bearer ${await tokenFor('ann', [])}` },
    });
    expect(history.statusCode).toBe(200);
    expect(history.json().messages).toMatchObject([{ content: 'across gateways', seq: 1 }]);
    for (const s of [...sockets, back]) s.ws.close();
  });

  it('a gateway killed mid-conversation: its clients reconnect to the other one and recover', async () => {
    const onDoomed = await connect('gw-1', 'fay');
    const other = await connect('gw-2', 'gus');
    await present(['gw-1', 'fay'], ['gw-2', 'gus']);
    say(other, 'hello fay');
    await waitFor(() => onDoomed.frames.some((f) => f.Content === 'hello fay'), {
      what: 'a message before the crash',
    });
    const seen = onDoomed.lastSeq();
    const closed = new Promise((r) => onDoomed.ws.once('close', r));
    await gateways['gw-1'].app.close();
    await closed;
    say(other, 'while you were away');
    await waitFor(() => other.frames.some((f) => f.Content === 'while you were away'), {
      what: 'the message during the outage',
    });
    const again = await connect('gw-2', 'fay', seen);
    await waitFor(() => again.frames.some((f) => f.Content === 'while you were away'), {
      what: 'recovery on the other gateway',
    });
    await waitFor(() => again.frames.some((f) => f.EventName === 'onair:RECOVERY'), {
      what: 'the recovery event',
    });
    expect(again.frames.filter((f) => f.Content === 'hello fay')).toHaveLength(0); // seen before: not repeated
    again.ws.close();
    other.ws.close();
  });
});
