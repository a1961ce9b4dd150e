/**
 * The ceiling of the chat fanout benchmark: a raw `ws` broadcast server, one process, nothing
 * else. A client joins a room with `?room=<id>&user=<id>` and sends the IVS Chat SEND_MESSAGE
 * frame; the server parses it, builds a MESSAGE frame of the same shape (and about the same
 * size) as onair's, serializes it once to a Buffer and writes that Buffer to every socket of the
 * room. Compression off. No auth, no validation beyond JSON, no persistence, no bus.
 *
 * Run as a child of the benchmark: `node --import tsx bench/src/chat-fanout-raw-server.ts`.
 * Prints `listening <port>` once it accepts connections.
 */
import { randomBytes } from 'node:crypto';
import { type WebSocket, WebSocketServer } from 'ws';

/**
 * RAW_FRAME=string (diagnosis only): hand `ws` the JSON string for every socket, as the gateway
 * does, instead of one Buffer; each send then encodes and copies the frame again.
 */
const SEND_STRING = process.env.RAW_FRAME === 'string';
const rooms = new Map<string, Set<WebSocket>>();
const seqs = new Map<string, number>();

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: Number(process.env.PORT ?? 0),
  perMessageDeflate: false,
  maxPayload: 16 * 1024,
});

wss.on('connection', (socket, req) => {
  const q = new URL(req.url ?? '/', 'http://x').searchParams;
  const room = q.get('room') ?? 'lobby';
  const user = q.get('user') ?? 'anonymous';
  let members = rooms.get(room);
  if (!members) {
    members = new Set();
    rooms.set(room, members);
  }
  members.add(socket);
  socket.on('close', () => {
    members.delete(socket);
    if (members.size === 0) rooms.delete(room);
  });
  socket.on('error', () => {});
  socket.on('message', (data) => {
    let req: { Action?: unknown; RequestId?: unknown; Content?: unknown };
    try {
      req = JSON.parse(data.toString());
    } catch {
      return;
    }
    if (req.Action !== 'SEND_MESSAGE' || typeof req.Content !== 'string') return;
    const seq = (seqs.get(room) ?? 0) + 1;
    seqs.set(room, seq);
    const json = JSON.stringify({
      Type: 'MESSAGE',
      Id: randomBytes(9).toString('base64url'),
      RequestId: typeof req.RequestId === 'string' ? req.RequestId : undefined,
      Content: req.Content,
      Attributes: { 'onair:seq': String(seq) },
      SendTime: new Date().toISOString(),
      Sender: { UserId: user },
    });
    if (SEND_STRING) {
      for (const s of members) s.send(json);
      return;
    }
    const frame = Buffer.from(json);
    for (const s of members) s.send(frame, { binary: false });
  });
});

wss.on('listening', () => {
  const addr = wss.address();
  process.stdout.write(`listening ${addr && typeof addr === 'object' ? addr.port : addr}\n`);
});

const stop = () => process.exit(0);
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
