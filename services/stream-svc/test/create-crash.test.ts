// Issue 10, item 4: a stream-svc crash must not fail accepted creates. Here a "process" of
// stream-svc dies after its k-th call out (DynamoDB, IVS, the bus, chat-svc): that call's effect
// lands but its answer never comes back, and nothing after it runs, as with kill -9. A fresh
// process then gets the same create again (the bus redelivers an unacked command) and must
// finish it: the stream `ready` with exactly one IVS channel, one stream key and one chat room.
// k runs over every call a clean create makes, counted from a clean run, so a step added later
// is covered without touching this file. chat-svc is the real one (its room handlers on
// dynalite, IVS Chat faked), so its idempotency is tested too, not assumed.
import { randomBytes } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { contracts, type Envelope, makeEnvelope } from '@onair/contracts';
import {
  AppError,
  type Bus,
  createDocumentClient,
  ensureTable,
  MessageRouter,
  silentLogger,
} from '@onair/runtime';
import fc from 'fast-check';
import { startDynalite } from '../../../test/support/dynalite';
import { buildService as buildChatSvc } from '../../chat-svc/src/app';
import { FakeIvsChat } from '../../chat-svc/src/ivs-chat/fake';
import { CHAT_TABLE_INDEXES } from '../../chat-svc/src/rooms/store';
import { FakeIvs } from '../src/ivs/fake';
import type { IvsPort } from '../src/ivs/port';
import { STREAM_TABLE_INDEXES, streamsModule } from '../src/streams';
import { StreamStore } from '../src/streams/store';

jest.setTimeout(90_000);

const never = <T>() => new Promise<T>(() => {});

