import { type StackProcess, startStackProcess } from '../support/stack-process';

// The history of a room that does not exist was a 200 with no messages, so a typo in a room id
// looked like an empty room. It is a 404 naming the room; an existing empty room stays a 200.
describe('GET /v1/chat/rooms/{id}/messages', () => {
  jest.setTimeout(120_000);
  let stack: StackProcess;
  let token: string;
  const get = (path: string) =>
    fetch(`${stack.gatewayUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    stack = await startStackProcess();
    token = await stack.token('hist-alice', ['streamer']);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 404 problem+json for a room that does not exist', async () => {
    const r = await get('/v1/chat/rooms/chat_doesnotexist/messages');
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(((await r.json()) as { detail?: string }).detail).toContain('chat_doesnotexist');
  });

  it('answers 200 with no messages for an existing empty room', async () => {
    const created = await fetch(`${stack.gatewayUrl}/v1/chat/rooms`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'empty', provider: 'native' }),
    });
    expect(created.status).toBe(201);
    const { roomId } = (await created.json()) as { roomId: string };
    const r = await get(`/v1/chat/rooms/${roomId}/messages`);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ roomId, messages: [], hasMore: false });
  });
});
