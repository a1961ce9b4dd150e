import type { AddressInfo } from 'node:net';
import pino from 'pino';
import WebSocket, { WebSocketServer } from 'ws';
import { waitFor } from '../../../test/support';
import { WsConnection } from '../src/sockets/connection';
import { startHeartbeat } from '../src/sockets/heartbeat';

// The sweep's pong listener is one function for every socket (it finds the connection by its
// socket), so this checks it still marks the right socket alive.
describe('heartbeat', () => {
  const sockets = new Set<WsConnection>();
  const heartbeat = startHeartbeat(sockets, 100, pino({ level: 'silent' }));
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  wss.on('connection', (ws, req) => {
    const c = new WsConnection({
      ws,
      socket: req.socket,
      userId: `user-${sockets.size}`,
      protocol: 'ivs',
      capabilities: [],
      attributes: {},
      messagesPerSecond: 10,
    });
    sockets.add(c);
    heartbeat.track(c);
    ws.on('close', () => sockets.delete(c));
  });

  beforeAll(() => new Promise((r) => wss.once('listening', r)));

  afterAll(async () => {
    heartbeat.stop();
    for (const c of sockets) c.ws.terminate();
    await new Promise((r) => wss.close(r));
  });

  it('keeps a socket that answers pings and drops one that does not', async () => {
    const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
    const open = (o: { autoPong: boolean }) =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(url, o);
        ws.once('open', () => resolve(ws));
        ws.once('error', reject);
      });
    const answering = await open({ autoPong: true });
    const silent = await open({ autoPong: false });
    let pings = 0;
    answering.on('ping', () => pings++);
    let silentClosed = false;
    silent.on('close', () => {
      silentClosed = true;
    });

    await waitFor(() => silentClosed, { what: 'the silent socket to be dropped' });
    // Several sweeps later the answering socket is still there (without its pongs counted it
    // would be dropped at the second ping, like the silent one).
    await waitFor(() => pings >= 4, { what: 'four pings to the answering socket' });
    expect(answering.readyState).toBe(WebSocket.OPEN);
    expect(sockets.size).toBe(1);
    answering.close();
  });
});
