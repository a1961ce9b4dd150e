// IVS Chat control plane through the real @aws-sdk/client-ivschat, and the messaging WebSocket
// through the real amazon-ivs-chat-messaging client.
import {
  CreateChatTokenCommand,
  CreateRoomCommand,
  DeleteMessageCommand,
  DeleteRoomCommand,
  DisconnectUserCommand,
  GetRoomCommand,
  type IvschatClient,
  ListRoomsCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  SendEventCommand,
  TagResourceCommand,
  UpdateRoomCommand,
  ValidationException,
} from '@aws-sdk/client-ivschat';
import {
  ChatRoom,
  type ChatEvent,
  type ChatMessage,
  type DeleteMessageEvent,
  DeleteMessageRequest,
  type DisconnectReason,
  type DisconnectUserEvent,
  DisconnectUserRequest,
  SendMessageRequest,
} from 'amazon-ivs-chat-messaging';
import { WebSocket } from 'ws';
import { type IvsStandIn, startIvsStandIn } from '../src/ivs';
import { chatClient, errorOf, waitFor } from './ivs-helpers';

type Capability = 'SEND_MESSAGE' | 'DELETE_MESSAGE' | 'DISCONNECT_USER';

/** A real ChatRoom plus everything it received, for polling. */
interface Client {
  room: ChatRoom;
  messages: ChatMessage[];
  events: ChatEvent[];
  deletes: DeleteMessageEvent[];
  userDisconnects: DisconnectUserEvent[];
  disconnects: DisconnectReason[];
}

