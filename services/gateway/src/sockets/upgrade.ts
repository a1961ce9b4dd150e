import type { IncomingMessage, Server } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError, type Logger, publicMessage, rawProblemResponse, redactUrl } from '@onair/runtime';
import { type WebSocket, WebSocketServer } from 'ws';

/** Sets up an accepted socket (its protocol's opener). */
export type OpenSocket = (ws: WebSocket, socket: Duplex) => void;

/** The `ws` server the chat sockets are accepted by; upgrades reach it only through handleUpgrades. */
export function chatSocketServer(maxPayloadBytes = 16 * 1024): WebSocketServer {
  return new WebSocketServer({
    noServer: true,
    // Measured: compression cuts raw fanout throughput ~5x and balloons memory per socket.
    perMessageDeflate: false,
    maxPayload: maxPayloadBytes,
    // IVS Chat clients put the token in Sec-WebSocket-Protocol and require it echoed back.
    handleProtocols: (protocols: Set<string>) => protocols.values().next().value ?? false,
  });
}

/** Until the handshake completes, a socket error just ends the connection. */
function destroySocket(this: Duplex): void {
  this.destroy();
}

/** An HTTP answer to a refused upgrade, then the socket is closed. */
function refuse(socket: Duplex, status: number, message: string): void {
  if (socket.destroyed) return;
  // problem+json like every other answer; `message` too, which earlier clients read.
  const title = STATUS_CODES[status] ?? 'Error';
  // Like every REST 503: when to try again.
  const headers: Record<string, string> = status === 503 ? { 'Retry-After': '2' } : {};
  socket.end(
    rawProblemResponse({ type: 'about:blank', title, status, detail: message, message }, headers),
    () => socket.destroy(),
  );
}

/**
 * Upgrades are handled on the HTTP server's `upgrade` event with a plain `ws` server, and who
 * connects (`authorize`) is checked before the handshake completes (a refused client gets an
 * HTTP status, as IVS Chat clients expect). Nothing of the upgrade request is kept once the
 * socket is open.
 */
export function handleUpgrades(
  server: Server,
  o: {
    wss: WebSocketServer;
    log: Logger;
    authorize: (req: IncomingMessage, url: URL) => Promise<OpenSocket>;
  },
): void {
  const { wss, log } = o;
  // The handlers below are created per upgrade and hold the request; none of them may outlive
  // the handshake (a listener left on the socket kept every request and its headers alive).
  // Nothing a client sends may throw out of this listener (that would take the process down):
  // a request target that is not a URL is a 400, and every later step ends in a catch.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', destroySocket);
    // One line per upgrade, like a REST request's (tokens in the URL redacted).
    const started = performance.now();
    const logged = (status: number) => {
      const ms = Math.round((performance.now() - started) * 10) / 10;
      const target = redactUrl(req.url ?? '/');
      log.info(
        { method: 'GET', url: target, status, ms, upgrade: 'websocket' },
        `GET ${target} ${status} ${ms} ms (WebSocket)`,
      );
    };
    const refused = (status: number, message: string) => {
      logged(status);
      refuse(socket, status, message);
    };
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://gateway');
    } catch {
      return refused(400, 'The request target is not a valid path');
    }
    o.authorize(req, url)
      .then(
        (open) =>
          wss.handleUpgrade(req, socket, head, (ws) => {
            logged(101);
            socket.off('error', destroySocket); // the WebSocket handles socket errors from here on
            try {
              open(ws, socket);
            } catch (err) {
              log.warn({ err }, 'could not set up an accepted socket; dropping it');
              ws.terminate();
            }
          }),
        (e: unknown) => {
          const status = e instanceof AppError ? e.status : 500;
          if (status >= 500) log.warn({ err: e }, 'an upgrade could not be checked');
          refused(status, publicMessage(e) ?? 'Internal error');
        },
      )
      .catch((err: unknown) => {
        log.warn({ err }, 'an upgrade failed');
        socket.destroy();
      });
  });
}
