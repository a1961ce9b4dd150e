// Each seed's own document, replayed as it is written (requests, fields, status codes, message
// texts), against the stack `npm start` runs: the stand-ins in one process and the five services
// as processes of their own, reached over TCP. One stack serves the five seeds (CI time). The
// only deliberate differences from the seeds (a bearer token everywhere, 4xx instead of blanket
// 500s, role rules, identities from tokens) are in docs/seed-compatibility.md.
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { EgressClient, EgressStatus } from 'livekit-server-sdk';
import WebSocket from 'ws';
import { waitFor } from '../../libs/runtime/test/wait-for';
import { type StackProcess, startStackProcess } from '../support/stack-process';

jest.setTimeout(60_000);

let stack: StackProcess;
/** The IVS and LiveKit stand-ins' URLs, as `npm start` prints them. */
let ivsUrl: string;
let livekitUrl: string;

beforeAll(async () => {
  stack = await startStackProcess();
  const printed = (label: string) => {
    const m = new RegExp(`^\\s*${label}\\s+(http://\\S+?)(?:/_dev\\S*)?\\s`, 'm').exec(stack.output());
    if (!m?.[1]) throw new Error(`npm start did not print the ${label} URL:\n${stack.output()}`);
    return m[1];
  };
  ivsUrl = printed('IVS dev');
  livekitUrl = printed('LiveKit');
}, 120_000);

afterAll(async () => {
  // Nothing the seeds sent may have taken a process down.
  expect(await stack?.unhealthy()).toBeUndefined();
  await stack?.stop();
}, 60_000);

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
  /** The body as an object (the seeds' answers all are), for reading fields. */
  json: Record<string, unknown>;
}

/** One HTTP request to the gateway, as curl in the seed documents would send it (plus a token). */
async function call(
  method: string,
  path: string,
  o: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const res = await fetch(`${stack.gatewayUrl}${path}`, {
    method,
    headers: {
      ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
      ...o.headers,
    },
    ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (media)
  }
  const json = typeof body === 'object' && body !== null && !Array.isArray(body) ? { ...body } : {};
  return { status: res.status, headers: res.headers, body, json };
}

const iso = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);

/**
 * A token the way Amazon Cognito issues them to a signed-in user: a `sub`, `cognito:username`,
 * `token_use`, and no roles at all (the seeds' users had none). Signed with the stack's secret;
 * in production the gateway checks Cognito's own RS256 signature (JWT_JWKS_URL, JWT_ISSUER).
 */
