import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createDocumentClient, ensureTable } from '@onair/runtime';
import { startDynalite, testBuses, waitFor } from '.';
import {
  chatToken,
  createNativeRoom,
  openChatSocket,
  startChatBackend,
  startChatGateway,
  startChatService,
  startFanoutService,
} from './chat';

describe('test support: dynalite', () => {
  it('serves DynamoDB, and ensureTable creates a table once and is idempotent', async () => {
    const db = await startDynalite();
    try {
      const ddb = createDocumentClient({ region: 'us-east-1', endpoint: db.endpoint });
      const spec = { name: 'onair-test', indexes: [{ name: 'byOwner', pk: 'GSI1PK', sk: 'GSI1SK' }] };
      await ensureTable(ddb, spec);
      await ensureTable(ddb, spec);
      const tables = await ddb.send(new ListTablesCommand({}));
      expect(tables.TableNames).toEqual(['onair-test']);
    } finally {
      await db.close();
    }
  });
});

describe('test support: native chat', () => {
  jest.setTimeout(30_000);

  it('starts chat-svc and a gateway; a token opens a socket that keeps the frames it gets; a bad one fails to open', async () => {
    const db = await startDynalite();
    const buses = await testBuses({ transport: 'memory' });
    const secret = 'chat-token-secret-support-test';
    const ddb = createDocumentClient({ region: 'us-east-1', endpoint: db.endpoint });
    const chat = await startChatService({
      bus: await buses.make('chat-svc'),
      ddb,
      table: 'chat',
      chatTokenSecret: secret,
    });
    const gw = await startChatGateway({
      bus: await buses.make('gateway', 'gw-support'),
      instanceId: 'gw-support',
      ddb,
      table: 'chat',
      chatTokenSecret: secret,
    });
    try {
      const client = await buses.make('test-client');
      await createNativeRoom(client, 'support-room', 'Support');
      const url = `ws://127.0.0.1:${gw.port}/v1/chat/ws`;
      await expect(openChatSocket(url, 'not-a-token')).rejects.toThrow();

      const { ws, frames } = await openChatSocket(url, await chatToken(client, 'support-room', 'ann'));
      ws.send(JSON.stringify({ Action: 'SEND_MESSAGE', RequestId: 'r1', Content: 'hello' }));
      await waitFor(() => frames.some((f) => f.Type === 'MESSAGE' && f.Content === 'hello'), {
        what: 'the message back at its sender',
      });
      ws.close();
    } finally {
      await gw.app.close();
      await chat.stop();
      await buses.cleanup();
      await db.close();
    }
  });

  it('startChatBackend: dynalite, buses and a running chat-svc; startFanoutService: a started fanout', async () => {
    const { db, buses, chat } = await startChatBackend({
      table: 'chat-backend',
      chatTokenSecret: 'chat-token-secret-backend',
    });
    try {
      const client = await buses.make('test-client');
      await createNativeRoom(client, 'backend-room', 'Backend');
      expect(await chatToken(client, 'backend-room', 'ann')).toMatch(/\S{20,}/);
      const fanout = await startFanoutService(await buses.make('fanout-svc', 'fan-support'), 'fan-support');
      try {
        await waitFor(() => fanout.readiness.presence(), { what: 'fanout routing' });
      } finally {
        await fanout.stop();
      }
    } finally {
      await chat.stop();
      await buses.cleanup();
      await db.close();
    }
  });
});
