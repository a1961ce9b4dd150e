// The real livekit-server-sdk RoomServiceClient against the stand-in: every RoomService call, the
// auth failures exactly as livekit-server answers them, Twirp error shapes, and participant joins.
import { CreateRoomRequest, Room } from '@livekit/protocol';
import { SignJWT } from 'jose';
import { AccessToken, DataPacket_Kind, RoomServiceClient, TwirpError } from 'livekit-server-sdk';
import { type LiveKitStandIn, TwirpError as StandInError, startLiveKitStandIn } from '../src/livekit';
import { API_KEY, API_SECRET, post } from './livekit-helpers';

let lk: LiveKitStandIn;
let rooms: RoomServiceClient;

beforeEach(async () => {
  lk = await startLiveKitStandIn({ port: 0, apiKey: API_KEY, apiSecret: API_SECRET });
  rooms = new RoomServiceClient(lk.url, API_KEY, API_SECRET);
});
afterEach(() => lk.close());

async function joinToken(room: string, identity: string, extra: Record<string, unknown> = {}) {
  const at = new AccessToken(API_KEY, API_SECRET, { identity, name: identity.toUpperCase(), ...extra });
  at.addGrant({ roomJoin: true, room });
  return at.toJwt();
}

async function caught(p: Promise<unknown>): Promise<TwirpError> {
  try {
    await p;
  } catch (err) {
    return err as TwirpError;
  }
  throw new Error('expected a rejection');
}

describe('RoomService via the real RoomServiceClient', () => {
  it('creates, lists, updates and deletes rooms', async () => {
    const created = await rooms.createRoom({
      name: 'demo',
      emptyTimeout: 120,
      maxParticipants: 5,
      metadata: 'm1',
    });
    expect(created).toBeInstanceOf(Room);
    expect(created.sid).toMatch(/^RM_/);
    expect(created).toMatchObject({ name: 'demo', emptyTimeout: 120, maxParticipants: 5, metadata: 'm1' });
    expect(created.departureTimeout).toBe(20); // server default
    expect(typeof created.creationTime).toBe('bigint');
    expect(Number(created.creationTime)).toBeCloseTo(Date.now() / 1000, -1);

    // CreateRoom on an existing name answers the existing room.
    expect((await rooms.createRoom({ name: 'demo' })).sid).toBe(created.sid);
    await rooms.createRoom({ name: 'other' });

    expect((await rooms.listRooms()).map((r) => r.name).sort()).toEqual(['demo', 'other']);
    expect((await rooms.listRooms(['other', 'missing'])).map((r) => r.name)).toEqual(['other']);

    const updated = await rooms.updateRoomMetadata('demo', '{"topic":"x"}');
    expect(updated.metadata).toBe('{"topic":"x"}');
    expect((await rooms.listRooms(['demo']))[0].metadata).toBe('{"topic":"x"}');

    await rooms.deleteRoom('demo');
    expect((await rooms.listRooms()).map((r) => r.name)).toEqual(['other']);
  });

  it('lists, gets and removes participants that joined with tokens', async () => {
    await lk.join(await joinToken('demo', 'alice', { metadata: '{"a":1}', attributes: { role: 'host' } }));
    await lk.join(await joinToken('demo', 'bob'));

    const list = await rooms.listParticipants('demo');
    expect(list.map((p) => p.identity).sort()).toEqual(['alice', 'bob']);
    const alice = await rooms.getParticipant('demo', 'alice');
    expect(alice).toMatchObject({
      identity: 'alice',
      name: 'ALICE',
      metadata: '{"a":1}',
      attributes: { role: 'host' },
    });
    expect(alice.sid).toMatch(/^PA_/);
    expect(alice.permission).toMatchObject({ canPublish: true, canSubscribe: true, canPublishData: true });
    expect((await rooms.listRooms(['demo']))[0].numParticipants).toBe(2);

    await rooms.removeParticipant('demo', 'alice');
    expect((await rooms.listParticipants('demo')).map((p) => p.identity)).toEqual(['bob']);
    lk.leave('demo', 'bob');
    expect(await rooms.listParticipants('demo')).toEqual([]);
    // livekit's stores answer an empty list for an unknown room.
    expect(await rooms.listParticipants('nowhere')).toEqual([]);
  });

  it('answers not_found the way the SDK surfaces it', async () => {
    const err = await caught(rooms.deleteRoom('nope'));
    expect(err).toBeInstanceOf(TwirpError);
    expect(err).toMatchObject({ status: 404, code: 'not_found', message: 'requested room does not exist' });
    await rooms.createRoom({ name: 'demo' });
    expect(await caught(rooms.removeParticipant('demo', 'ghost'))).toMatchObject({
      status: 404,
      code: 'not_found',
      message: 'participant does not exist',
    });
    expect(await caught(rooms.updateRoomMetadata('nope', 'x'))).toMatchObject({
      status: 404,
      code: 'not_found',
    });
  });

  it('answers unimplemented for real methods it does not model', async () => {
    await rooms.createRoom({ name: 'demo' });
    const err = await caught(rooms.sendData('demo', new Uint8Array([1]), DataPacket_Kind.RELIABLE));
    expect(err).toMatchObject({ status: 501, code: 'unimplemented' });
  });
});

