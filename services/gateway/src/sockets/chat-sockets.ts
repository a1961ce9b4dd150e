import { PresenceLeft } from '@onair/contracts';
import type { Bus, Logger } from '@onair/runtime';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { TokenVerifier } from '../auth';
import { busGroupRooms, type ChatAccess } from './access';
import { authorizeUpgrade } from './authorize';
import { connectionOf, type WsConnection } from './connection';
import { consumeDeliveries, senderEcho } from './deliveries';
import type { ChatEdge } from './edge';
import { GroupNames } from './group-names';
import { startHeartbeat } from './heartbeat';
import { Hub } from './hub';
import { openIvsSocket } from './ivs-protocol';
import { presencePublisher, startPresenceSnapshots } from './presence';
import { type HistoryReader, roomHistory } from './recovery';
import { openSeed003Socket } from './seed003-protocol';
import { chatSocketServer, handleUpgrades } from './upgrade';

export interface ChatSocketOptions {
  bus: Bus;
  logger: Logger;
  gatewayId: string;
  chatTokenSecret: string;
  userVerifier: TokenVerifier;
  history?: HistoryReader;
  /**
   * Which rooms exist and who is banned from them (chat-svc's table): checked on every join and
   * upgrade. Seed 003 group rooms are created through chat-svc on this bus unless `groups` says otherwise.
   */
  access: ChatAccess;
  requestTimeoutMs?: number;
  pingIntervalMs?: number;
  snapshotIntervalMs?: number;
  maxBufferedBytes?: number;
  maxPayloadBytes?: number;
  messagesPerSecond?: number;
  /** Seed 003 joins per second per connection (default 2, bursts of 10). */
  joinsPerSecond?: number;
  /** How long a gap in a room's sequence may stay open before it is filled from history (default 300 ms). */
  gapWaitMs?: number;
  /** How long a closing socket may take to finish the close handshake before it is destroyed (default 2 s). */
  closeTimeoutMs?: number;
}

/**
 * The WebSocket edge: `/v1/chat/ws` speaks the IVS Chat messaging protocol (token as the
 * subprotocol, echoed back), `/v1/chat/seed003` speaks seed 003's joinGroup/sendMessage.
 * Frames for local sockets arrive as deliveries from fanout-svc on this instance's own queue.
 * Each part is a module of its own: upgrade (and authorize), the two protocols, heartbeat,
 * presence, recovery and deliveries; this wires them to one hub and shuts them down.
 */
export async function registerChatSockets(app: FastifyInstance, o: ChatSocketOptions): Promise<{ hub: Hub }> {
  const log = o.logger.child({ component: 'chat-ws' });
  const timeoutMs = o.requestTimeoutMs ?? 5000;
  const groups = new GroupNames();
  const presence = presencePublisher(o.bus, o.gatewayId, log);
  const left = (c: Parameters<ChatEdge['left']>[0], roomId: string) => {
    groups.forgetIfEmpty(roomId, hub);
    void presence(PresenceLeft, c, roomId);
  };
  const hub = new Hub({
    maxBufferedBytes: o.maxBufferedBytes ?? 1024 * 1024,
    gapWaitMs: o.gapWaitMs,
    // One line per dropped socket: the hub has already taken it out of its room and closed it.
    onSlowConsumer: (c, roomId) => {
      log.warn({ connectionId: c.id, userId: c.userId, roomId }, 'dropping a slow consumer');
      if (roomId) left(c, roomId);
    },
    onError: (err, what) => log.warn({ err }, what),
    history: o.history && roomHistory(o.history, groups),
  });
  const sockets = new Set<WsConnection>();
  // One listener each for every socket (`this` is the socket), not closures kept per socket.
  function onClosed(this: WebSocket): void {
    const c = connectionOf(this);
    if (!c) return;
    sockets.delete(c);
    const wasIn = c.roomId;
    hub.remove(c);
    if (wasIn) left(c, wasIn);
  }
  const onSocketError = (err: Error) => log.debug({ err: err.message }, 'socket error');
  const heartbeat = startHeartbeat(sockets, o.pingIntervalMs ?? 30_000, log);
  const answer = senderEcho(hub, groups, log);
  const access: ChatAccess = { ...o.access, groups: o.access.groups ?? busGroupRooms(o.bus, timeoutMs) };

  const edge: ChatEdge = {
    log,
    hub,
    groups,
    access,
    history: o.history,
    presence,
    messagesPerSecond: o.messagesPerSecond ?? 10,
    joinsPerSecond: o.joinsPerSecond ?? 2,
    closeTimeoutMs: o.closeTimeoutMs,
    attach(c) {
      sockets.add(c);
      hub.add(c);
      heartbeat.track(c);
      c.ws.on('close', onClosed);
      c.ws.on('error', onSocketError);
    },
    left,
    commandsFor: (c) => ({
      bus: o.bus,
      gatewayId: o.gatewayId,
      connectionId: c.id,
      timeoutMs,
      replies: {
        sending: (requestId) =>
          c.beginSend(requestId) ? { resend: c.sent(requestId), receivedAt: Date.now() } : undefined,
        answer: (reply, state) => answer(c, reply, state),
        settled: (requestId) => c.settled(requestId),
      },
    }),
  };

  const wss = chatSocketServer(o.maxPayloadBytes);
  handleUpgrades(app.server, {
    wss,
    log,
    authorize: async (req, url) => {
      const a = await authorizeUpgrade({ ...o, access }, req, url);
      return a.protocol === 'ivs'
        ? (ws, socket) => openIvsSocket(edge, ws, socket, a.grant, a.since)
        : (ws, socket) => openSeed003Socket(edge, ws, socket, a.principal);
    },
  });

  const deliveries = await consumeDeliveries({ bus: o.bus, gatewayId: o.gatewayId, hub, groups, log });
  const snapshots = await startPresenceSnapshots({
    bus: o.bus,
    gatewayId: o.gatewayId,
    hub,
    intervalMs: o.snapshotIntervalMs ?? 10_000,
    log,
  });

  // Sockets must close before the HTTP server does: it waits for every connection, upgraded ones
  // too. They are dropped, not closed cleanly: the IVS client library treats any clean close as
  // "the server disconnected me" and gives up, while after a drop it reconnects (through the load
  // balancer, to another gateway instance) with a fresh token, and recovers with `since`.
  app.addHook('preClose', async () => {
    snapshots.stop();
    heartbeat.stop();
    for (const c of sockets) c.ws.terminate();
    wss.close();
  });
  app.addHook('onClose', async () => {
    await Promise.all([deliveries, snapshots.consumer].map((c) => c.stop()));
  });
  return { hub };
}
