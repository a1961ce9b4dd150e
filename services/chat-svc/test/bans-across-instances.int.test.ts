// Two chat-svc instances on the real bus and one table: a ban made through one instance stops the
// user's messages on the other at once, although the other has just looked the user up (and would
// otherwise reuse that lookup for an hour here).
import { type Envelope, makeEnvelope } from '@onair/contracts';
import { createDocumentClient, ensureTable, silentLogger } from '@onair/runtime';
import { startDynalite, testBuses, waitFor } from '../../../test/support';
import { buildService } from '../src/app';
import { FakeIvsChat } from '../src/ivs-chat/fake';
import { CHAT_TABLE_INDEXES } from '../src/rooms/store';

describe('bans across chat-svc instances', () => {
  let db: Awaited<ReturnType<typeof startDynalite>>;
  let buses: Awaited<ReturnType<typeof testBuses>>;
  const services: Array<ReturnType<typeof buildService>> = [];

  beforeAll(async () => {
    db = await startDynalite();
    buses = await testBuses();
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await buses.cleanup();
    await db.close();
  });

  it('a ban through one instance refuses the next message on another at once', async () => {
    const ddb = createDocumentClient({ region: 'us-east-1', endpoint: db.endpoint });
    const tableName = `chat-${Math.random().toString(36).slice(2)}`;
    await ensureTable(ddb, { name: tableName, indexes: CHAT_TABLE_INDEXES });
    const make = async (instanceId: string) => {
      const svc = buildService({
        bus: await buses.make('chat-svc', instanceId),
        logger: silentLogger,
        instanceId,
        ddb,
        tableName,
        ivsChat: new FakeIvsChat(),
        banCacheTtlMs: 60 * 60_000,
      });
      await svc.start();
      services.push(svc);
      return svc;
    };
    const a = await make('chat-a');
    const b = await make('chat-b');
    const ctx = { attempt: 1, log: silentLogger };
    const run = (svc: typeof a, type: string, data: unknown) =>
      svc.router.handle(makeEnvelope({ type, source: 'test', data }), ctx) as Promise<Envelope>;
    let n = 0;
    const send = (svc: typeof a) =>
      run(svc, 'onair.chat.message.send.v1', {
        roomId: 'lobby',
        sender: { userId: 'bob' },
        connectionId: 'c1',
        gatewayId: 'gw-1',
        requestId: `req-${++n}`,
        content: `hello ${n}`,
      });

    await run(a, 'onair.chat.room.create.v1', {
      roomId: 'lobby',
      actor: { userId: 'owner', roles: ['streamer'] },
      provider: 'native',
      name: 'lobby',
      settings: { maximumMessageRatePerSecond: 100 },
    });
    await expect(send(b)).resolves.toBeDefined(); // b has now looked bob up: not banned

    await run(a, 'onair.chat.user.ban.v1', {
      roomId: 'lobby',
      userId: 'bob',
      actor: { userId: 'mo', roles: ['moderator'] },
      reason: 'spam',
    });
    // The ban event reaches b over the bus; until it does, b may still let one through.
    const refusal = await waitFor(
      async () => {
        try {
          await send(b);
          return undefined;
        } catch (e) {
          return e as { status?: number; message?: string };
        }
      },
      { what: 'instance b refusing the banned user' },
    );
    expect(refusal).toMatchObject({ status: 403, message: 'You are banned from this room' });

    await run(a, 'onair.chat.user.ban.v1', {
      roomId: 'lobby',
      userId: 'bob',
      actor: { userId: 'mo', roles: ['moderator'] },
      lift: true,
    });
    await waitFor(
      async () => {
        try {
          return await send(b);
        } catch {
          return undefined;
        }
      },
      { what: 'instance b letting bob back in after the lift' },
    );
  });
});