describe('wire format', () => {
  async function adminJwt(grant: Record<string, unknown>) {
    const at = new AccessToken(API_KEY, API_SECRET);
    at.addGrant(grant);
    return at.toJwt();
  }

  it('answers snake_case JSON with zero values and int64 as strings, content type bare', async () => {
    const res = await post(
      `${lk.url}/twirp/livekit.RoomService/CreateRoom`,
      JSON.stringify({ name: 'demo' }),
      {
        Authorization: `Bearer ${await adminJwt({ roomCreate: true })}`,
      },
    );
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('application/json');
    const room = JSON.parse(res.text);
    expect(room).toMatchObject({ name: 'demo', empty_timeout: 300, num_participants: 0, metadata: '' });
    expect(room.creation_time).toMatch(/^\d+$/);
    expect(room.creation_time_ms).toMatch(/^\d{13}$/);
    expect(room).not.toHaveProperty('creationTime');
  });

  it('accepts snake_case requests and application/protobuf', async () => {
    const token = await adminJwt({ roomCreate: true });
    const snake = await post(
      `${lk.url}/twirp/livekit.RoomService/CreateRoom`,
      '{"name":"a","empty_timeout":7}',
      {
        Authorization: `Bearer ${token}`,
      },
    );
    expect(JSON.parse(snake.text).empty_timeout).toBe(7);

    const res = await fetch(`${lk.url}/twirp/livekit.RoomService/CreateRoom`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/protobuf', Authorization: `Bearer ${token}` },
      body: new CreateRoomRequest({ name: 'b', maxParticipants: 3 }).toBinary(),
    });
    expect(res.headers.get('content-type')).toBe('application/protobuf');
    const room = Room.fromBinary(new Uint8Array(await res.arrayBuffer()));
    expect(room).toMatchObject({ name: 'b', maxParticipants: 3 });
  });

  it('answers Twirp errors for bad routes, methods, content types and bodies', async () => {
    const auth = { Authorization: `Bearer ${await adminJwt({ roomCreate: true })}` };
    const badPath = await post(`${lk.url}/twirp/livekit.RoomService/Nope`, '{}', auth);
    expect(badPath.status).toBe(404);
    expect(badPath.contentType).toBe('application/json');
    expect(JSON.parse(badPath.text)).toEqual({
      code: 'bad_route',
      msg: 'no handler for path "/twirp/livekit.RoomService/Nope"',
      meta: { twirp_invalid_route: 'POST /twirp/livekit.RoomService/Nope' },
    });

    const get = await fetch(`${lk.url}/twirp/livekit.RoomService/CreateRoom`, { headers: auth });
    expect(get.status).toBe(404);
    expect(((await get.json()) as { code: string }).code).toBe('bad_route');

    const text = await post(`${lk.url}/twirp/livekit.RoomService/CreateRoom`, '{}', {
      ...auth,
      'Content-Type': 'text/plain',
    });
    expect([text.status, JSON.parse(text.text).code]).toEqual([404, 'bad_route']);

    const garbage = await post(`${lk.url}/twirp/livekit.RoomService/CreateRoom`, '{nope', auth);
    expect([garbage.status, JSON.parse(garbage.text).code]).toEqual([400, 'malformed']);
  });
});

