// Issue 10, items 2 and 5, at the gateway: a delivery lost on its way from fanout is filled from
// history within the gap wait, a reconnecting client's recovery races neither live deliveries
// nor the room's position, and a message refused during an outage says when to retry.
// Real parts: chat-svc (dynalite), one gateway, the bus core on its memory transport; in place of fanout-svc, a router in
// this test that routes every message event like fanout does but loses the ones it is told to
// (as if fanout had sent them to a gateway instance that died).
import { DynamoMessageLog } from '@onair/chat-svc/message-log';
import { follow, GatewayDeliver, makeEnvelope } from '@onair/contracts';
import type { FastifyInstance } from 'fastify';
import { type startDynalite, type testBuses, waitFor } from '../../../test/support';
import {
  chatToken,
  createNativeRoom,
  openChatSocket,
  startChatGateway,
  startChatBackend,
} from '../../../test/support/chat';
import { deliveryFor } from '../../fanout-svc/src/deliveries';
import { ChatHistoryReadModel } from '../src/read-models/chat-history';

const CHAT_SECRET = 'chat-token-secret-gap-tests';
const ROOM = 'gaps';
const GW = 'gw-gaps';

/** A held read: the test opens it when the race it sets up is in place. */
class Gate {
  private open?: () => void;
  private readonly opened = new Promise<void>((r) => {
    this.open = r;
  });
  /** Set once a read waits at the gate. */
  waiting = false;
  async pass(): Promise<void> {
    this.waiting = true;
    await this.opened;
  }
  release(): void {
    this.open?.();
  }
}

/** The chat table's history, with reads a test can hold: recovery reads and position reads, by room. */
class GatedHistory extends ChatHistoryReadModel {
  readonly recoveries = new Map<string, Gate>();
  readonly positions = new Map<string, Gate>();
  override async after(roomId: string, afterSeq: number, limit: number) {
    await this.recoveries.get(roomId)?.pass();
    return super.after(roomId, afterSeq, limit);
  }
  override async lastStoredSeq(roomId: string) {
    await this.positions.get(roomId)?.pass();
    return super.lastStoredSeq(roomId);
  }
}

