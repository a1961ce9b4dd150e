// Issue 10, item 3: fanout-svc killed (-9) while messages are sent, then started again. The new
// instance must learn the gateways' presence before it routes its backlog (it used to route it
// to nobody and ack it), and the sender is answered meanwhile from chat-svc's reply.
// fanout-svc runs here as a process of its own (its real main.ts), the rest in this process:
// chat-svc, two gateways (alice on one, bob on the other, so only fanout can reach bob), on
// RabbitMQ and an in-memory DynamoDB.
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { AMQP_URL, freePort, type startDynalite, type testBuses, waitFor } from '../../../test/support';
import {
  chatToken,
  createNativeRoom,
  openChatSocket,
  startChatGateway,
  stopChatParts,
  startChatBackend,
} from '../../../test/support/chat';

const CHAT_SECRET = 'chat-token-secret-fanout-restart';
const ROOM = 'restart-room';
const ROOT = resolve(__dirname, '../../..');

describe('a fanout-svc restart with a backlog', () => {
  jest.setTimeout(90_000);
  let db: Awaited<ReturnType<typeof startDynalite>>;
  let buses: Awaited<ReturnType<typeof testBuses>>;
  const gateways: Record<string, { app: FastifyInstance; port: number }> = {};
  const stops: Array<() => Promise<unknown>> = [];
  let client: Awaited<ReturnType<typeof buses.make>>;
  const fanouts: Array<{ child: ChildProcess; out: () => string }> = [];

  /** fanout-svc's own main.ts as a process: what `npm start` runs, minus the CLI. */
  const startFanout = async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'services/fanout-svc/src/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        AMQP_URL,
        BUS_NAMESPACE: buses.namespace,
        PORT: String(await freePort()),
        LOG_LEVEL: 'info',
        AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
        TABLE_NAME: 'onair-fanout-restart',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const f = { child, out: () => out };
    fanouts.push(f);
    await waitFor(() => /fanout-svc ready/.test(out) || child.exitCode !== null, {
      what: 'fanout-svc to start',
      timeoutMs: 30_000,
    });
    if (child.exitCode !== null) throw new Error(`fanout-svc exited (${child.exitCode}):\n${out}`);
    return f;
  };
  /** The "presence known" line a fanout logged before it routed anything. */
  const presenceLine = (out: string) =>
    out
      .split('\n')
      .filter((l) => l.includes('routing events'))
      .map((l) => JSON.parse(l) as { msg: string; answered: string[]; expected: string[] | string })[0];

  const connect = async (gw: string, userId: string) => {
    const { ws, frames } = await openChatSocket(
      `ws://127.0.0.1:${gateways[gw].port}/v1/chat/ws`,
      await chatToken(client, ROOM, userId),
    );
    const messages = () => frames.filter((f) => f.Type === 'MESSAGE');
    return {
      ws,
      contents: () => messages().map((f) => String(f.Content)),
      seqs: () => messages().map((f) => Number(f.Attributes?.['onair:seq'])),
      withRequest: (rid: string) => messages().filter((f) => f.RequestId === rid),
      say: (content: string, rid = `${content}-rid`) =>
        ws.send(JSON.stringify({ Action: 'SEND_MESSAGE', RequestId: rid, Content: content })),
    };
  };

  beforeAll(async () => {
    const table = 'onair-chat-restart';
    const backend = await startChatBackend({ table, chatTokenSecret: CHAT_SECRET });
    ({ db, buses } = backend);
    const { ddb, chat } = backend;
    stops.push(() => chat.stop());
    // The first fanout runs before the gateways: it records them from their start-up snapshots.
    await startFanout();
    for (const gw of ['gw-1', 'gw-2']) {
      gateways[gw] = await startChatGateway({
        bus: await buses.make('gateway', gw),
        instanceId: gw,
        ddb,
        table,
        chatTokenSecret: CHAT_SECRET,
        jwtSecret: 'jwt-secret-for-the-restart-test',
      });
    }
    client = await buses.make('test-client');
    await createNativeRoom(client, ROOM, 'Restart');
  });

  afterAll(async () => {
    for (const f of fanouts)
      if (f.child.exitCode === null && f.child.signalCode === null) f.child.kill('SIGKILL');
    await stopChatParts({ gateways: Object.values(gateways), stops, buses, db });
  });

  it('answers the sender while fanout is down, waits for presence on restart, then routes the whole backlog to both members', async () => {
    const alice = await connect('gw-1', 'alice');
    const bob = await connect('gw-2', 'bob');
    // Bob (on the other gateway) hears alice: fanout routes.
    await waitFor(
      () => {
        if (!bob.contents().includes('warm-up')) alice.say('warm-up', `warm-up-${Date.now()}`);
        return bob.contents().includes('warm-up');
      },
      { what: 'the warm-up message at bob through fanout', timeoutMs: 20_000 },
    );

    const first = fanouts[0].child;
    const exited = new Promise((r) => first.once('exit', r));
    first.kill('SIGKILL');
    await exited;

    const backlog = ['r1', 'r2', 'r3', 'r4', 'r5'];
    for (const r of backlog) alice.say(r);
    // Alice is answered from chat-svc's replies, with no fanout running.
    await waitFor(() => backlog.every((r) => alice.withRequest(`${r}-rid`).length === 1), {
      what: "alice's echoes while fanout is down",
    });
    expect(bob.contents().filter((c) => backlog.includes(c))).toEqual([]);

    const second = await startFanout();
    await waitFor(() => backlog.every((r) => bob.contents().includes(r)), {
      what: 'the backlog at bob after the restart',
      timeoutMs: 20_000,
    });
    // It asked the gateways and had both snapshots before it routed anything (it knew both
    // from its table), and it routed the backlog to bob's gateway.
    const line = presenceLine(second.out());
    expect(line).toBeDefined();
    expect(line.answered).toEqual(expect.arrayContaining(['gw-1', 'gw-2']));
    expect(line.expected).toEqual(expect.arrayContaining(['gw-1', 'gw-2']));
    expect(second.out()).not.toMatch(/did not answer in time/);

    // Everyone has the room in order, each message once.
    expect(bob.contents().slice(-5)).toEqual(backlog);
    for (const who of [alice, bob]) {
      const seqs = who.seqs();
      expect(new Set(seqs).size).toBe(seqs.length);
      expect([...seqs].sort((p, q) => p - q)).toEqual(seqs);
    }
    // A resend of r1 gets the original back.
    const before = alice.withRequest('r1-rid');
    alice.say('r1');
    await waitFor(() => alice.withRequest('r1-rid').length === 2, { what: 'the answer to the resend' });
    const [original, again] = alice.withRequest('r1-rid');
    expect(again.Id).toBe(original.Id);
    expect(before).toHaveLength(1);
    alice.ws.close();
    bob.ws.close();
  });
});