describe('authentication and grants (as livekit-server answers)', () => {
  const createRoom = (headers: Record<string, string>) =>
    post(`${lk.url}/twirp/livekit.RoomService/CreateRoom`, '{"name":"demo"}', headers);

  it('401 Twirp unauthenticated without a token', async () => {
    const res = await createRoom({});
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text)).toEqual({ code: 'unauthenticated', msg: 'permissions denied' });
  });

  it('401 plain text for a bad token, a wrong secret, an unknown key or a missing Bearer prefix', async () => {
    const wrongSecret = await new AccessToken(API_KEY, 'another-secret-another-secret!!').toJwt();
    const unknownKey = await new AccessToken('otherkey', API_SECRET).toJwt();
    for (const header of [
      'Bearer not.a.jwt',
      `Bearer ${wrongSecret}`,
      `Bearer ${unknownKey}`,
      `Token ${wrongSecret}`,
    ]) {
      const res = await createRoom({ Authorization: header });
      expect(res.status).toBe(401);
      expect(res.contentType).toMatch(/^text\/plain/);
    }
    // ...which the SDK turns into a TwirpError without a code.
    const sdk = new RoomServiceClient(lk.url, API_KEY, 'another-secret-another-secret!!');
    const err = await caught(sdk.listRooms());
    expect(err).toMatchObject({ status: 401, code: undefined });
  });

  it('401 unauthenticated "permissions denied" for a token lacking the grant', async () => {
    const listOnly = new AccessToken(API_KEY, API_SECRET);
    listOnly.addGrant({ roomList: true });
    const res = await createRoom({ Authorization: `Bearer ${await listOnly.toJwt()}` });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text)).toEqual({ code: 'unauthenticated', msg: 'permissions denied' });

    // roomAdmin is scoped to its room.
    const adminOfOther = new AccessToken(API_KEY, API_SECRET);
    adminOfOther.addGrant({ roomAdmin: true, room: 'other' });
    const res2 = await post(`${lk.url}/twirp/livekit.RoomService/ListParticipants`, '{"room":"demo"}', {
      Authorization: `Bearer ${await adminOfOther.toJwt()}`,
    });
    expect([res2.status, JSON.parse(res2.text).code]).toEqual([401, 'unauthenticated']);
  });

  it('rejects expired admin tokens', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ video: { roomCreate: true } })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(API_KEY)
      .setExpirationTime(now - 3600)
      .sign(new TextEncoder().encode(API_SECRET));
    expect((await createRoom({ Authorization: `Bearer ${expired}` })).status).toBe(401);
  });
});

describe('participant join (dev control)', () => {
  const sign = (
    claims: Record<string, unknown>,
    secret = API_SECRET,
    exp = Math.floor(Date.now() / 1000) + 600,
  ) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(API_KEY)
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(secret));

  it('auto-creates the room on first join and replaces a duplicate identity', async () => {
    const first = await lk.join(await joinToken('fresh', 'alice'));
    expect(first.room.name).toBe('fresh');
    expect(first.participant.identity).toBe('alice');
    expect((await rooms.listRooms()).map((r) => r.name)).toEqual(['fresh']);

    const second = await lk.join(await joinToken('fresh', 'alice'));
    expect(second.participant.sid).not.toBe(first.participant.sid);
    const list = await rooms.listParticipants('fresh');
    expect(list.map((p) => p.sid)).toEqual([second.participant.sid]);
  });

  it('refuses bad tokens like /rtc does', async () => {
    const cases: Array<[string, Promise<string>, string]> = [
      [
        'wrong secret',
        sign({ sub: 'a', video: { roomJoin: true, room: 'r' } }, 'x'.repeat(32)),
        'unauthenticated',
      ],
      [
        'expired',
        sign({ sub: 'a', video: { roomJoin: true, room: 'r' } }, API_SECRET, 1000),
        'unauthenticated',
      ],
      ['no roomJoin', sign({ sub: 'a', video: { roomAdmin: true, room: 'r' } }), 'unauthenticated'],
      ['no room', sign({ sub: 'a', video: { roomJoin: true } }), 'invalid_argument'],
      ['no identity', sign({ video: { roomJoin: true, room: 'r' } }), 'invalid_argument'],
    ];
    for (const [what, token, code] of cases) {
      const err = await caught(lk.join(await token));
      expect([what, err]).toEqual([what, expect.any(StandInError)]);
      expect([what, (err as unknown as StandInError).code]).toEqual([what, code]);
    }
    expect(await rooms.listRooms()).toEqual([]);
  });

  it('has JSON routes for join and leave', async () => {
    const ok = await post(`${lk.url}/_dev/join`, JSON.stringify({ token: await joinToken('r', 'carol') }));
    expect(ok.status).toBe(200);
    const body = JSON.parse(ok.text);
    expect(body.room.name).toBe('r');
    expect(body.participant).toMatchObject({ identity: 'carol', state: 'ACTIVE' });
    expect(body.participant.joined_at).toMatch(/^\d+$/);

    const bad = await post(`${lk.url}/_dev/join`, JSON.stringify({ token: 'garbage' }));
    expect([bad.status, JSON.parse(bad.text).code]).toEqual([401, 'unauthenticated']);

    const left = await post(`${lk.url}/_dev/leave`, JSON.stringify({ room: 'r', identity: 'carol' }));
    expect(left.status).toBe(200);
    expect(await rooms.listParticipants('r')).toEqual([]);
    const again = await post(`${lk.url}/_dev/leave`, JSON.stringify({ room: 'r', identity: 'carol' }));
    expect([again.status, JSON.parse(again.text).code]).toEqual([404, 'not_found']);
  });

  it('answers the health check', async () => {
    const res = await fetch(`${lk.url}/`);
    expect([res.status, await res.text()]).toEqual([200, 'OK']);
  });
});