describe('deliveries with a gap, and refusals during an outage', () => {
  jest.setTimeout(60_000);
  let db: Awaited<ReturnType<typeof startDynalite>>;
  let buses: Awaited<ReturnType<typeof testBuses>>;
  let gateway: { app: FastifyInstance; port: number };
  let client: Awaited<ReturnType<typeof buses.make>>;
  let chat: Awaited<ReturnType<typeof startChatBackend>>['chat'];
  /** The deliveries (`room#seq`) the lossy router drops instead of routing. */
  const lose = new Set<string>();

  let history: GatedHistory;

  const connect = async (userId: string, o: { room?: string; since?: number } = {}) => {
    const room = o.room ?? ROOM;
    const query = o.since === undefined ? '' : `?since=${o.since}`;
    const { ws, frames } = await openChatSocket(
      `ws://127.0.0.1:${gateway.port}/v1/chat/ws${query}`,
      await chatToken(client, room, userId),
    );
    return { ws, frames, messages: () => frames.filter((f) => f.Type === 'MESSAGE') };
  };
  /** A message from a member on another gateway: only the router brings it here. */
  const sendElsewhere = (content: string, roomId = ROOM) =>
    client.request(
      makeEnvelope({
        type: 'onair.chat.message.send.v1',
        source: 'test',
        data: {
          roomId,
          sender: { userId: 'carol' },
          connectionId: 'elsewhere-1',
          gatewayId: 'gw-elsewhere',
          requestId: `rid-${content}`,
          content,
        },
      }),
    );

  beforeAll(async () => {
    const table = 'onair-chat-gaps';
    const backend = await startChatBackend({ table, chatTokenSecret: CHAT_SECRET, transport: 'memory' });
    ({ db, buses, chat } = backend);
    const { ddb } = backend;
    // The lossy fanout: every message event to the gateway as fanout frames it, but those in `lose`.
    const router = await buses.make('lossy-fanout');
    await router.subscribe('lossy-fanout', ['onair.chat.message.sent.v1'], async (evt) => {
      const d = deliveryFor(evt);
      if (!d || (d.seq !== undefined && lose.has(`${d.roomId}#${d.seq}`))) return;
      await router.send(
        follow(evt, {
          type: GatewayDeliver.type,
          source: 'fanout-svc',
          idParts: [GW],
          data: { gatewayId: GW, ...d },
        }),
        { to: `gateway.${GW}` },
      );
    });
    history = new GatedHistory(new DynamoMessageLog(ddb, table));
    gateway = await startChatGateway({
      history,
      bus: await buses.make('gateway', GW),
      instanceId: GW,
      ddb,
      table,
      chatTokenSecret: CHAT_SECRET,
      requestTimeoutMs: 800,
      gapWaitMs: 100,
    });
    client = await buses.make('test-client');
    await createNativeRoom(client, ROOM, 'Gaps');
  });

  afterAll(async () => {
    await gateway?.app.close().catch(() => {});
    await chat?.stop().catch(() => {});
    await buses?.cleanup();
    await db?.close();
  });

  it('fills a delivery fanout lost from history, in order, with the frame a live client gets', async () => {
    const bob = await connect('bob');
    lose.add(`${ROOM}#3`);
    for (let i = 1; i <= 5; i++) await sendElsewhere(`m${i}`);
    await waitFor(() => bob.messages().length === 5, {
      what: 'five messages at bob, the lost one from history',
    });
    expect(bob.messages().map((f) => f.Content)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(bob.messages().map((f) => f.Attributes?.['onair:seq'])).toEqual(['1', '2', '3', '4', '5']);
    const filled = bob.messages()[2];
    expect(filled).toMatchObject({ Type: 'MESSAGE', RequestId: 'rid-m3', Sender: { UserId: 'carol' } });
    bob.ws.close();
  });

  it('a reconnecting client gets what it missed and what came live meanwhile, in order, nothing skipped', async () => {
    const room = 'gaps-recovery-live';
    await createNativeRoom(client, room, 'Recovery and live');
    const amy = await connect('amy', { room }); // the room is live on this gateway already
    for (let i = 1; i <= 3; i++) await sendElsewhere(`m${i}`, room);
    await waitFor(() => amy.messages().length === 3, { what: 'three messages at amy' });
    const gate = new Gate();
    history.recoveries.set(room, gate);
    const bob = await connect('bob', { room, since: 0 });
    await waitFor(() => gate.waiting, { what: "bob's recovery to read history" });
    await sendElsewhere('m4', room); // written live while bob's history read is under way
    await waitFor(() => amy.messages().length === 4, { what: 'm4 written live' });
    gate.release();
    await waitFor(() => bob.frames.some((f) => f.EventName === 'onair:RECOVERY'), {
      what: 'the recovery event',
    });
    await waitFor(() => bob.messages().length >= 4, { what: 'four messages at bob' });
    expect(bob.messages().map((f) => f.Content)).toEqual(['m1', 'm2', 'm3', 'm4']);
    amy.ws.close();
    bob.ws.close();
  });

  it("a client recovering on a gateway new to the room gets from history what fanout sent elsewhere while the room's position was read", async () => {
    const room = 'gaps-recovery-position';
    await createNativeRoom(client, room, 'Recovery and position');
    for (let i = 1; i <= 3; i++) await sendElsewhere(`m${i}`, room);
    const gate = new Gate();
    history.positions.set(room, gate);
    const cat = await connect('cat', { room, since: 1 });
    await waitFor(() => gate.waiting, { what: "the room's position to be read" });
    // Sent to another gateway instance (the one cat was on, say): they never arrive here, and
    // they are stored before the position is read, so no gap shows them to this gateway.
    lose.add(`${room}#4`);
    lose.add(`${room}#5`);
    await sendElsewhere('m4', room);
    await sendElsewhere('m5', room);
    gate.release();
    await sendElsewhere('m6', room);
    await waitFor(() => cat.messages().length >= 5, { what: 'm2..m6 at cat' });
    expect(cat.messages().map((f) => f.Content)).toEqual(['m2', 'm3', 'm4', 'm5', 'm6']);
    cat.ws.close();
  });

  it('says when to retry when chat-svc is away (the request times out)', async () => {
    const alice = await connect('alice');
    await chat.stop(); // chat-svc is down: nobody answers the send
    alice.ws.send(JSON.stringify({ Action: 'SEND_MESSAGE', RequestId: 'during-outage', Content: 'anyone?' }));
    const err = await waitFor(
      () => alice.frames.find((f) => f.Type === 'ERROR' && f.RequestId === 'during-outage'),
      {
        what: 'the refusal',
      },
    );
    expect(err.ErrorCode).toBe(500);
    expect(String(err.ErrorMessage)).toMatch(/did not answer in time; retry in [2-5] s$/);
    alice.ws.close();
  });
});
