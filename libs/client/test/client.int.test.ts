// @onair/client against npm start's stack, as a Node program would use it: bearer tokens, typed
// answers, problem+json errors as OnairApiError, Prefer: wait, cursor paging, and the chat-token
// provider driving amazon-ivs-chat-messaging against a native room.
import { ChatRoom, SendMessageRequest } from 'amazon-ivs-chat-messaging';
import { WebSocket } from 'ws';
import { waitFor } from '../../../test/support';
import { type StackProcess, startStackProcess } from '../../../test/support/stack-process';
import {
  chatEndpoint,
  chatTokenProvider,
  createOnairClient,
  createStream,
  OnairApiError,
  type OnairClient,
  ok,
  pages,
} from '../src';

describe('@onair/client against the stack', () => {
  let stack: StackProcess;
  let alice: OnairClient;
  const originalWebSocket = globalThis.WebSocket;
  const rooms: ChatRoom[] = [];

  beforeAll(async () => {
    (globalThis as { WebSocket: unknown }).WebSocket = WebSocket; // the chat library uses the global one
    stack = await startStackProcess();
    const token = await stack.token('alice', ['streamer']);
    alice = createOnairClient({ baseUrl: `${stack.gatewayUrl}/`, token: () => token });
  }, 120_000);

  afterAll(async () => {
    for (const r of rooms) r.disconnect();
    (globalThis as { WebSocket: unknown }).WebSocket = originalWebSocket;
    await stack?.stop();
  }, 60_000);

  it('sends the bearer token and types the answer', async () => {
    const pong = await ok(
      alice.GET('/v1/system/ping/{service}', { params: { path: { service: 'stream-svc' } } }),
    );
    expect(pong).toMatchObject({ service: 'stream-svc' });
    expect(alice.baseUrl).toBe(stack.gatewayUrl);
  });

  it('turns an error answer into an OnairApiError with the problem', async () => {
    const missing = ok(
      alice.GET('/v1/streams/{streamId}', { params: { path: { streamId: 'strm_0000000000000000' } } }),
    );
    await expect(missing).rejects.toBeInstanceOf(OnairApiError);
    await expect(missing).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
    const anonymous = createOnairClient({ baseUrl: stack.gatewayUrl });
    await expect(ok(anonymous.GET('/v1/streams'))).rejects.toMatchObject({ status: 401 });
  });

  it('creates a stream with Prefer: wait and pages through the list with cursors', async () => {
    const made = [];
    for (const title of ['one', 'two', 'three'])
      made.push(await createStream(alice, { title, chatProvider: 'native' }));
    for (const s of made) expect(s.status).toBe('ready');
    const seen: string[] = [];
    let calls = 0;
    for await (const s of pages((cursor) => {
      calls++;
      return alice.GET('/v1/streams', { params: { query: { limit: 1, cursor } } });
    }))
      seen.push(s.streamId);
    expect(seen).toEqual(expect.arrayContaining(made.map((s) => s.streamId)));
    expect(new Set(seen).size).toBe(seen.length);
    expect(calls).toBeGreaterThanOrEqual(3);
  }, 90_000);

  it('chatTokenProvider connects amazon-ivs-chat-messaging to a native room', async () => {
    const room = await ok(
      alice.POST('/v1/chat/rooms', { body: { name: 'client test', provider: 'native' } }),
    );
    const got: string[] = [];
    const chat = new ChatRoom({
      regionOrUrl: chatEndpoint(alice.baseUrl, room),
      tokenProvider: chatTokenProvider(alice, room.roomId, { displayName: 'Alice' }),
    });
    chat.logLevel = 'error';
    rooms.push(chat);
    chat.addListener('message', (m) => got.push(`${m.sender.userId}: ${m.content}`));
    const connected = new Promise<void>((r) => chat.addListener('connect', () => r()));
    chat.connect();
    await connected;
    await chat.sendMessage(new SendMessageRequest('hello from node'));
    await waitFor(() => got.includes('alice: hello from node'), { what: 'the message back' });
    const history = await ok(
      alice.GET('/v1/chat/rooms/{roomId}/messages', { params: { path: { roomId: room.roomId } } }),
    );
    expect(history.messages.map((m) => m.content)).toEqual(['hello from node']);
  }, 60_000);

  it('chatEndpoint: native rooms on the gateway (with since), IVS rooms in their region', () => {
    expect(chatEndpoint('https://api.example.com/', { provider: 'native' }, { since: 7 })).toBe(
      'wss://api.example.com/v1/chat/ws?since=7',
    );
    expect(chatEndpoint('http://x', { provider: 'ivs', arn: 'arn:aws:ivschat:eu-west-1:1:room/a' })).toBe(
      'eu-west-1',
    );
    expect(chatEndpoint('http://x', { provider: 'ivs' }, { ivsChatUrl: 'ws://127.0.0.1:8088' })).toBe(
      'ws://127.0.0.1:8088',
    );
  });
});
