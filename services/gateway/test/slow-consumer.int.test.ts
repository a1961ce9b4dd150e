// Issue 10, item 6: a socket that stops reading is dropped once: one log line, out of its room
// at once (presence says it left; the others keep receiving), and its TCP socket destroyed
// after a short close timeout instead of being kept for 30-40 s while every delivery logs again.
import { randomBytes } from 'node:crypto';
import { connect as tcpConnect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { type Envelope, GatewayDeliver, makeEnvelope, wire } from '@onair/contracts';
import { createDocumentClient, createLogger, ensureTable, Metrics, mintChatToken } from '@onair/runtime';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { startDynalite, testBuses, waitFor } from '../../../test/support';
import { CHAT_TABLE_INDEXES } from '../../chat-svc/src/rooms/store';
import { buildApp } from '../src/app';
import { createTokenVerifier } from '../src/auth';
import { ChatBansReadModel } from '../src/read-models/chat-bans';
import { ChatHistoryReadModel } from '../src/read-models/chat-history';
import { ChatRoomsReadModel } from '../src/read-models/chat-rooms';
import { TEST_SECRET } from './helpers';

const CHAT_SECRET = 'chat-token-secret-slow-consumer';
const ROOM = 'slow-room';
const GW = 'gw-slow';
const SLOW_LINE = 'dropping a slow consumer';

describe('a socket that stops reading', () => {
  jest.setTimeout(60_000);
  let db: Awaited<ReturnType<typeof startDynalite>>;
  let buses: Awaited<ReturnType<typeof testBuses>>;
  let gateway: { app: FastifyInstance; port: number };
  let fanout: Awaited<ReturnType<typeof buses.make>>;
  const logLines: string[] = [];
  const left: Envelope[] = [];

  const chatToken = async (userId: string) =>
    (
      await mintChatToken(
        CHAT_SECRET,
        {
          roomId: ROOM,
          userId,
          capabilities: [],
          attributes: {},
          sessionExpirationTime: new Date(Date.now() + 3_600_000).toISOString(),
        },
        900,
      )
    ).token;

  /** An IVS socket opened over raw TCP, then never read again (the kernel buffers fill, then ours). */
  const stalledSocket = async (userId: string): Promise<Socket> => {
    const sock = tcpConnect(gateway.port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', () => resolve());
      sock.once('error', reject);
    });
    const token = await chatToken(userId);
    sock.write(
      'GET /v1/chat/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
        `Sec-WebSocket-Protocol: ${token}\r\n\r\n`,
    );
    await new Promise<void>((resolve, reject) => {
      let head = '';
      const onData = (d: Buffer) => {
        head += d.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        sock.off('data', onData);
        if (/^HTTP\/1\.1 101 /.test(head)) resolve();
        else reject(new Error(`no upgrade: ${head}`));
      };
      sock.on('data', onData);
    });
    sock.pause(); // stops reading
    return sock;
  };

  /** A custom event for the whole room, as fanout would deliver it: big, to fill buffers fast. */
  let sentEvents = 0;
  const deliver = (bytes: number) =>
    fanout.send(
      makeEnvelope({
        type: GatewayDeliver.type,
        source: 'fanout-svc',
        data: {
          gatewayId: GW,
          roomId: ROOM,
          frames: {
            ivs: wire.eventFrame({
              eventName: 'big',
              sendTime: new Date().toISOString(),
              attributes: { n: String(++sentEvents), pad: 'x'.repeat(bytes) },
            }),
          },
        },
      }),
      { to: `gateway.${GW}` },
    );

  beforeAll(async () => {
    db = await startDynalite();
    buses = await testBuses();
    const ddb = createDocumentClient({ region: 'us-east-1', endpoint: db.endpoint });
    const table = 'onair-chat-slow';
    await ensureTable(ddb, { name: table, indexes: CHAT_TABLE_INDEXES });
    const logger = createLogger({
      service: 'gateway',
      level: 'warn',
      destination: new Writable({
        write(chunk: Buffer, _enc, done) {
          logLines.push(chunk.toString());
          done();
        },
      }),
    });
    const app = await buildApp({
      bus: await buses.make('gateway', GW),
      logger,
      metrics: new Metrics({ defaultMetrics: false }),
      verifier: createTokenVerifier({ JWT_SECRET: TEST_SECRET }),
      instanceId: GW,
      chat: {
        chatTokenSecret: CHAT_SECRET,
        maxBufferedBytes: 256 * 1024,
        closeTimeoutMs: 500,
        access: { rooms: new ChatRoomsReadModel(ddb, table), bans: new ChatBansReadModel(ddb, table) },
      },
      chatHistory: ChatHistoryReadModel.inTable(ddb, table),
      chatBans: new ChatBansReadModel(ddb, table),
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    gateway = { app, port: (app.server.address() as AddressInfo).port };
    fanout = await buses.make('fanout-svc', 'fan-slow');
    await fanout.subscribe(
      'fan-slow-presence',
      ['onair.presence.left.v1'],
      async (e) => {
        left.push(e);
      },
      { ephemeral: true },
    );
  });

  afterAll(async () => {
    await gateway?.app.close().catch(() => {});
    await buses?.cleanup();
    await db?.close();
  });

  it('is dropped once: one log line, out of its room, its TCP socket destroyed; the others keep receiving', async () => {
    const reader = new WebSocket(`ws://127.0.0.1:${gateway.port}/v1/chat/ws`, await chatToken('reader'));
    const got: string[] = [];
    reader.on('message', (d) => got.push(d.toString()));
    await new Promise((r, j) => {
      reader.once('open', r);
      reader.once('error', j);
    });
    const slow = await stalledSocket('sleepy');
    const slowClosed = new Promise<void>((r) => slow.once('close', () => r()));

    const dropped = () => logLines.filter((l) => l.includes(SLOW_LINE)).length;
    // Deliveries until the gateway gives up on the stalled socket (the kernel takes a few MB first).
    await waitFor(
      async () => {
        if (dropped() > 0) return true;
        await Promise.all(Array.from({ length: 8 }, () => deliver(64 * 1024)));
        return false;
      },
      { what: 'the slow consumer to be dropped', timeoutMs: 30_000 },
    );
    const sentAtDrop = sentEvents;
    // Many more deliveries after the drop: still one line, and the reader gets them all.
    for (let i = 0; i < 30; i++) await deliver(1024);
    await waitFor(() => got.length === sentEvents, { what: 'every delivery at the reader' });
    expect(sentEvents).toBeGreaterThan(sentAtDrop);
    expect(dropped()).toBe(1);
    // It left its room at once: presence said so, while its socket was still open.
    await waitFor(() => left.some((e) => (e.data as { userId?: string }).userId === 'sleepy'), {
      what: 'presence left for the slow socket',
    });
    // The TCP socket is destroyed after the close timeout (the client reads again to see the end).
    slow.resume();
    slow.on('data', () => {});
    await slowClosed;
    expect(dropped()).toBe(1);
    reader.close();
  });
});
