import type { AddressInfo } from 'node:net';
import { makeEnvelope } from '@onair/contracts';
import { createDocumentClient, Metrics, silentLogger } from '@onair/runtime';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { startDynalite, testBuses, waitFor } from '../../../test/support';
import { startChatService, startFanoutService } from '../../../test/support/chat';
import { buildApp } from '../src/app';
import { createTokenVerifier } from '../src/auth';
import { ChatBansReadModel } from '../src/read-models/chat-bans';
import { ChatRoomsReadModel } from '../src/read-models/chat-rooms';
import { TEST_SECRET } from './helpers';

const CHAT_SECRET = 'chat-token-secret-fuzz-tests';
const N = 10_000;

/** Client frames: garbage, arbitrary JSON, and near-miss requests of every action. */
const frame = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc
    .record(
      {
        Action: fc.oneof(
          fc.constantFrom('SEND_MESSAGE', 'DELETE_MESSAGE', 'DISCONNECT_USER', 'send_message', ''),
          fc.string({ maxLength: 20 }),
        ),
        RequestId: fc.oneof(fc.uuid(), fc.string({ maxLength: 10 }), fc.integer()),
        Content: fc.oneof(fc.string({ maxLength: 600 }), fc.integer(), fc.constant(null)),
        Attributes: fc.oneof(
          fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
          fc.jsonValue({ maxDepth: 2 }),
        ),
        Id: fc.oneof(fc.string({ maxLength: 20 }), fc.integer()),
        UserId: fc.oneof(fc.string({ maxLength: 20 }), fc.boolean()),
      },
      { requiredKeys: ['Action'] },
    )
    .map((v) => JSON.stringify(v)),
);

/**
 * 10,000 random frames at a gateway backed by the real chat-svc: neither crashes, the socket
 * stays open, and every frame gets exactly one answer (an ERROR, or the MESSAGE it caused).
 */
describe('fuzzing the chat edge', () => {
  jest.setTimeout(120_000);

  it(`answers ${N} random frames one by one and stays up`, async () => {
    const db = await startDynalite();
    const buses = await testBuses({ transport: 'memory' });
    let app: FastifyInstance | undefined;
    const stops: Array<() => Promise<void>> = [];
    try {
      const ddb = createDocumentClient({ region: 'us-east-1', endpoint: db.endpoint });
      const chat = await startChatService({
        bus: await buses.make('chat-svc'),
        ddb,
        table: 'chat-fuzz',
        chatTokenSecret: CHAT_SECRET,
        instanceId: 'c',
      });
      stops.push(() => chat.stop());
      const fanout = await startFanoutService(await buses.make('fanout-svc', 'f'), 'f');
      stops.push(() => fanout.stop());
      app = await buildApp({
        bus: await buses.make('gateway', 'gw-fuzz'),
        logger: silentLogger,
        metrics: new Metrics({ defaultMetrics: false }),
        verifier: createTokenVerifier({ JWT_SECRET: TEST_SECRET }),
        instanceId: 'gw-fuzz',
        chat: {
          chatTokenSecret: CHAT_SECRET,
          messagesPerSecond: 1_000_000,
          access: {
            rooms: new ChatRoomsReadModel(ddb, 'chat-fuzz'),
            bans: new ChatBansReadModel(ddb, 'chat-fuzz'),
          },
        },
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const client = await buses.make('client');
      await client.request(
        makeEnvelope({
          type: 'onair.chat.room.create.v1',
          source: 't',
          data: {
            roomId: 'fuzz',
            actor: { userId: 'o', roles: ['streamer'] },
            provider: 'native',
            name: 'fuzz',
            settings: { maximumMessageRatePerSecond: 100 },
          },
        }),
      );
      const tok = await client.request(
        makeEnvelope({
          type: 'onair.chat.token.create.v1',
          source: 't',
          data: { roomId: 'fuzz', actor: { userId: 'fuzzer', roles: ['streamer'] } },
        }),
      );
      const ws = new WebSocket(
        `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1/chat/ws`,
        (tok.data as { token: string }).token,
      );
      let errors = 0;
      let messages = 0;
      let malformed = 0;
      ws.on('message', (d) => {
        const f = JSON.parse(d.toString()) as { Type?: string; Id?: unknown };
        if (typeof f.Id !== 'string') malformed++;
        if (f.Type === 'ERROR') errors++;
        else if (f.Type === 'MESSAGE') messages++;
      });
      await new Promise((r) => ws.once('open', r));
      await waitFor(() => fanout.index.size() === 1, { what: 'presence' });

      const frames = fc.sample(frame, { numRuns: N, seed: 20261122 });
      for (let i = 0; i < frames.length; i++) {
        ws.send(frames[i]);
        if (i % 500 === 499)
          await waitFor(() => errors + messages >= i + 1 - 200, {
            what: 'the answers to keep up',
            timeoutMs: 30_000,
          });
      }
      await waitFor(() => errors + messages >= N, { what: `${N} answers`, timeoutMs: 60_000 });
      expect(errors + messages).toBe(N);
      expect(malformed).toBe(0);
      expect(ws.readyState).toBe(WebSocket.OPEN);
      expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
      const pong = await client.request(
        makeEnvelope({
          type: 'onair.system.ping.v1',
          source: 't',
          data: { service: 'chat-svc', sentAt: new Date().toISOString() },
        }),
        { to: 'chat-svc' },
      );
      expect(pong.type).toBe('onair.system.pong.v1');
      ws.close();
    } finally {
      await app?.close();
      for (const s of stops) await s();
      await buses.cleanup();
      await db.close();
    }
  });
});