async function cognitoToken(username: string): Promise<{ token: string; sub: string }> {
  const sub = randomUUID();
  const token = await new SignJWT({
    'cognito:username': username,
    token_use: 'id',
    email: `${username}@example.com`,
    aud: 'seed-app-client',
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer('https://cognito-idp.us-east-1.amazonaws.com/us-east-1_seed')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(stack.jwtSecret));
  return { token, sub };
}

describe('seed 000: IVS stream and chat room management (POST/GET/stop/DELETE /stream)', () => {
  it('replays the README: create, read, stop, delete with the documented fields and messages', async () => {
    const token = await stack.token('streamer-000', ['streamer']);
    const created = await call('POST', '/stream', { token, body: { title: 'My Live Stream' } });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      stream: {
        title: 'My Live Stream',
        streamId: expect.any(String),
        streamKey: expect.any(String),
        playbackUrl: expect.stringMatching(/^https:\/\/.+\.playback\.live-video\.net\//),
        rtmpUrl: expect.stringMatching(/^rtmps:\/\/.+\.global-contribute\.live-video\.net:443\/app\/$/),
      },
      chat: {
        chatRoomId: expect.stringMatching(/^chat_/),
        chatRoomArn: expect.stringMatching(/^arn:aws:ivschat:[a-z0-9-]+:\d{12}:room\//),
      },
    });
    const { stream, chat } = created.body as {
      stream: { streamId: string };
      chat: { chatRoomId: string; chatRoomArn: string };
    };

    const got = await call('GET', `/stream/${stream.streamId}`, { token });
    expect(got.status).toBe(200);
    expect(got.body).toEqual({
      streamId: stream.streamId,
      channelArn: expect.stringMatching(/^arn:aws:ivs:[a-z0-9-]+:\d{12}:channel\//),
      chatRoomId: chat.chatRoomId,
      chatRoomArn: chat.chatRoomArn,
    });

    // The seed stops a live stream: a broadcast starts (from OBS in the seed; the stand-in here).
    const started = await fetch(`${ivsUrl}/_dev/broadcasts/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channelArn: got.json.channelArn }),
    });
    expect(started.status).toBe(200);
    await waitFor(
      async () => (await call('GET', `/v1/streams/${stream.streamId}`, { token })).json.status === 'live',
      {
        what: 'the stream to go live',
        timeoutMs: 20_000,
      },
    );
    const stopped = await call('POST', `/stream/${stream.streamId}/stop`, { token });
    expect(stopped.status).toBe(200);
    expect(stopped.body).toEqual({ message: 'Stream stopped successfully' });

    const deleted = await call('DELETE', `/stream/${stream.streamId}`, { token });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ message: 'Stream and chat room deleted successfully' });
    expect((await call('GET', `/stream/${stream.streamId}`, { token })).status).toBe(404);
  });
});

describe('seed 001: LiveKit room tokens and recordings (/token, /recordings…)', () => {
  it('replays the API table: token, join, record, 409s, list, Range streaming, delete', async () => {
    const token = await stack.token('host-001', ['streamer']);
    const issued = await call('POST', '/token', {
      token,
      body: { roomName: 'fight-room', participantName: 'NAME' },
    });
    expect(issued.status).toBe(200);
    expect(issued.body).toEqual({ token: expect.stringMatching(/^ey/) });
    // The workflow's second step: the client joins the media server with that token.
    const joined = await fetch(`${livekitUrl}/_dev/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: issued.json.token }),
    });
    expect(joined.status).toBe(200);

    const start = await call('POST', '/recordings/start', { token, body: { roomName: 'fight-room' } });
    expect(start.status).toBe(200);
    expect(start.body).toEqual({
      message: 'Recording started',
      recording: { name: expect.stringMatching(/\.mp4$/), startedAt: expect.any(Number) },
    });
    const { name, startedAt } = start.json.recording as { name: string; startedAt: number };
    expect(
      (await call('POST', '/recordings/start', { token, body: { roomName: 'fight-room' } })).status,
    ).toBe(409);

    const egress = new EgressClient(livekitUrl, 'devkey', 'onair-dev-livekit-secret-0123456789');
    await waitFor(
      async () =>
        (await egress.listEgress({ roomName: 'fight-room' })).some(
          (e) => e.status === EgressStatus.EGRESS_ACTIVE,
        ),
      { what: 'the recording to be active in LiveKit' },
    );
    const stop = await call('POST', '/recordings/stop', { token, body: { roomName: 'fight-room' } });
    expect(stop.status).toBe(200);
    expect(stop.body).toEqual({
      message: 'Recording stopped',
      recording: { name, startedAt, size: expect.any(Number) },
    });
    expect((await call('POST', '/recordings/stop', { token, body: { roomName: 'fight-room' } })).status).toBe(
      409,
    );

    const listed = await waitFor(
      async () => {
        const r = await call('GET', '/recordings?roomName=fight-room', { token });
        const items = r.json.recordings;
        return Array.isArray(items) && items.some((i) => i?.name === name && i.size > 0) ? r : undefined;
      },
      { what: 'the finished recording in GET /recordings' },
    );
    expect(listed.status).toBe(200);
    const rec = (listed.json.recordings as Array<Record<string, unknown>>).find((i) => i.name === name);
    expect(rec).toEqual({
      id: expect.stringMatching(/^EG_/),
      name,
      roomName: 'fight-room',
      roomId: expect.any(String),
      startedAt,
      size: expect.any(Number),
    });
    const byId = await call('GET', `/recordings?roomName=fight-room&roomId=${rec?.roomId}`, { token });
    expect((byId.json.recordings as unknown[]).length).toBeGreaterThan(0);

    const part = await call('GET', `/recordings/${name}`, { token, headers: { range: 'bytes=0-99' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-type')).toBe('video/mp4');
    expect(part.headers.get('content-range')).toBe(`bytes 0-99/${rec?.size}`);
    const whole = await call('GET', `/recordings/${name}`, { token });
    expect(whole.status).toBe(200);

    const removed = await call('DELETE', `/recordings/${name}`, { token });
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ message: 'Recording deleted' });
    expect((await call('GET', `/recordings/${name}`, { token })).status).toBe(404);
  });
});

