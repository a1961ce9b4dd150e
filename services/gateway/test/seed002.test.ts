// Seed 002's documented chat flow, as its frontend runs it: create a stream (chat room ARN in the
// stream data), POST /api/chat/token {roomIdentifier}, connect the real amazon-ivs-chat-messaging
// client with that token, chat; the room goes with its stream. Plus its 401 "User not authenticated".
import { ListRoomsCommand } from '@aws-sdk/client-ivschat';
import { ChatRoom } from 'amazon-ivs-chat-messaging';
import { WebSocket } from 'ws';
import { waitFor } from '../../../test/support';
import { type Harness, startStreamsHarness } from './streams-harness';

describe('seed 002: IVS Chat token route and chat rooms with streams', () => {
  let h: Harness;
  const rooms: ChatRoom[] = [];
  const originalWebSocket = globalThis.WebSocket;
  beforeAll(async () => {
    // The messaging library uses the global WebSocket (docs/protocols/ivs-chat.md#client-library-behaviour).
    (globalThis as { WebSocket: unknown }).WebSocket = WebSocket;
    h = await startStreamsHarness();
  }, 60_000);
  afterAll(async () => {
    for (const r of rooms) r.disconnect();
    (globalThis as { WebSocket: unknown }).WebSocket = originalWebSocket;
    await h?.close();
  });

  const token = (roomIdentifier: unknown, user: string | null = 'viewer-1', roles = ['viewer']) =>
    h.api('POST', '/api/chat/token', { body: { roomIdentifier }, user, roles });

  test('401 "User not authenticated" as problem+json without a token or with a bad one', async () => {
    for (const authorization of [undefined, 'Bearer not-a-jwt']) {
      const res = await h.app.inject({
        method: 'POST',
        url: '/api/chat/token',
        payload: { roomIdentifier: 'arn:aws:ivschat:us-east-1:123456789012:room/abc' },
        headers: authorization ? { authorization } : {},
      });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({
        status: 401,
        code: 'UNAUTHORIZED',
        detail: 'User not authenticated',
        message: 'User not authenticated',
      });
    }
  });

  test('token for the stream chat room: documented fields, and the real client chats with it', async () => {
    const { stream, chat } = (await h.api('POST', '/stream', { body: { title: 'Chat with me' } })).json();
    // "Returns chatRoomArn in stream data"
    expect((await h.api('GET', `/stream/${stream.streamId}`)).json().chatRoomArn).toBe(chat.chatRoomArn);

    const res = await token(chat.chatRoomArn);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['sessionExpirationTime', 'token', 'tokenExpirationTime']);
    expect(body.token).toMatch(/^[A-Za-z0-9_-]+$/);
    for (const t of [body.sessionExpirationTime, body.tokenExpirationTime])
      expect(new Date(t).toISOString()).toBe(t);

    // Two signed-in users (plain viewers, as in that seed) chat through the IVS Chat stand-in.
    const connect = (user: string) => {
      const room = new ChatRoom({
        regionOrUrl: h.ivs.wsUrl,
        maxReconnectAttempts: 0,
        tokenProvider: async () => (await token(chat.chatRoomArn, user)).json(),
      });
      room.logger = { debug: () => {}, info: () => {}, error: () => {} };
      rooms.push(room);
      const got: string[] = [];
      room.addListener('message', (m) => got.push(`${m.sender.userId}: ${m.content}`));
      room.connect();
      return { room, got };
    };
    const a = connect('user-a');
    const b = connect('user-b');
    await waitFor(() => a.room.state === 'connected' && b.room.state === 'connected', {
      what: 'both to connect',
    });
    const { SendMessageRequest } = await import('amazon-ivs-chat-messaging');
    await a.room.sendMessage(new SendMessageRequest('hello from A'));
    await waitFor(() => b.got.includes('user-a: hello from A'), { what: 'B to receive A' });
  });

  test('chat room deleted with its stream; a token for it is then 404; bad identifiers are 400', async () => {
    const { stream, chat } = (await h.api('POST', '/stream', { body: { title: 'Short-lived' } })).json();
    expect((await h.api('DELETE', `/stream/${stream.streamId}`)).statusCode).toBe(200);
    const arns = ((await h.chatClient.send(new ListRoomsCommand({}))).rooms ?? []).map((r) => r.arn);
    expect(arns).not.toContain(chat.chatRoomArn);
    const gone = await token(chat.chatRoomArn);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().detail).toMatch(/Chat room .* not found/);
    const bad = await token('not-an-arn');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toMatch(/roomIdentifier/);
    expect((await token(undefined)).statusCode).toBe(400);
  });
});
