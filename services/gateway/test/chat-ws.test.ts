import type { AddressInfo } from 'node:net';
import { connect as tcpConnect } from 'node:net';
import { Writable } from 'node:stream';
import { type Envelope, follow, makeEnvelope } from '@onair/contracts';
import { AppError, consumeOwnedCommands, Metrics, mintChatToken } from '@onair/runtime';
import { ChatRoom } from 'amazon-ivs-chat-messaging';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import WebSocket from 'ws';
import { testBuses, waitFor } from '../../../test/support';
import { startFanoutService } from '../../../test/support/chat';
import { buildApp } from '../src/app';
import { createTokenVerifier } from '../src/auth';
import { type ActiveBan, inForce } from '../src/read-models/chat-bans';
import { type ChatAccess, groupRoomId } from '../src/sockets/access';
import { TEST_SECRET, tokenFor } from './helpers';

// The IVS Chat client library uses the global WebSocket (Node 24 has one; ws is what we test with).
(globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;

const CHAT_SECRET = 'chat-token-secret-for-tests';
const ROOM = 'room-ws-1';

/**
 * A minimal chat-svc for the edge's tests: stamps a sequence number and publishes what the real
 * pipeline publishes. (chat-svc's own pipeline is tested in chat-svc.)
 */
/** Sends the fake chat-svc got (RequestIds), and a gate it holds its answers behind while set. */
const fakeSends = { requestIds: [] as string[], hold: undefined as Promise<void> | undefined };

function fakeChatSvc(bus: Awaited<ReturnType<Awaited<ReturnType<typeof testBuses>>['make']>>) {
  let seq = 0;
  return consumeOwnedCommands(bus, 'chat-svc', async (cmd: Envelope) => {
    const d = cmd.data as Record<string, unknown> & { roomId: string };
    if (cmd.type === 'onair.chat.message.send.v1') {
      fakeSends.requestIds.push(String(d.requestId));
      await fakeSends.hold;
      if (String(d.content).includes('badword'))
        throw new AppError('MESSAGE_REJECTED', 406, 'Message rejected by moderation');
      seq += 1;
      const evt = follow(cmd, {
        type: 'onair.chat.message.sent.v1',
        source: 'chat-svc',
        data: {
          roomId: d.roomId,
          messageId: `msg-${seq}`,
          seq,
          requestId: d.requestId,
          sender: d.sender,
          content: d.content,
          ...(d.attributes ? { attributes: d.attributes } : {}),
          sendTime: new Date().toISOString(),
        },
      });
      await bus.publish(evt);
      return evt;
    }
    if (cmd.type === 'onair.chat.message.delete.v1') {
      const evt = follow(cmd, {
        type: 'onair.chat.message.deleted.v1',
        source: 'chat-svc',
        data: {
          roomId: d.roomId,
          messageId: d.messageId,
          deletedBy: (d.actor as { userId: string }).userId,
          requestId: d.requestId,
          reason: d.reason,
        },
      });
      await bus.publish(evt);
      return evt;
    }
    if (cmd.type === 'onair.chat.user.disconnect.v1') {
      const evt = follow(cmd, {
        type: 'onair.chat.user.disconnected.v1',
        source: 'chat-svc',
        data: { roomId: d.roomId, userId: d.userId, requestId: d.requestId, reason: d.reason },
      });
      await bus.publish(evt);
      return evt;
    }
    return undefined;
  });
}

type Caps = Array<'SEND_MESSAGE' | 'DELETE_MESSAGE' | 'DISCONNECT_USER'>;

/** The rooms and bans the edge checks, in memory (chat-svc's table is tested in native-chat). */
function memoryAccess() {
  const rooms = new Map<string, { provider: string; name?: string }>([
    [ROOM, { provider: 'native' }],
    ['group1', { provider: 'native' }],
    ['group2', { provider: 'native' }],
    ['ivs-room', { provider: 'ivs' }],
  ]);
  const bans = new Map<string, ActiveBan>();
  const created: string[] = [];
  const access: ChatAccess = {
    rooms: { get: async (id) => rooms.get(id) },
    groups: {
      create: async (roomId, name) => {
        created.push(roomId);
        if (!rooms.has(roomId)) rooms.set(roomId, { provider: 'native', name });
      },
    },
    bans: {
      activeBan: async (roomId, userId) => {
        const b = bans.get(`${roomId}/${userId}`);
        return b && inForce(b, Date.now()) ? b : undefined;
      },
    },
  };
  return { access, rooms, bans, created };
}

/** One raw HTTP request over TCP; resolves with what the server answered before it closed. */
function rawHttp(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = tcpConnect(port, '127.0.0.1', () => sock.write(request));
    let got = '';
    sock.on('data', (d) => {
      got += d.toString('latin1');
    });
    sock.on('close', () => resolve(got));
    sock.on('error', reject);
    sock.setTimeout(5000, () => {
      sock.destroy();
      reject(new Error(`no answer to ${JSON.stringify(request.slice(0, 60))}: ${got}`));
    });
  });
}