describe('seed 002: IVS Chat tokens (POST /api/chat/token)', () => {
  it('replays the guide: a stream carries chatRoomArn; two signed-in accounts get chat tokens', async () => {
    const creator = await stack.token('streamer-002', ['streamer']);
    const made = await call('POST', '/stream', { token: creator, body: { title: 'Chat stream' } });
    const roomIdentifier = (made.json.chat as { chatRoomArn: string }).chatRoomArn;
    for (const account of ['account-a', 'account-b']) {
      const { token } = await cognitoToken(account); // a Cognito login, no roles
      const res = await call('POST', '/api/chat/token', { token, body: { roomIdentifier } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        token: expect.any(String),
        sessionExpirationTime: iso,
        tokenExpirationTime: iso,
      });
    }
    // "User not authenticated" if trying to chat without login.
    const anon = await call('POST', '/api/chat/token', { body: { roomIdentifier } });
    expect(anon.status).toBe(401);
    expect(anon.json.message).toBe('User not authenticated');
  });
});

/** A seed 003 client: `wscat -c wss://…` with the Cognito token as `?token=`. */
async function wscat(token: string) {
  const ws = new WebSocket(`${stack.wsUrl}/v1/chat/seed003?token=${encodeURIComponent(token)}`);
  const got: Array<Record<string, unknown>> = [];
  ws.on('message', (d) => {
    const v: unknown = JSON.parse(d.toString());
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) got.push({ ...v });
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  /** Type a line into wscat and wait for the next frame. */
  const answer = async (line: string) => {
    const n = got.length;
    ws.send(line);
    await waitFor(() => got.length > n, { what: `an answer to ${line}` });
    return got[n];
  };
  const received = (message: string) =>
    waitFor(() => got.find((f) => f.message === message), { what: `"${message}"` });
  return { ws, got, answer, received };
}

describe('seed 003: serverless WebSocket chat (joinGroup, sendMessage)', () => {
  it('replays the wscat session with two and then three clients in group1; messages are stored', async () => {
    const users = await Promise.all(['minji', 'jun', 'seo'].map(cognitoToken));
    const [a, b] = [await wscat(users[0].token), await wscat(users[1].token)];
    const joinedA = await a.answer('{ "action": "joinGroup", "groupId": "group1" }');
    expect(joinedA).toEqual({
      action: 'joinGroup',
      groupId: 'group1',
      joined: true,
      roomId: expect.stringMatching(/^grp_[0-9a-f]{32}$/),
    });
    const roomId = String(joinedA.roomId);
    expect(await b.answer('{ "action": "joinGroup", "groupId": "group1" }')).toEqual(joinedA);

    const record = (message: string, sender: string) => ({
      messageId: expect.any(String),
      groupId: 'group1',
      message,
      sender,
      createdAt: iso,
      seq: expect.any(Number),
    });
    a.ws.send('{ "action": "sendMessage", "message": "안녕하세요!" }');
    expect(await b.received('안녕하세요!')).toEqual(record('안녕하세요!', users[0].sub));
    expect(await a.received('안녕하세요!')).toEqual(record('안녕하세요!', users[0].sub)); // the sender too

    const c = await wscat(users[2].token);
    expect(await c.answer('{ "action": "joinGroup", "groupId": "group1" }')).toEqual(joinedA);
    c.ws.send('{ "action": "sendMessage", "message": "반갑습니다" }');
    for (const s of [a, b, c])
      expect(await s.received('반갑습니다')).toEqual(record('반갑습니다', users[2].sub));
    b.ws.send('{ "action": "sendMessage", "message": "셋이 모였네요" }');
    for (const s of [a, b, c])
      expect(await s.received('셋이 모였네요')).toEqual(record('셋이 모였네요', users[1].sub));
    // Each message reached each client once; nobody outside group1 saw anything.
    for (const s of [a, b, c]) expect(s.got.filter((f) => f.message === '셋이 모였네요')).toHaveLength(1);
    const outsider = await wscat((await cognitoToken('other')).token);
    expect(await outsider.answer('{ "action": "joinGroup", "groupId": "group2" }')).toMatchObject({
      joined: true,
    });
    expect(outsider.got.some((f) => typeof f.message === 'string')).toBe(false);

    // Stored, as the seed's Messages table kept them: the group's room's history.
    const history = await call('GET', `/v1/chat/rooms/${roomId}/messages`, { token: users[0].token });
    expect(history.status).toBe(200);
    expect(history.json.messages).toEqual([
      expect.objectContaining({
        roomId,
        content: '안녕하세요!',
        sender: expect.objectContaining({ userId: users[0].sub }),
      }),
      expect.objectContaining({
        roomId,
        content: '반갑습니다',
        sender: expect.objectContaining({ userId: users[2].sub }),
      }),
      expect.objectContaining({
        roomId,
        content: '셋이 모였네요',
        sender: expect.objectContaining({ userId: users[1].sub }),
      }),
    ]);

    // What cannot be joined or sent is an error frame, never joined:true.
    expect(await outsider.answer('{ "action": "joinGroup" }')).toMatchObject({
      error: { code: 400, action: 'joinGroup' },
    });
    expect(await outsider.answer('{ "action": "joinGroup", "groupId": "two words" }')).toMatchObject({
      error: { code: 400 },
    });
    const fresh = await wscat((await cognitoToken('late')).token);
    expect(await fresh.answer('{ "action": "sendMessage", "message": "hi" }')).toMatchObject({
      error: { code: 400, action: 'sendMessage' },
    });
    for (const s of [a, b, c, outsider, fresh]) s.ws.close();
  });

  it('refuses a connection without a token (401), as the seed did for users not signed in', async () => {
    const ws = new WebSocket(`${stack.wsUrl}/v1/chat/seed003`);
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => {});
    });
    expect(status).toBe(401);
  });
});

