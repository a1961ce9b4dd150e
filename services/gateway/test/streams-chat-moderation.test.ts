// IVS Chat moderation through the API, seen by real amazon-ivs-chat-messaging clients: a
// moderator deletes a message, disconnects a user and sends an event; everyone connected sees it.
import { ChatRoom, SendMessageRequest } from 'amazon-ivs-chat-messaging';
import { WebSocket } from 'ws';
import { waitFor } from '../../../test/support';
import { type Harness, startStreamsHarness } from './streams-harness';

describe('IVS Chat moderation through /v1/chat/rooms', () => {
  let h: Harness;
  const rooms: ChatRoom[] = [];
  const originalWebSocket = globalThis.WebSocket;
  beforeAll(async () => {
    (globalThis as { WebSocket: unknown }).WebSocket = WebSocket; // the library uses the global one
    h = await startStreamsHarness();
  }, 60_000);
  afterAll(async () => {
    for (const r of rooms) r.disconnect();
    (globalThis as { WebSocket: unknown }).WebSocket = originalWebSocket;
    await h?.close();
  });

  function connect(roomId: string, user: string, roles: string[]) {
    const room = new ChatRoom({
      regionOrUrl: h.ivs.wsUrl,
      maxReconnectAttempts: 0,
      tokenProvider: async () =>
        (
          await h.api('POST', `/v1/chat/rooms/${roomId}/tokens`, { body: { displayName: user }, user, roles })
        ).json(),
    });
    room.logger = { debug: () => {}, info: () => {}, error: () => {} };
    rooms.push(room);
    const seen = {
      messages: [] as Array<{ id: string; content: string; name?: string }>,
      deletes: [] as string[],
      disconnects: [] as string[],
      events: [] as string[],
      closed: [] as string[],
    };
    room.addListener('message', (m) =>
      seen.messages.push({ id: m.id, content: m.content, name: m.sender.attributes?.displayName }),
    );
    room.addListener('messageDelete', (e) => seen.deletes.push(e.messageId));
    room.addListener('userDisconnect', (e) => seen.disconnects.push(e.userId));
    room.addListener('event', (e) => seen.events.push(e.eventName));
    room.addListener('disconnect', (reason) => seen.closed.push(reason));
    room.connect();
    return { room, seen };
  }

  test('delete a message, send an event, disconnect a user; viewers may not', async () => {
    const room = (
      await h.api('POST', '/v1/chat/rooms', { body: { name: 'moderated', provider: 'ivs' } })
    ).json();
    const owner = connect(room.roomId, 'alice', ['streamer']);
    const troll = connect(room.roomId, 'troll', ['streamer']);
    await waitFor(() => owner.room.state === 'connected' && troll.room.state === 'connected', {
      what: 'connections',
    });

    await troll.room.sendMessage(new SendMessageRequest('spam spam spam'));
    const spam = await waitFor(() => owner.seen.messages.find((m) => m.content === 'spam spam spam'), {
      what: 'the spam',
    });
    expect(spam.name).toBe('troll'); // the display name travels as a token attribute

    const asViewer = await h.api('DELETE', `/v1/chat/rooms/${room.roomId}/messages/${spam.id}`, {
      user: 'bob',
      roles: ['viewer'],
    });
    expect(asViewer.statusCode).toBe(403);
    const del = await h.api('DELETE', `/v1/chat/rooms/${room.roomId}/messages/${spam.id}?reason=spam`, {
      user: 'mo',
      roles: ['moderator'],
    });
    expect(del.statusCode).toBe(204);
    await waitFor(() => troll.seen.deletes.includes(spam.id) && owner.seen.deletes.includes(spam.id), {
      what: 'the delete',
    });

    const ev = await h.api('POST', `/v1/chat/rooms/${room.roomId}/events`, {
      body: { eventName: 'poll-opened', attributes: { q: 'Best?' } },
    });
    expect(ev.statusCode).toBe(201);
    await waitFor(() => troll.seen.events.includes('poll-opened'), { what: 'the event' });

    const dis = await h.api('POST', `/v1/chat/rooms/${room.roomId}/disconnections`, {
      body: { userId: 'troll', reason: 'bye' },
    });
    expect(dis.statusCode).toBe(204);
    await waitFor(() => owner.seen.disconnects.includes('troll') && troll.seen.closed.length > 0, {
      what: 'the disconnect',
    });
    expect(troll.seen.closed).toEqual(['serverDisconnect']);
    await waitFor(() => h.events.some((e) => e.type === 'onair.chat.user.disconnected.v1'), {
      what: 'the disconnected event',
    });
    expect(h.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['onair.chat.message.deleted.v1', 'onair.chat.event.sent.v1']),
    );
  });
});