describe('native chat WebSocket edge with the real amazon-ivs-chat-messaging client', () => {
  let buses: Awaited<ReturnType<typeof testBuses>>;
  let app: FastifyInstance;
  let url: string;
  let fanout: Awaited<ReturnType<typeof startFanoutService>>;
  const rooms: ChatRoom[] = [];
  const memory = memoryAccess();
  const logs: string[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(chunk.toString());
        done();
      },
    }),
  );

  const connect = async (userId: string, capabilities: Caps, sessionSeconds = 600, tokenSeconds = 300) => {
    let tokenCalls = 0;
    const room = new ChatRoom({
      regionOrUrl: `${url}/v1/chat/ws`,
      tokenProvider: async () => {
        tokenCalls++;
        const { token, grant } = await mintChatToken(
          CHAT_SECRET,
          {
            roomId: ROOM,
            userId,
            capabilities,
            attributes: { displayName: userId },
            sessionExpirationTime: new Date(Date.now() + sessionSeconds * 1000).toISOString(),
          },
          tokenSeconds,
        );
        return {
          token,
          sessionExpirationTime: new Date(grant.sessionExpirationTime),
          tokenExpirationTime: new Date(grant.tokenExpirationTime),
        };
      },
    });
    room.logLevel = 'error' as typeof room.logLevel; // the library logs every frame at debug
    const messages: Array<{ content: string; sender: string }> = [];
    const deletes: string[] = [];
    const disconnects: string[] = [];
    const states: string[] = [];
    room.addListener('message', (m) => messages.push({ content: m.content, sender: m.sender.userId }));
    room.addListener('messageDelete', (d) => deletes.push(d.messageId));
    room.addListener('userDisconnect', (d) => disconnects.push(d.userId));
    room.addListener('disconnect', (reason) => states.push(`disconnect:${reason}`));
    room.addListener('connect', () => states.push('connect'));
    room.connect();
    rooms.push(room);
    await waitFor(() => states.includes('connect'), { what: `${userId} to connect` });
    return { room, messages, deletes, disconnects, states, tokenCalls: () => tokenCalls };
  };

  /** A chat token for the room that may send, valid for a minute. */
  const tokenOf = async (userId: string) =>
    (
      await mintChatToken(
        CHAT_SECRET,
        {
          roomId: ROOM,
          userId,
          capabilities: ['SEND_MESSAGE'],
          attributes: {},
          sessionExpirationTime: new Date(Date.now() + 60_000).toISOString(),
        },
        60,
      )
    ).token;
  /** A plain ws socket on /v1/chat/ws with such a token, and the frames it gets. */
  const rawSocket = async (userId: string) => {
    const token = await tokenOf(userId);
    const ws = new WebSocket(`${url}/v1/chat/ws`, token);
    const frames: Array<Record<string, unknown>> = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString())));
    await new Promise((r) => ws.once('open', r));
    return { ws, frames, token };
  };

  beforeAll(async () => {
    buses = await testBuses({ transport: 'memory' });
    const gwBus = await buses.make('gateway', 'gw-test-1');
    await fakeChatSvc(await buses.make('chat-svc'));
    fanout = await startFanoutService(await buses.make('fanout-svc', 'fan-1'), 'fan-1');
    app = await buildApp({
      bus: gwBus,
      logger,
      metrics: new Metrics({ defaultMetrics: false }),
      verifier: createTokenVerifier({ JWT_SECRET: TEST_SECRET }),
      instanceId: 'gw-test-1',
      chat: {
        chatTokenSecret: CHAT_SECRET,
        pingIntervalMs: 60_000,
        messagesPerSecond: 50,
        joinsPerSecond: 2,
        access: memory.access,
      },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const r of rooms) r.disconnect();
    await app?.close();
    await fanout?.stop();
    await buses?.cleanup();
  });

  it('connects, sends, every member receives; moderation refusals come back as 406; viewers get 403', async () => {
    const alice = await connect('alice', ['SEND_MESSAGE']);
    const bob = await connect('bob', ['SEND_MESSAGE']);
    const viewer = await connect('vera', []);
    // Presence reaches fanout before messages can be routed to this gateway.
    await waitFor(() => fanout.index.gatewaysFor(ROOM).includes('gw-test-1'), { what: 'presence' });

    const sent = await alice.room.sendMessage(
      new (await import('amazon-ivs-chat-messaging')).SendMessageRequest('hello room'),
    );
    expect(sent.content).toBe('hello room');
    expect(sent.attributes?.['onair:seq']).toBe('1');
    for (const m of [alice, bob, viewer]) {
      await waitFor(() => m.messages.some((x) => x.content === 'hello room' && x.sender === 'alice'), {
        what: 'delivery',
      });
    }

    const { SendMessageRequest, DeleteMessageRequest, DisconnectUserRequest } = await import(
      'amazon-ivs-chat-messaging'
    );
    await expect(bob.room.sendMessage(new SendMessageRequest('you badword'))).rejects.toMatchObject({
      errorCode: 406,
    });
    await expect(viewer.room.sendMessage(new SendMessageRequest('hi'))).rejects.toMatchObject({
      errorCode: 403,
    });
    await expect(alice.room.deleteMessage(new DeleteMessageRequest(sent.id))).rejects.toMatchObject({
      errorCode: 403,
    });
    void DisconnectUserRequest;
  });

  it('deletes a message for everyone and disconnects a user on every socket (clean close, no reconnect)', async () => {
    const { SendMessageRequest, DeleteMessageRequest, DisconnectUserRequest } = await import(
      'amazon-ivs-chat-messaging'
    );
    const mod = await connect('mod', ['SEND_MESSAGE', 'DELETE_MESSAGE', 'DISCONNECT_USER']);
    const carol = await connect('carol', ['SEND_MESSAGE']);
    const carol2 = await connect('carol', ['SEND_MESSAGE']);
    await waitFor(() => fanout.index.size() >= 5, { what: 'presence of the new sockets' });
    const m = await carol.room.sendMessage(new SendMessageRequest('delete me'));
    await waitFor(() => mod.messages.some((x) => x.content === 'delete me'), {
      what: 'the message at the moderator',
    });
    await mod.room.deleteMessage(new DeleteMessageRequest(m.id, 'spam'));
    await waitFor(() => carol.deletes.includes(m.id) && mod.deletes.includes(m.id), {
      what: 'the deletion everywhere',
    });
    await mod.room.disconnectUser(new DisconnectUserRequest('carol', 'rude'));
    await waitFor(
      () =>
        carol.states.includes('disconnect:serverDisconnect') &&
        carol2.states.includes('disconnect:serverDisconnect'),
      { what: "both of carol's sockets closed" },
    );
    await waitFor(() => mod.disconnects.includes('carol'), { what: 'the disconnect event at the moderator' });
  });

  it('refreshes a token before it expires without dropping the user (the client opens a new socket first)', async () => {
    const { SendMessageRequest } = await import('amazon-ivs-chat-messaging');
    // With 60 s or less left, the library reconnects at (remaining - 30 s): about now for a 31 s token.
    const rita = await connect('rita', ['SEND_MESSAGE'], 600, 31);
    await waitFor(() => rita.tokenCalls() >= 2, { what: 'a token refresh', timeoutMs: 15_000 });
    const m = await rita.room.sendMessage(new SendMessageRequest('after refresh'));
    expect(m.content).toBe('after refresh');
    await waitFor(() => rita.messages.some((x) => x.content === 'after refresh'), {
      what: 'the message on the new socket',
    });
    expect(rita.states.filter((x) => x.startsWith('disconnect'))).toEqual([]);
  });

  it('answers 429 to a client that sends faster than its connection may', async () => {
    const { SendMessageRequest } = await import('amazon-ivs-chat-messaging');
    const fast = await connect('flash', ['SEND_MESSAGE']);
    const results = await Promise.allSettled(
      Array.from({ length: 130 }, (_, i) => fast.room.sendMessage(new SendMessageRequest(`burst ${i}`))),
    );
    const refused = results
      .filter((r) => r.status === 'rejected')
      .map((r) => (r as PromiseRejectedResult).reason.errorCode);
    expect(refused.length).toBeGreaterThan(0);
    expect(new Set(refused)).toEqual(new Set([429]));
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(100);
  });

  it('refuses the handshake with 401 for a bad or missing token, and answers each invalid frame with an ERROR', async () => {
    const port = (app.server.address() as AddressInfo).port;
    const status = (protocols?: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/chat/ws`, protocols);
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => {
          ws.close();
          resolve(101);
        });
        ws.on('error', () => {});
      });
    expect(await status()).toBe(401);
    expect(await status('not-a-token')).toBe(401);

    const { ws, frames, token } = await rawSocket('raw');
    expect(ws.protocol).toBe(token);
    const bad = [
      'nope',
      '[]',
      '{"Action":"DANCE","RequestId":"r1"}',
      '{"Action":"SEND_MESSAGE","RequestId":"r2"}',
      `{"Action":"SEND_MESSAGE","RequestId":"r3","Content":"${'x'.repeat(501)}"}`,
      '{"Action":"SEND_MESSAGE","RequestId":"r4","Content":"a","Attributes":{"n":5}}',
    ];
    for (const b of bad) ws.send(b);
    await waitFor(() => frames.length >= bad.length, { what: 'an ERROR per bad frame' });
    expect(frames.every((f) => f.Type === 'ERROR' && typeof f.Id === 'string')).toBe(true);
    expect(frames.map((f) => f.ErrorCode)).toEqual([400, 400, 400, 400, 413, 400]);
    expect(frames.slice(2).map((f) => f.RequestId)).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect(new Set(frames.map((f) => f.Id)).size).toBe(frames.length);
    ws.close();
  });

  it('answers a resend that comes while the first send is on its way with that send: one command, one echo', async () => {
    const { ws, frames } = await rawSocket('slow');
    let release = () => {};
    fakeSends.hold = new Promise<void>((r) => {
      release = r;
    });
    const frame = JSON.stringify({ Action: 'SEND_MESSAGE', RequestId: 'twice-1', Content: 'only once' });
    ws.send(frame);
    await waitFor(() => fakeSends.requestIds.includes('twice-1'), { what: 'the first send at chat-svc' });
    ws.send(frame); // the client gave up waiting and resends while the first is held
    ws.send(frame);
    // Both resends have been read by the gateway once a later frame's answer is back.
    ws.send('nope');
    await waitFor(() => frames.some((f) => f.Type === 'ERROR' && f.ErrorCode === 400), {
      what: 'the bad frame',
    });
    fakeSends.hold = undefined;
    release();
    await waitFor(() => frames.some((f) => f.Type === 'MESSAGE' && f.RequestId === 'twice-1'), {
      what: 'the echo',
    });
    // A later send proves nothing else is on its way for twice-1.
    ws.send(JSON.stringify({ Action: 'SEND_MESSAGE', RequestId: 'after-1', Content: 'next' }));
    await waitFor(() => frames.some((f) => f.Type === 'MESSAGE' && f.RequestId === 'after-1'), {
      what: 'the next echo',
    });
    expect(fakeSends.requestIds.filter((r) => r === 'twice-1')).toHaveLength(1);
    expect(frames.filter((f) => f.Type === 'MESSAGE' && f.RequestId === 'twice-1')).toHaveLength(1);
    ws.close();
  });

  it('speaks seed 003: joinGroup then sendMessage, members receive the stored record', async () => {
    const port = (app.server.address() as AddressInfo).port;
    const open = async (user: string) => {
      const ws = new WebSocket(
        `ws://127.0.0.1:${port}/v1/chat/seed003?token=${await tokenFor(user, ['streamer'])}`,
      );
      const got: Array<Record<string, unknown>> = [];
      ws.on('message', (d) => got.push(JSON.parse(d.toString())));
      await new Promise((r) => ws.once('open', r));
      return { ws, got };
    };
    const a = await open('sam');
    const b = await open('tia');
    for (const c of [a, b]) c.ws.send(JSON.stringify({ action: 'joinGroup', groupId: 'group1' }));
    await waitFor(() => a.got.some((f) => f.joined) && b.got.some((f) => f.joined), { what: 'both joined' });
    await waitFor(() => fanout.index.gatewaysFor('group1').length === 1, { what: 'presence for group1' });
    a.ws.send(JSON.stringify({ action: 'sendMessage', message: '안녕하세요!' }));
    for (const c of [a, b]) {
      await waitFor(() => c.got.some((f) => f.message === '안녕하세요!'), { what: 'the seed 003 record' });
      const rec = c.got.find((f) => f.message === '안녕하세요!') as Record<string, unknown>;
      expect(rec).toMatchObject({ groupId: 'group1', sender: 'sam' });
      expect(typeof rec.messageId).toBe('string');
      expect(Number.isNaN(Date.parse(String(rec.createdAt)))).toBe(false);
    }
    a.ws.send(JSON.stringify({ action: 'sendMessage' }));
    await waitFor(() => a.got.some((f) => (f.error as { code?: number })?.code === 400), {
      what: 'a seed 003 error',
    });
    const anon = new WebSocket(`ws://127.0.0.1:${port}/v1/chat/seed003`);
    const code = await new Promise<number>((r) =>
      anon.on('unexpected-response', (_q, res) => r(res.statusCode ?? 0)),
    );
    expect(code).toBe(401);
    a.ws.close();
    b.ws.close();
  });

  // --- the security regressions: nothing a client sends takes the gateway down; a ban is a ban ---

  const port = () => (app.server.address() as AddressInfo).port;
  const upgrade = (target: string, extra = '') =>
    rawHttp(
      port(),
      `GET ${target} HTTP/1.1\r\nHost: gw\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`,
    );
  const openSeed003 = async (user: string, roles = ['streamer']) => {
    const ws = new WebSocket(`${url}/v1/chat/seed003?token=${await tokenFor(user, roles)}`);
    const got: Array<Record<string, unknown>> = [];
    ws.on('message', (d) => got.push(JSON.parse(d.toString())));
    await new Promise((r, j) => {
      ws.once('open', r);
      ws.once('error', j);
    });
    /** Send one frame and wait for the next frame the socket gets. */
    const answer = async (frame: unknown) => {
      const n = got.length;
      ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
      await waitFor(() => got.length > n, { what: `an answer to ${JSON.stringify(frame)}` });
      return got[n];
    };
    return { ws, got, answer };
  };
  const upgradeStatus = (path: string, protocols?: string) =>
    new Promise<number>((resolve) => {
      const ws = new WebSocket(`${url}${path}`, protocols);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => {
        ws.close();
        resolve(101);
      });
      ws.on('error', () => {});
    });

  it('answers an upgrade whose request target is not a URL with a 400 and stays up (it used to crash)', async () => {
    const res = await upgrade('//[');
    expect(res).toMatch(/^HTTP\/1\.1 400 /);
    expect(res).toMatch(/not a valid path/);
    for (const target of ['//[/v1/chat/ws', '/v1/chat/seed003?token=%zz%00', '*', 'http://evil.example/x']) {
      expect(await upgrade(target)).toMatch(/^HTTP\/1\.1 4\d\d /);
    }
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    const s = await openSeed003('after-crash-attempt');
    expect(await s.answer({ action: 'joinGroup', groupId: 'group1' })).toMatchObject({ joined: true });
    s.ws.close();
  });

  it('seed 003 joinGroup: a new group name gets its room, room ids must exist, never while banned', async () => {
    const s = await openSeed003('uma');
    expect(await s.answer({ action: 'joinGroup', groupId: 'chat_nosuchroom' })).toEqual({
      error: {
        code: 404,
        message: expect.stringMatching(/no chat room chat_nosuchroom/i),
        action: 'joinGroup',
      },
    });
    for (const bad of ['has space', 'a'.repeat(65) + '\u00e9', '<script>', '', 42]) {
      expect(await s.answer({ action: 'joinGroup', groupId: bad })).toMatchObject({
        error: { code: 400, action: 'joinGroup' },
      });
    }
    expect(memory.created).toEqual([]);
    expect(await s.answer({ action: 'joinGroup', groupId: 'ivs-room' })).toEqual({
      error: { code: 400, message: expect.stringMatching(/only native chat rooms/), action: 'joinGroup' },
    });
    memory.bans.set('group1/uma', { reason: 'spam' });
    expect(await s.answer({ action: 'joinGroup', groupId: 'group1' })).toEqual({
      error: { code: 403, message: 'You are banned from this room', action: 'joinGroup' },
    });
    const until = new Date(Date.now() + 60_000).toISOString();
    memory.bans.set('group1/uma', { until });
    expect(await s.answer({ action: 'joinGroup', groupId: 'group1' })).toEqual({
      error: { code: 403, message: `You are timed out in this room until ${until}`, action: 'joinGroup' },
    });
    memory.bans.set('group1/uma', { until: new Date(Date.now() - 1000).toISOString() }); // the timeout is over
    expect(await s.answer({ action: 'joinGroup', groupId: 'group1' })).toMatchObject({ joined: true });
    // Binary frames are not seed 003 frames; the answer is still a JSON object.
    const n = s.got.length;
    s.ws.send(Buffer.from([0xff, 0x00, 0x7b]), { binary: true });
    await waitFor(() => s.got.length > n, { what: 'an answer to a binary frame' });
    expect(s.got[n]).toEqual({ error: { code: 400, message: 'Send text frames' } });
    s.ws.close();
  });

  it('seed 003 groups: the first join makes the room (same id for the same name); any signed-in user sends', async () => {
    const viewer = await openSeed003('vic', []); // a token without roles, as Cognito issues them
    const other = await openSeed003('wes', ['viewer']);
    const first = await viewer.answer({ action: 'joinGroup', groupId: '방-1' });
    expect(first).toEqual({
      action: 'joinGroup',
      groupId: '방-1',
      joined: true,
      roomId: groupRoomId('방-1'),
    });
    expect(first.roomId).toMatch(/^grp_[0-9a-f]{32}$/);
    // The same name in another Unicode normalization is the same group.
    expect(await other.answer({ action: 'joinGroup', groupId: '방-1'.normalize('NFD') })).toMatchObject({
      joined: true,
      roomId: first.roomId,
    });
    expect(memory.created.filter((id) => id === first.roomId)).toHaveLength(1);
    expect(memory.rooms.get(String(first.roomId))).toEqual({ provider: 'native', name: '방-1' });
    await waitFor(() => fanout.index.gatewaysFor(String(first.roomId)).length === 1, { what: 'presence' });
    viewer.ws.send(JSON.stringify({ action: 'sendMessage', message: 'from a role-less user' }));
    for (const c of [viewer, other]) {
      await waitFor(() => c.got.some((f) => f.message === 'from a role-less user'), { what: 'the message' });
      expect(c.got.find((f) => f.message === 'from a role-less user')).toMatchObject({
        groupId: '방-1',
        sender: 'vic',
      });
    }
    // A ban in the group's room keeps the user out of the group.
    memory.bans.set(`${first.roomId}/vic`, { reason: 'spam' });
    expect(await viewer.answer({ action: 'joinGroup', groupId: '방-1' })).toEqual({
      error: { code: 403, message: 'You are banned from this room', action: 'joinGroup' },
    });
    viewer.ws.close();
    other.ws.close();
  });

  it('seed 003 sockets are in one group at a time, and joins per connection are rate limited (429)', async () => {
    const mover = await openSeed003('mover');
    const stayer = await openSeed003('stayer');
    expect(await stayer.answer({ action: 'joinGroup', groupId: 'group1' })).toMatchObject({ joined: true });
    expect(await mover.answer({ action: 'joinGroup', groupId: 'group1' })).toMatchObject({ joined: true });
    expect(await mover.answer({ action: 'joinGroup', groupId: 'group2' })).toMatchObject({ joined: true });
    await waitFor(
      () =>
        fanout.index.gatewaysFor('group1', ['mover']).length === 0 &&
        fanout.index.gatewaysFor('group2', ['mover']).includes('gw-test-1'),
      { what: 'mover to have left group1 for group2' },
    );
    stayer.ws.send(JSON.stringify({ action: 'sendMessage', message: 'group1 only' }));
    await waitFor(() => stayer.got.some((f) => f.message === 'group1 only'), { what: 'the group1 message' });
    mover.ws.send(JSON.stringify({ action: 'sendMessage', message: 'group2 only' }));
    await waitFor(() => mover.got.some((f) => f.message === 'group2 only'), { what: 'the group2 message' });
    expect(mover.got.some((f) => f.message === 'group1 only')).toBe(false);

    // A burst of joins: the bucket (2/s, bursts of 10) lets some through and refuses the rest.
    const before = mover.got.length;
    for (let i = 0; i < 40; i++)
      mover.ws.send(JSON.stringify({ action: 'joinGroup', groupId: i % 2 ? 'group1' : 'group2' }));
    await waitFor(() => mover.got.length >= before + 40, { what: '40 answers' });
    const answers = mover.got.slice(before);
    const refused = answers.filter((f) => (f.error as { code?: number } | undefined)?.code === 429);
    expect(refused.length).toBeGreaterThanOrEqual(25);
    expect(answers.filter((f) => f.joined).length).toBeGreaterThan(0);
    expect(refused.length + answers.filter((f) => f.joined).length).toBe(40);
    mover.ws.close();
    stayer.ws.close();
  });

  it('refuses an invalid or expired seed 003 token with 401 and never echoes it (body or logs)', async () => {
    const { SignJWT } = await import('jose');
    const expired = await new SignJWT({ roles: ['streamer'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('late')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(TEST_SECRET));
    const wrongSecret = await tokenFor('mallory', ['admin'], 'another-secret-of-16-chars');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x","roles":["admin"]}').toString('base64url')}.`;
    for (const token of [expired, wrongSecret, none, 'garbage-token-value-1234']) {
      for (const res of [
        await upgrade(`/v1/chat/seed003?token=${encodeURIComponent(token)}`),
        await upgrade('/v1/chat/seed003', `Authorization: Bearer ${token}\r\n`),
      ]) {
        expect(res).toMatch(/^HTTP\/1\.1 401 /);
        expect(res).not.toContain(token);
        expect(res).not.toContain(token.split('.')[1] ?? token);
      }
      expect(logs.join('')).not.toContain(token);
    }
    expect(await upgrade(`/v1/chat/seed003?token=${expired}`)).toMatch(/expired/);
    // Each upgrade is logged once, like a REST request: path (token redacted), status, time.
    const lines = logs
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter(
        (l) => l.upgrade === 'websocket' && l.status === 401 && String(l.url).startsWith('/v1/chat/seed003'),
      );
    expect(lines.length).toBeGreaterThanOrEqual(8);
    expect(lines[0]).toMatchObject({ method: 'GET' });
    expect(lines.some((l) => l.url === '/v1/chat/seed003?token=[redacted]')).toBe(true);
    expect(typeof lines[0].ms).toBe('number');
  });

  it('refuses at the upgrade (403) an IVS socket whose chat token was minted before a ban or timeout', async () => {
    const bea = await tokenOf('bea');
    const tim = await tokenOf('tim');
    expect(await upgradeStatus('/v1/chat/ws', bea)).toBe(101);
    memory.bans.set(`${ROOM}/bea`, {});
    memory.bans.set(`${ROOM}/tim`, { until: new Date(Date.now() + 60_000).toISOString() });
    expect(await upgradeStatus('/v1/chat/ws', bea)).toBe(403);
    expect(await upgradeStatus('/v1/chat/ws', tim)).toBe(403);
    memory.bans.delete(`${ROOM}/bea`);
    expect(await upgradeStatus('/v1/chat/ws', bea)).toBe(101);
  });

  it('closes sockets even when a delivery carries an invalid close code and an overlong reason', async () => {
    const test = await buses.make('test-delivery');
    const { token } = await mintChatToken(
      CHAT_SECRET,
      {
        roomId: ROOM,
        userId: 'cleo',
        capabilities: [],
        attributes: {},
        sessionExpirationTime: new Date(Date.now() + 60_000).toISOString(),
      },
      60,
    );
    const ws = new WebSocket(`${url}/v1/chat/ws`, token);
    const closed = new Promise<{ code: number; reason: string }>((r) =>
      ws.once('close', (code, reason) => r({ code, reason: reason.toString() })),
    );
    await new Promise((r) => ws.once('open', r));
    const deliver = (data: unknown) =>
      test.send(makeEnvelope({ type: 'onair.gateway.deliver.v1', source: 'test', data }), {
        to: 'gateway.gw-test-1',
      });
    // (The bus refuses to carry deliveries outside the contract; the gateway checks them again.)
    // ws refuses a close reason over 123 bytes: 100 two-byte characters used to throw in the hub.
    await deliver({
      gatewayId: 'gw-test-1',
      roomId: ROOM,
      userIds: ['cleo'],
      frames: {},
      close: { code: 1005, reason: 'ü'.repeat(100), userIds: ['cleo'] },
    });
    const c = await closed;
    expect(c.code).toBe(1000);
    expect(Buffer.byteLength(c.reason)).toBeLessThanOrEqual(123);
    expect(c.reason.startsWith('üüü')).toBe(true);
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });
});
