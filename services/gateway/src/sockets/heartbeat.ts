import type { Logger } from '@onair/runtime';
import { WebSocket } from 'ws';
import { connectionOf, type WsConnection } from './connection';

/** A pong proves its socket alive until the next ping (one listener for every socket). */
function markAlive(this: WebSocket): void {
  const c = connectionOf(this);
  if (c) c.alive = true;
}

/**
 * One timer for every socket: ends sessions that expired, pings, and drops a socket that did
 * not answer the previous ping within a whole interval.
 */
export function startHeartbeat(
  sockets: Iterable<WsConnection>,
  pingIntervalMs: number,
  log: Logger,
): { track(c: WsConnection): void; stop(): void } {
  const sweep = setInterval(
    () => {
      const now = Date.now();
      for (const c of sockets) {
        try {
          if (c.sessionEndsAt !== undefined && now >= c.sessionEndsAt) {
            c.close(1000, 'session expired');
          } else if (now - c.lastPingAt >= pingIntervalMs) {
            if (!c.alive) {
              c.ws.terminate();
              continue;
            }
            c.alive = false;
            c.lastPingAt = now;
            if (c.ws.readyState === WebSocket.OPEN) c.ws.ping();
          }
        } catch (err) {
          log.warn({ err, connectionId: c.id }, 'the socket sweep failed on a socket; dropping it');
          c.ws.terminate();
        }
      }
    },
    Math.min(pingIntervalMs, 1000),
  );
  sweep.unref();
  return {
    track(c) {
      c.ws.on('pong', markAlive);
    },
    stop: () => clearInterval(sweep),
  };
}
