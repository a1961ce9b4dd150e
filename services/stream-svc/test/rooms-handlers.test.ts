// stream-svc's room handlers with a fake LiveKit and the recording bus; dynalite for the table.
import {
  type ContractDef,
  type Envelope,
  envelopeOf,
  LiveKitWebhookReceived,
  RoomCreate,
  RoomDelete,
} from '@onair/contracts';
import type { Static, TSchema } from '@sinclair/typebox';
import { AppError, createDocumentClient, ensureTable, silentLogger } from '@onair/runtime';
import { recordingBus, startDynalite } from '../../../test/support';
import { FakeLiveKitRooms } from '../src/livekit/rooms-fake';
import { createRoom, deleteRoom, onRoomWebhook } from '../src/rooms/handlers';
import { reconcileRooms } from '../src/rooms/reconcile';
import { RoomStore } from '../src/rooms/store';

const actor = { userId: 'alice', roles: ['streamer' as const] };
const ctx = { attempt: 1, log: silentLogger };
let dyn: Awaited<ReturnType<typeof startDynalite>>;
let store: RoomStore;
beforeAll(async () => {
  dyn = await startDynalite();
  const ddb = createDocumentClient({ region: 'us-east-1', endpoint: dyn.endpoint });
  await ensureTable(ddb, { name: 'rooms' });
  store = new RoomStore(ddb, 'rooms');
});
afterAll(() => dyn.close());

const cmd = <S extends TSchema>(def: ContractDef<S>, data: Static<S>) =>
  envelopeOf(def, { source: 'test', data });
const create = (roomId: string) =>
  cmd(RoomCreate, {
    roomId,
    actor,
    topic: 't',
    description: '',
    maxParticipants: 5,
    emptyTimeout: 60,
    metadata: '',
  });
const webhook = (id: string, event: string, room: string, identity?: string, sid = `PA_${identity}`) =>
  cmd(LiveKitWebhookReceived, {
    webhookId: id,
    event,
    room: { name: room, sid: 'RM_1' },
    ...(identity ? { participant: { identity, sid } } : {}),
  });

describe('room handlers', () => {
  it('stores nothing when LiveKit fails, and the failure is retryable', async () => {
    const livekit = new FakeLiveKitRooms();
    livekit.fail = new AppError('LIVEKIT_UNAVAILABLE', 502, 'down');
    const d = { bus: recordingBus(), store, livekit };
    await expect(createRoom(d)(create('r-fail'), ctx)).rejects.toMatchObject({
      status: 502,
      retryable: true,
    });
    expect(await store.get('r-fail')).toBeUndefined();
    expect(d.bus.published).toEqual([]);
  });

  it('counts one record per identity: a replaced session leaving late removes nobody', async () => {
    const livekit = new FakeLiveKitRooms();
    const d = { bus: recordingBus(), store, livekit };
    await createRoom(d)(create('r1'), ctx);
    const on = onRoomWebhook(d);
    await on(webhook('E1', 'participant_joined', 'r1', 'bob', 'PA_old'), ctx);
    await on(webhook('E2', 'participant_joined', 'r1', 'bob', 'PA_new'), ctx); // same identity reconnects
    await on(webhook('E3', 'participant_left', 'r1', 'bob', 'PA_old'), ctx); // the old session's late leave
    await on(webhook('E4', 'participant_joined', 'r1', 'carol'), ctx);
    expect((await store.get('r1'))?.participantCount).toBe(2);
    await on(webhook('E5', 'room_finished', 'r1'), ctx);
    expect(await store.get('r1')).toMatchObject({ participantCount: 0, status: 'finished' });
    await on(webhook('E6', 'participant_joined', 'not-ours', 'x'), ctx);
    expect(d.bus.published.filter((e: Envelope) => e.type === 'onair.room.updated.v1')).toHaveLength(3); // only real changes

    await deleteRoom(d)(cmd(RoomDelete, { roomId: 'r1', actor }), ctx);
    expect(livekit.rooms.has('r1')).toBe(false);
    expect(await store.participantIdentities('r1')).toEqual([]);
  });
});

describe('room reconciliation with ListRooms', () => {
  it('finishes a room LiveKit closed without telling us, and empties one LiveKit reports empty', async () => {
    const livekit = new FakeLiveKitRooms();
    const bus = recordingBus();
    const d = { bus, store, livekit };
    await createRoom(d)(create('gone'), ctx);
    await createRoom(d)(create('empty'), ctx);
    await createRoom(d)(create('busy'), ctx);
    const on = onRoomWebhook(d);
    await on(webhook('J1', 'participant_joined', 'empty', 'ann'), ctx);
    await on(webhook('J2', 'participant_joined', 'busy', 'bob'), ctx);
    livekit.rooms.get('busy')!.numParticipants = 1;
    livekit.rooms.delete('gone'); // closed (emptyTimeout), room_finished lost
    const later = () => Date.now() + 120_000;
    const young = await reconcileRooms({ ...d, logger: silentLogger });
    expect(young).toBe(0); // within the grace period nothing is touched
    expect(await reconcileRooms({ ...d, logger: silentLogger, now: later })).toBe(2);
    expect(await store.get('gone')).toMatchObject({ status: 'finished', participantCount: 0 });
    expect(await store.get('empty')).toMatchObject({ status: 'active', participantCount: 0 });
    expect(await store.get('busy')).toMatchObject({ status: 'active', participantCount: 1 });
    expect(await reconcileRooms({ ...d, logger: silentLogger, now: later })).toBe(0);
  });
});