/** A promise to resolve by hand (to hold one call until the test lets it go). */
function deferred() {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** One process's life: after `crashAfter` calls out it is dead (the last answer is lost). */
class Life {
  calls = 0;
  private dead: boolean;
  private onDeath: () => void = () => {};
  /** Resolves when the process dies. */
  readonly died = new Promise<void>((resolve) => {
    this.onDeath = resolve;
  });

  constructor(private readonly crashAfter = Number.POSITIVE_INFINITY) {
    this.dead = crashAfter <= 0;
    if (this.dead) this.onDeath();
  }

  async call<T>(f: () => Promise<T>): Promise<T> {
    if (this.dead) return never();
    const out = await f();
    this.calls++;
    if (this.calls >= this.crashAfter) {
      this.dead = true;
      this.onDeath();
      return never();
    }
    return out;
  }
}

/** `target` with every method call going through `life` (a port of a process that may die). */
function mortal<T extends object>(target: T, life: Life): T {
  return new Proxy(target, {
    get(t, p, r) {
      const v = Reflect.get(t, p, r);
      return typeof v === 'function' ? (...args: unknown[]) => life.call(() => Reflect.apply(v, t, args)) : v;
    },
  });
}

/** A DynamoDB client whose `send` goes through `life`. */
function mortalDdb(ddb: DynamoDBDocumentClient, life: Life): DynamoDBDocumentClient {
  return new Proxy(ddb, {
    get(t, p, r) {
      if (p !== 'send') return Reflect.get(t, p, r);
      return (...args: unknown[]) => life.call(() => Reflect.apply(t.send, t, args));
    },
  });
}

describe('a stream-svc crash at any point of a create: the redelivered create finishes it', () => {
  let db: Awaited<ReturnType<typeof startDynalite>>;
  let ddb: DynamoDBDocumentClient;
  const tables = {
    streams: `streams-${randomBytes(4).toString('hex')}`,
    chat: `chat-${randomBytes(4).toString('hex')}`,
  };
  const ctx = { attempt: 1, log: silentLogger };
  const alice = { userId: 'alice', roles: ['streamer' as const] };

  beforeAll(async () => {
    db = await startDynalite();
    ddb = createDocumentClient({ region: 'us-east-1', endpoint: db.endpoint });
    await ensureTable(ddb, { name: tables.streams, indexes: STREAM_TABLE_INDEXES });
    await ensureTable(ddb, { name: tables.chat, indexes: CHAT_TABLE_INDEXES });
  });
  afterAll(async () => db.close());

  type Provider = 'ivs' | 'native';

  /** A streams table of its own, for a reconciler (it looks at every stream in its table). */
  async function ownTable(): Promise<string> {
    const name = `streams-${randomBytes(4).toString('hex')}`;
    await ensureTable(ddb, { name, indexes: STREAM_TABLE_INDEXES });
    return name;
  }

  /** The world outside stream-svc for one stream: IVS, chat-svc with IVS Chat, the events bus. */
  function world(opts: { omitStreamKey?: boolean; streamsTable?: string } = {}) {
    const streamsTable = opts.streamsTable ?? tables.streams;
    const ivs = new FakeIvs();
    ivs.omitStreamKey = opts.omitStreamKey ?? false;
    const ivsChat = new FakeIvsChat();
    const published: Envelope[] = [];
    const validated = (e: Envelope) => {
      const check = contracts.validate(e);
      if (!check.ok) throw new Error(check.reason);
      return e;
    };
    const nothing = async () => ({ stop: async () => {} });
    const chatBus: Bus = {
      instanceId: 'chat-1',
      start: async () => {},
      send: async () => {},
      publish: async (e) => {
        published.push(validated(e));
      },
      request: async () => {
        throw new Error('chat-svc makes no requests here');
      },
      consumeCommands: nothing,
      subscribe: nothing,
      isReady: async () => true,
      close: async () => {},
    };
    const chatSvc = buildChatSvc({
      bus: chatBus,
      logger: silentLogger,
      instanceId: 'chat-1',
      ddb,
      tableName: tables.chat,
      ivsChat,
    });
    /** stream-svc's bus: events are recorded, requests are handled by chat-svc (never 'dies'). */
    const streamBus: Bus = {
      ...chatBus,
      instanceId: 'stream',
      request: async (cmd) => {
        const reply = await chatSvc.router.handle(validated(cmd), ctx);
        if (!reply) throw new Error(`chat-svc did not answer ${cmd.type}`);
        return reply;
      },
    };
    const store = new StreamStore(ddb, streamsTable);
    let clock = new Date('2026-11-22T10:00:00.000Z');
    return {
      ivs,
      ivsChat,
      chatSvc,
      published,
      store,
      now: () => clock,
      advance(ms: number) {
        clock = new Date(clock.getTime() + ms);
      },
      /** A stream-svc process whose every call out goes through `life`. */
      process(
        life: Life,
        provisioningTimeoutMs = 120_000,
        around: { bus?: (b: Bus) => Bus; ivs?: (i: IvsPort) => IvsPort } = {},
      ) {
        const bus = mortal(streamBus, life);
        const port = mortal<IvsPort>(ivs, life);
        const mod = streamsModule({
          bus: around.bus?.(bus) ?? bus,
          logger: silentLogger,
          ddb: mortalDdb(ddb, life),
          table: streamsTable,
          ivs: around.ivs?.(port) ?? port,
          now: () => clock,
          compensationDelaysMs: [1, 1],
          reconcile: { intervalMs: 3_600_000, provisioningTimeoutMs },
        });
        const router = new MessageRouter('stream-svc');
        mod.register(router);
        return {
          mod,
          handle: (e: Envelope) => router.handle(e, ctx) as Promise<Envelope<Record<string, unknown>>>,
        };
      },
    };
  }
  type World = ReturnType<typeof world>;

  const createCmd = (provider: Provider) => {
    const streamId = `strm_${randomBytes(8).toString('hex')}`;
    return makeEnvelope({
      type: 'onair.stream.create.v1',
      source: 'gateway',
      data: {
        streamId,
        actor: alice,
        title: 'Crash me',
        latencyMode: 'LOW',
        channelType: 'STANDARD',
        chatProvider: provider,
      },
    });
  };
  const streamIdOf = (cmd: Envelope) => (cmd.data as { streamId: string }).streamId;

  /** Hand `cmd` to a process that dies after `crashAfter` calls; resolves when it died or answered. */
  async function deliverTo(w: World, cmd: Envelope, crashAfter: number) {
    const life = new Life(crashAfter);
    const answered = w.process(life).handle(cmd);
    const outcome = await Promise.race([answered.then((r) => ({ r })), life.died.then(() => undefined)]);
    return { life, reply: outcome?.r };
  }

  /** The create ended well: ready, and exactly one of each thing it makes, all recorded. */
  async function expectProvisionedOnce(w: World, cmd: Envelope, provider: Provider, what: string) {
    const streamId = streamIdOf(cmd);
    const stored = await w.store.get(streamId);
    expect({ what, status: stored?.status }).toEqual({ what, status: 'ready' });
    const channels = [...w.ivs.channels.values()];
    expect({ what, channels: channels.map((c) => c.arn) }).toEqual({ what, channels: [stored?.channelArn] });
    expect(channels[0].name).toBe(streamId);
    expect(stored?.playbackUrl).toBe(channels[0].playbackUrl);
    expect(stored?.ingestEndpoint).toBe(channels[0].ingestEndpoint);
    expect(w.ivs.calls.filter((c) => c === 'CreateChannel')).toHaveLength(1);
    expect(w.ivs.calls).not.toContain('DeleteChannel');
    const key = w.ivs.streamKeys.get(stored?.channelArn ?? '');
    expect({ what, key: stored?.streamKey, arn: stored?.streamKeyArn }).toEqual({
      what,
      key: key?.value,
      arn: key?.arn,
    });
    expect(w.ivs.streamKeys.size).toBe(1);
    const room = await w.chatSvc.store.get(stored?.chatRoomId ?? '');
    expect({ what, room: room?.state }).toEqual({ what, room: 'active' });
    if (provider === 'ivs') {
      expect({ what, rooms: [...w.ivsChat.rooms.keys()] }).toEqual({ what, rooms: [stored?.chatRoomArn] });
      expect(w.ivsChat.calls.filter((c) => c === 'CreateRoom')).toHaveLength(1);
      expect(room?.arn).toBe(stored?.chatRoomArn);
    } else {
      expect(w.ivsChat.rooms.size).toBe(0);
    }
    expect(w.ivsChat.calls).not.toContain('DeleteRoom');
    // Announced (a copy repeats the same id), and never as failed.
    const created = w.published.filter((e) => e.type === 'onair.stream.created.v1' && e.subject === streamId);
    expect(created.length).toBeGreaterThan(0);
    expect(new Set(created.map((e) => e.id)).size).toBe(1);
    const states = w.published
      .filter((e) => e.type === 'onair.stream.state-changed.v1')
      .map((e) => (e.data as { status: string }).status);
    expect(states).not.toContain('failed');
  }

  const variants: Array<{ name: string; provider: Provider; omitStreamKey?: boolean }> = [
    { name: 'IVS Chat room', provider: 'ivs' },
    { name: 'IVS Chat room, CreateChannel without a stream key', provider: 'ivs', omitStreamKey: true },
    { name: 'native chat room', provider: 'native' },
  ];

  /** How many calls out a create makes when nothing goes wrong. */
  async function callsOfACleanCreate(v: (typeof variants)[number]): Promise<number> {
    const w = world(v);
    const cmd = createCmd(v.provider);
    const { life, reply } = await deliverTo(w, cmd, Number.POSITIVE_INFINITY);
    expect(reply?.type).toBe('onair.stream.created.v1');
    await expectProvisionedOnce(w, cmd, v.provider, 'clean run');
    return life.calls;
  }

  test.each(variants)('one crash after each call of the saga ($name)', async (v) => {
    const steps = await callsOfACleanCreate(v);
    expect(steps).toBeGreaterThanOrEqual(7); // record, channel, its save, key save, room, ready, events
    for (let k = 0; k <= steps; k++) {
      const w = world(v);
      const cmd = createCmd(v.provider);
      await deliverTo(w, cmd, k); // dies after its k-th call (k = 0: before doing anything)
      const reply = await w.process(new Life()).handle(cmd); // the redelivery, in a fresh process
      expect({ k, type: reply.type, status: reply.data.status }).toEqual({
        k,
        type: 'onair.stream.created.v1',
        status: 'ready',
      });
      await expectProvisionedOnce(w, cmd, v.provider, `crash after call ${k} of ${steps}`);
    }
  });

  test('several crashes in a row, each at any point of its own run, then one that lives', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...variants),
        fc.array(fc.integer({ min: 0, max: 16 }), { minLength: 1, maxLength: 4 }),
        async (v, crashes) => {
          const w = world(v);
          const cmd = createCmd(v.provider);
          for (const k of crashes) await deliverTo(w, cmd, k);
          const reply = await w.process(new Life()).handle(cmd);
          expect(reply.data.status).toBe('ready');
          await expectProvisionedOnce(w, cmd, v.provider, `crashes after calls ${crashes.join(', ')}`);
        },
      ),
      { numRuns: 40 },
    );
  });

  test('a redelivered create of a ready stream calls no provider and writes nothing', async () => {
    const w = world();
    const cmd = createCmd('ivs');
    const first = await w.process(new Life()).handle(cmd);
    const before = await w.store.get(streamIdOf(cmd));
    const ivsCalls = w.ivs.calls.length;
    const chatCalls = w.ivsChat.calls.length;
    w.advance(5000);
    const again = await w.process(new Life()).handle(cmd);
    expect(again.id).toBe(first.id);
    expect(again.data).toEqual(first.data);
    expect(w.ivs.calls.length).toBe(ivsCalls);
    expect(w.ivsChat.calls.length).toBe(chatCalls);
    expect(await w.store.get(streamIdOf(cmd))).toEqual(before);
  });

  test('a redelivered create of a failed stream stays failed and makes nothing', async () => {
    const w = world();
    w.ivs.failNext.set(
      'CreateChannel',
      new AppError('PROVIDER_UNAVAILABLE', 502, 'IVS CreateChannel failed: down'),
    );
    const cmd = createCmd('ivs');
    const first = await w.process(new Life()).handle(cmd);
    expect(first.data).toMatchObject({
      status: 'failed',
      failureReason: expect.stringMatching(/CreateChannel/),
    });
    const calls = w.ivs.calls.length;
    const again = await w.process(new Life()).handle(cmd);
    expect(again.data).toMatchObject({ status: 'failed', failureReason: first.data.failureReason });
    expect(w.ivs.calls.slice(calls)).toEqual([]);
    expect(w.ivs.channels.size).toBe(0);
  });

  test('the stuck check leaves a crashed create to its redelivery, however long the outage', async () => {
    const w = world({ streamsTable: await ownTable() });
    const cmd = createCmd('ivs');
    await deliverTo(w, cmd, 2); // died right after CreateChannel: a channel nobody recorded
    w.advance(10 * 60_000); // down ten times the timeout
    const restarted = w.process(new Life(), 60_000);
    await restarted.mod.reconciler.runOnce(); // its first pass, at start-up
    expect((await w.store.get(streamIdOf(cmd)))?.status).toBe('provisioning');
    expect((await restarted.handle(cmd)).data.status).toBe('ready');
    await expectProvisionedOnce(w, cmd, 'ivs', 'resumed after a long outage');
  });

  test('a saga the stuck check gave up on cannot make the stream ready after the clean-up', async () => {
    const w = world({ streamsTable: await ownTable() });
    const cmd = createCmd('ivs');
    const roomMade = deferred();
    const answerRoom = deferred();
    const channelDeleted = deferred();
    const finishCleanUp = deferred();
    let held = false;
    const slow = w.process(new Life(), 60_000, {
      // The saga's chat room answer comes late; the clean-up stops after deleting the channel.
      bus: (b) => ({
        ...b,
        request: async (c) => {
          const reply = await b.request(c);
          if (c.type === 'onair.chat.room.create.v1') {
            roomMade.resolve();
            await answerRoom.promise;
          }
          return reply;
        },
      }),
      ivs: (i) =>
        new Proxy(i, {
          get(t, p, r) {
            if (p !== 'deleteChannel') return Reflect.get(t, p, r);
            return async (arn: string) => {
              await t.deleteChannel(arn);
              if (held) return;
              held = true;
              channelDeleted.resolve();
              await finishCleanUp.promise;
            };
          },
        }),
    });
    const answer = slow.handle(cmd);
    await roomMade.promise;
    w.advance(61_000); // no progress for longer than the timeout, in a process up that long
    const pass = slow.mod.reconciler.runOnce();
    await channelDeleted.promise;
    answerRoom.resolve(); // the saga goes on while the clean-up is half way
    const reply = await answer;
    finishCleanUp.resolve();
    await pass;
    expect(reply.data).toMatchObject({
      status: 'failed',
      failureReason: expect.stringMatching(/did not finish/),
    });
    expect(await w.store.get(streamIdOf(cmd))).toMatchObject({ status: 'failed' });
    expect(w.ivs.channels.size).toBe(0);
    expect(w.ivsChat.rooms.size).toBe(0);
    expect(w.published.filter((e) => e.type === 'onair.stream.created.v1')).toEqual([]);
  });

  test('a create nobody resumes is failed and cleaned up once the process has been up the timeout', async () => {
    const w = world({ streamsTable: await ownTable() });
    const cmd = createCmd('ivs');
    await deliverTo(w, cmd, 2); // its channel made, not recorded; the command is never seen again
    const restarted = w.process(new Life(), 60_000);
    w.advance(59_000);
    await restarted.mod.reconciler.runOnce();
    expect((await w.store.get(streamIdOf(cmd)))?.status).toBe('provisioning');
    w.advance(2_000);
    await restarted.mod.reconciler.runOnce();
    expect(await w.store.get(streamIdOf(cmd))).toMatchObject({
      status: 'failed',
      failureReason: expect.stringMatching(/Provisioning did not finish/),
    });
    expect(w.ivs.channels.size).toBe(0); // found by its name and deleted
  });
});