describe('seed 004: LiveKit backend API (/api/…)', () => {
  it('replays the test scenario: health, create, join, get, list, token, and the documented errors', async () => {
    const health = await call('GET', '/api/health'); // public, as documented
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', timestamp: iso });

    const host = await stack.token('host-user', ['streamer']);
    const created = await call('POST', '/api/room/create', {
      token: host,
      body: {
        userName: 'test-user',
        roomTopic: 'My Room',
        description: 'Test room description',
        maxParticipants: 20,
      },
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      roomId: expect.any(String),
      roomUrl: expect.stringMatching(/^wss?:\/\//),
      roomTopic: 'My Room',
      description: 'Test room description',
      maxParticipants: 20,
      userName: 'test-user',
      token: expect.stringMatching(/^ey/),
      livekitUrl: expect.stringMatching(/^wss?:\/\//),
    });
    const roomId = String(created.json.roomId);
    expect(created.json.roomUrl).toBe(`${created.json.livekitUrl}/${roomId}`);

    const participant = await stack.token('participant-user', ['viewer']);
    const joined = await call('POST', '/api/room/join', {
      token: participant,
      body: { roomId, userName: 'participant-user' },
    });
    expect(joined.status).toBe(200);
    expect(joined.body).toEqual({ token: expect.stringMatching(/^ey/), url: created.json.livekitUrl });
    const again = await call('POST', '/api/token', {
      token: participant,
      body: { roomId, userName: 'participant-user' },
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ token: expect.stringMatching(/^ey/), url: created.json.livekitUrl });

    const room = {
      roomId,
      roomTopic: 'My Room',
      description: 'Test room description',
      maxParticipants: 20,
      createdBy: expect.any(String),
      createdAt: iso,
    };
    const got = await call('GET', `/api/room/${roomId}`, { token: participant });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(room);
    const list = await call('GET', '/api/rooms', { token: participant });
    expect(list.status).toBe(200);
    expect(list.json.rooms).toEqual(expect.arrayContaining([room]));
    expect(list.json.total).toBe((list.json.rooms as unknown[]).length);

    // The documented error messages, with 400/404 instead of the seed's blanket 500.
    const noName = await call('POST', '/api/room/create', { token: host, body: { roomTopic: 'Test Room' } });
    expect(noName.body).toEqual({
      statusCode: 400,
      message: 'Failed to create room: identity is required for join but not set',
      error: 'Bad Request',
    });
    const missing = await call('POST', '/api/room/join', {
      token: participant,
      body: { roomId: 'RM_dSbCDo6CDPQU', userName: 'participant-user' },
    });
    expect(missing.body).toEqual({
      statusCode: 404,
      message: 'Failed to join room: Room not found',
      error: 'Not Found',
    });
    const gone = await call('GET', '/api/room/RM_dSbCDo6CDPQU', { token: participant });
    expect(gone.body).toEqual({
      statusCode: 404,
      message: 'Failed to get room: Room not found',
      error: 'Not Found',
    });
  });
});