describe('IVS Chat stand-in', () => {
  let standIn: IvsStandIn;
  let chat: IvschatClient;
  const clients: Client[] = [];
  const originalWebSocket = globalThis.WebSocket;

  beforeAll(() => {
    // The library uses the global WebSocket constructor (docs/protocols/ivs-chat.md#client-library-behaviour); use the ws package.
    (globalThis as { WebSocket: unknown }).WebSocket = WebSocket;
  });
  afterAll(() => {
    (globalThis as { WebSocket: unknown }).WebSocket = originalWebSocket;
  });

  beforeEach(async () => {
    standIn = await startIvsStandIn({ region: 'eu-west-1' });
    chat = chatClient(standIn);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.room.disconnect();
    chat.destroy();
    await standIn.close();
  });

  const createRoom = (input: ConstructorParameters<typeof CreateRoomCommand>[0] = {}) =>
    chat.send(new CreateRoomCommand(input));

  async function connect(
    roomArn: string,
    userId: string,
    capabilities: Capability[],
    attributes?: Record<string, string>,
  ): Promise<Client> {
    const room = new ChatRoom({
      regionOrUrl: standIn.wsUrl,
      maxReconnectAttempts: 0,
      tokenProvider: async () => {
        const out = await chat.send(
          new CreateChatTokenCommand({ roomIdentifier: roomArn, userId, capabilities, attributes }),
        );
        return {
          token: out.token!,
          tokenExpirationTime: out.tokenExpirationTime,
          sessionExpirationTime: out.sessionExpirationTime,
        };
      },
    });
    // Refused requests are expected here; keep the library's console logging out of the output.
    room.logger = { debug: () => {}, info: () => {}, error: () => {} };
    const client: Client = {
      room,
      messages: [],
      events: [],
      deletes: [],
      userDisconnects: [],
      disconnects: [],
    };
    room.addListener('message', (m) => client.messages.push(m));
    room.addListener('event', (e) => client.events.push(e));
    room.addListener('messageDelete', (e) => client.deletes.push(e));
    room.addListener('userDisconnect', (e) => client.userDisconnects.push(e));
    room.addListener('disconnect', (reason) => client.disconnects.push(reason));
    clients.push(client);
    room.connect();
    await waitFor(() => room.state === 'connected', `${userId} to connect`);
    return client;
  }

  describe('control plane', () => {
    test('CreateRoom returns a flat Room with defaults; GetRoom returns the same', async () => {
      const room = await createRoom({ name: 'lobby', tags: { env: 'test' } });
      expect(room.$metadata.httpStatusCode).toBe(200);
      expect(room.arn).toMatch(/^arn:aws:ivschat:eu-west-1:123456789012:room\/[a-zA-Z0-9]{12}$/);
      expect(room.arn!.endsWith(`/${room.id}`)).toBe(true);
      expect(room).toMatchObject({
        name: 'lobby',
        maximumMessageRatePerSecond: 10,
        maximumMessageLength: 500,
        tags: { env: 'test' },
        loggingConfigurationIdentifiers: [],
      });
      expect(room.createTime).toBeInstanceOf(Date);
      expect(room.updateTime).toEqual(room.createTime);

      const { $metadata: _a, ...created } = room;
      const { $metadata: _b, ...got } = await chat.send(new GetRoomCommand({ identifier: room.arn }));
      expect(got).toEqual(created);
    });

    test('UpdateRoom changes fields and updateTime; an empty handler uri removes the handler', async () => {
      const room = await createRoom({
        name: 'r',
        messageReviewHandler: { uri: 'arn:aws:lambda:eu-west-1:123456789012:function:review' },
      });
      expect(room.messageReviewHandler).toEqual({
        uri: 'arn:aws:lambda:eu-west-1:123456789012:function:review',
        fallbackResult: 'ALLOW',
      });
      const updated = await chat.send(
        new UpdateRoomCommand({
          identifier: room.arn,
          maximumMessageLength: 20,
          messageReviewHandler: { uri: '' },
        }),
      );
      expect(updated).toMatchObject({ name: 'r', maximumMessageLength: 20, maximumMessageRatePerSecond: 10 });
      expect(updated.messageReviewHandler).toBeUndefined();
      expect(updated.updateTime!.getTime()).toBeGreaterThan(room.updateTime!.getTime());
    });

    test('DeleteRoom answers 204; errors carry name, status, message and resource fields', async () => {
      const room = await createRoom();
      const deleted = await chat.send(new DeleteRoomCommand({ identifier: room.arn }));
      expect(deleted.$metadata.httpStatusCode).toBe(204);

      const err = await errorOf(() => chat.send(new GetRoomCommand({ identifier: room.arn })));
      expect(err).toBeInstanceOf(ResourceNotFoundException);
      expect(err.$metadata.httpStatusCode).toBe(404);
      expect(err.message).toContain(room.arn);
      expect(err).toMatchObject({ resourceId: room.arn, resourceType: 'ROOM' });

      const invalid = await errorOf(() => chat.send(new GetRoomCommand({ identifier: 'nope' })));
      expect(invalid).toBeInstanceOf(ValidationException);
      expect(invalid.$metadata.httpStatusCode).toBe(400);
      expect(invalid).toMatchObject({ reason: 'FIELD_VALIDATION_FAILED' });
      expect(invalid.fieldList[0].name).toBe('identifier');

      const tooLong = await errorOf(() => createRoom({ maximumMessageLength: 501 }));
      expect(tooLong.name).toBe('ValidationException');
    });

    test('ListRooms: newest updateTime first, paginated, filtered by name', async () => {
      const arns: string[] = [];
      for (let i = 0; i < 4; i++) arns.push((await createRoom({ name: `room-${i}` })).arn!);
      // Touching room-0 moves it to the front.
      await chat.send(new UpdateRoomCommand({ identifier: arns[0], maximumMessageLength: 100 }));

      const seen: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await chat.send(new ListRoomsCommand({ maxResults: 3, nextToken }));
        for (const r of page.rooms!) {
          seen.push(r.arn!);
          expect(r).not.toHaveProperty('maximumMessageLength');
        }
        nextToken = page.nextToken;
      } while (nextToken);
      expect(seen).toEqual([arns[0], arns[3], arns[2], arns[1]]);

      const byName = await chat.send(new ListRoomsCommand({ name: 'room-2' }));
      expect(byName.rooms!.map((r) => r.arn)).toEqual([arns[2]]);
    });

    test('CreateChatToken mints subprotocol-safe tokens with session and token expiry', async () => {
      const room = await createRoom();
      const before = Date.now();
      const out = await chat.send(
        new CreateChatTokenCommand({
          roomIdentifier: room.arn,
          userId: 'user 1 ✓',
          capabilities: ['SEND_MESSAGE'],
          sessionDurationInMinutes: 5,
        }),
      );
      expect(out.token).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(out.sessionExpirationTime!.getTime()).toBeGreaterThanOrEqual(before + 5 * 60_000 - 1000);
      expect(out.tokenExpirationTime!.getTime()).toBeLessThanOrEqual(out.sessionExpirationTime!.getTime());

      const badCapability = await errorOf(() =>
        chat.send(
          new CreateChatTokenCommand({
            roomIdentifier: room.arn,
            userId: 'u',
            capabilities: ['FLY' as Capability],
          }),
        ),
      );
      expect(badCapability.name).toBe('ValidationException');
      const badDuration = await errorOf(() =>
        chat.send(
          new CreateChatTokenCommand({
            roomIdentifier: room.arn,
            userId: 'u',
            sessionDurationInMinutes: 181,
          }),
        ),
      );
      expect(badDuration.name).toBe('ValidationException');
      const noRoom = await errorOf(() =>
        chat.send(
          new CreateChatTokenCommand({
            roomIdentifier: 'arn:aws:ivschat:eu-west-1:123456789012:room/abcdefghijkl',
            userId: 'u',
          }),
        ),
      );
      expect(noRoom.name).toBe('ResourceNotFoundException');
    });

    test('tags on rooms share /tags/{arn} with IVS', async () => {
      const room = await createRoom({ tags: { a: '1' } });
      await chat.send(new TagResourceCommand({ resourceArn: room.arn, tags: { b: '2' } }));
      const { tags } = await chat.send(new ListTagsForResourceCommand({ resourceArn: room.arn }));
      expect(tags).toEqual({ a: '1', b: '2' });
    });
  });

  describe('messaging WebSocket with amazon-ivs-chat-messaging', () => {
    test('send, receive on a second client, delete, and server-side SendEvent / DeleteMessage', async () => {
      const { arn } = await createRoom();
      const alice = await connect(arn!, 'alice', ['SEND_MESSAGE', 'DELETE_MESSAGE'], { role: 'host' });
      const bob = await connect(arn!, 'bob', ['SEND_MESSAGE']);

      const sent = await alice.room.sendMessage(new SendMessageRequest('hello world', { color: 'red' }));
      expect(sent.content).toBe('hello world');
      expect(sent.id).toMatch(/^[a-zA-Z0-9]{12}$/);
      expect(sent.sender).toEqual({ userId: 'alice', attributes: { role: 'host' } });
      expect(sent.attributes).toEqual({ color: 'red' });
      expect(sent.sendTime).toBeInstanceOf(Date);

      const received = await waitFor(
        () => bob.messages.find((m) => m.id === sent.id),
        'bob to get the message',
      );
      expect(received).toMatchObject({ content: 'hello world', sender: { userId: 'alice' } });

      const deleted = await alice.room.deleteMessage(new DeleteMessageRequest(sent.id, 'spam'));
      expect(deleted).toMatchObject({ messageId: sent.id, reason: 'spam' });
      await waitFor(() => bob.deletes.find((d) => d.messageId === sent.id), 'bob to see the delete');

      const byServer = await chat.send(
        new DeleteMessageCommand({ roomIdentifier: arn, id: 'abcdefABCDEF', reason: 'moderated' }),
      );
      expect(byServer.id).toMatch(/^[a-zA-Z0-9]{12}$/);
      const serverDelete = await waitFor(
        () => bob.deletes.find((d) => d.messageId === 'abcdefABCDEF'),
        'bob to see the control-plane delete',
      );
      expect(serverDelete).toMatchObject({ id: byServer.id, reason: 'moderated' });

      const event = await chat.send(
        new SendEventCommand({ roomIdentifier: arn, eventName: 'app:poll', attributes: { q: 'yes?' } }),
      );
      const got = await waitFor(() => alice.events.find((e) => e.id === event.id), 'alice to get the event');
      expect(got).toMatchObject({ eventName: 'app:poll', attributes: { q: 'yes?' } });
      await waitFor(() => bob.events.find((e) => e.id === event.id), 'bob to get the event');
    });

    test('a request without the capability is refused with ERROR 403', async () => {
      const { arn } = await createRoom();
      const viewer = await connect(arn!, 'viewer', []);
      const sendError = await errorOf(() => viewer.room.sendMessage(new SendMessageRequest('hi')));
      expect(sendError).toMatchObject({ errorCode: 403 });
      expect(typeof sendError.errorMessage).toBe('string');
      const deleteError = await errorOf(() =>
        viewer.room.deleteMessage(new DeleteMessageRequest('abcdefabcdef')),
      );
      expect(deleteError).toMatchObject({ errorCode: 403 });
      const disconnectError = await errorOf(() =>
        viewer.room.disconnectUser(new DisconnectUserRequest('someone')),
      );
      expect(disconnectError).toMatchObject({ errorCode: 403 });
      // The connection stays up after a refused request.
      expect(viewer.room.state).toBe('connected');
    });

    test('control-plane DisconnectUser tells the room and closes the user cleanly', async () => {
      const { arn } = await createRoom();
      const mod = await connect(arn!, 'mod', []);
      const troll = await connect(arn!, 'troll', ['SEND_MESSAGE']);

      const out = await chat.send(
        new DisconnectUserCommand({ roomIdentifier: arn, userId: 'troll', reason: 'rude' }),
      );
      expect(out.$metadata.httpStatusCode).toBe(200);
      const seen = await waitFor(() => mod.userDisconnects[0], 'mod to see the disconnect');
      expect(seen).toMatchObject({ userId: 'troll', reason: 'rude' });
      await waitFor(() => troll.disconnects.includes('serverDisconnect'), 'troll to be disconnected');
      expect(troll.room.state).toBe('disconnected');
      await waitFor(
        () => standIn.chatConnections(arn).every((c) => c.userId !== 'troll'),
        'the server to drop troll',
      );
      expect(mod.room.state).toBe('connected');
    });

    test('DISCONNECT_USER over the WebSocket resolves for the moderator', async () => {
      const { arn } = await createRoom();
      const mod = await connect(arn!, 'mod', ['DISCONNECT_USER']);
      const user = await connect(arn!, 'user', []);
      const event = await mod.room.disconnectUser(new DisconnectUserRequest('user', 'bye'));
      expect(event).toMatchObject({ userId: 'user', reason: 'bye' });
      await waitFor(() => user.disconnects.includes('serverDisconnect'), 'user to be disconnected');
    });

    test('room limits: message length (413) and rate (429)', async () => {
      const { arn } = await createRoom({ maximumMessageLength: 5, maximumMessageRatePerSecond: 2 });
      const a = await connect(arn!, 'a', ['SEND_MESSAGE']);
      // Code points, not bytes or UTF-16 units: five emoji fit.
      await a.room.sendMessage(new SendMessageRequest('😀😀😀😀😀'));
      const tooLong = await errorOf(() => a.room.sendMessage(new SendMessageRequest('123456')));
      expect(tooLong).toMatchObject({ errorCode: 413 });
      await a.room.sendMessage(new SendMessageRequest('two'));
      const limited = await errorOf(() => a.room.sendMessage(new SendMessageRequest('three')));
      expect(limited).toMatchObject({ errorCode: 429 });
    });

    test('the handshake echoes the token; a token opens one connection only; bad tokens get 401', async () => {
      const { arn } = await createRoom();
      const { token } = await chat.send(new CreateChatTokenCommand({ roomIdentifier: arn, userId: 'raw' }));
      const first = new WebSocket(standIn.wsUrl, token);
      await new Promise((resolve, reject) => {
        first.once('open', resolve);
        first.once('error', reject);
      });
      expect(first.protocol).toBe(token);

      const statusOf = (protocol: string) =>
        new Promise<number>((resolve) => {
          const ws = new WebSocket(standIn.wsUrl, protocol);
          ws.on('error', () => {}); // terminate() after a refused handshake reports an error
          ws.once('unexpected-response', (_req, res) => {
            resolve(res.statusCode ?? 0);
            ws.terminate();
          });
          ws.once('open', () => {
            resolve(101);
            ws.close();
          });
        });
      expect(await statusOf(token!)).toBe(401);
      expect(await statusOf('AQICAHnotatoken')).toBe(401);

      // Raw frames: an unknown action gets a numeric ErrorCode and a fresh Id.
      const frame = new Promise<Record<string, unknown>>((resolve) =>
        first.once('message', (data) => resolve(JSON.parse(data.toString()))),
      );
      first.send(JSON.stringify({ Action: 'FLY', RequestId: 'r1' }));
      expect(await frame).toMatchObject({ Type: 'ERROR', RequestId: 'r1', ErrorCode: 400 });
      first.close();
    });

    test('injected messaging faults answer with the ERROR code (ws:SEND_MESSAGE)', async () => {
      const { arn } = await createRoom();
      const a = await connect(arn!, 'a', ['SEND_MESSAGE']);
      standIn.injectFault({ operation: 'ws:SEND_MESSAGE', error: 'ThrottlingException', times: 1 });
      expect(await errorOf(() => a.room.sendMessage(new SendMessageRequest('x')))).toMatchObject({
        errorCode: 429,
        errorMessage: 'Injected ThrottlingException',
      });
      expect((await a.room.sendMessage(new SendMessageRequest('y'))).content).toBe('y');
    });

    test('DeleteRoom closes the room connections', async () => {
      const { arn } = await createRoom();
      const a = await connect(arn!, 'a', []);
      await chat.send(new DeleteRoomCommand({ identifier: arn }));
      await waitFor(() => a.disconnects.includes('serverDisconnect'), 'a to be disconnected');
    });

    test('message review hook: rewrite, deny (406), and fallback on timeout', async () => {
      await standIn.close();
      standIn = await startIvsStandIn({
        messageReview: async (_uri, input) => {
          if (input.Content === 'slow') return new Promise(() => {});
          if (input.Content.includes('bad')) return { ReviewResult: 'DENY' };
          return { ReviewResult: 'ALLOW', Content: `${input.Content} (reviewed)` };
        },
      });
      chat.destroy();
      chat = chatClient(standIn);
      const { arn } = await createRoom({
        messageReviewHandler: {
          uri: 'arn:aws:lambda:us-east-1:123456789012:function:review',
          fallbackResult: 'DENY',
        },
      });
      const a = await connect(arn!, 'a', ['SEND_MESSAGE']);
      expect((await a.room.sendMessage(new SendMessageRequest('ok'))).content).toBe('ok (reviewed)');
      expect(await errorOf(() => a.room.sendMessage(new SendMessageRequest('bad word')))).toMatchObject({
        errorCode: 406,
      });
      expect(await errorOf(() => a.room.sendMessage(new SendMessageRequest('slow')))).toMatchObject({
        errorCode: 406,
      });
    });
  });
});
