import { randomUUID } from 'node:crypto';
import websocket from '@fastify/websocket';
import {
  type Envelope,
  GatewayDeliver,
  makeEnvelope,
  PresenceJoined,
  PresenceLeft,
  PresenceSnapshot,
  wire,
} from '@onair/contracts';
import { type Bus, type ChatGrant, type Consumer, type Logger, verifyChatToken } from '@onair/runtime';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { bearer, type Principal, type TokenVerifier } from '../auth';
import type { ChatCommandContext, SocketIdentity } from './commands';
import { type Delivery, Hub, type HubConnection } from './hub';
import { handleIvsFrame } from './ivs-socket';
import { TokenBucket } from './rate-limit';
import { handleSeed003Frame } from './seed003-socket';

/** Reads a native room's history (chat-svc's table) for recovery after a reconnect. */
export interface HistoryReader {
  /** Messages with seq > afterSeq, oldest first, at most `limit`; `complete` = nothing newer remains. */
  after(
    roomId: string,
    afterSeq: number,
    limit: number,
  ): Promise<{ frames: Array<{ seq: number; ivs: string; seed003: string }>; complete: boolean }>;
}

export interface ChatSocketOptions {
  bus: Bus;
  logger: Logger;
  gatewayId: string;
  chatTokenSecret: string;
  userVerifier: TokenVerifier;
  history?: HistoryReader;
  requestTimeoutMs?: number;
  pingIntervalMs?: number;
  snapshotIntervalMs?: number;
  maxBufferedBytes?: number;
  maxPayloadBytes?: number;
  messagesPerSecond?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    chatGrant?: ChatGrant;
  }
}

/** Most messages a reconnecting client is sent from history before it is told recovery was partial. */
const RECOVERY_LIMIT = 1000;

/**
 * The WebSocket edge: `/v1/chat/ws` speaks the IVS Chat messaging protocol (token as the
 * subprotocol, echoed back), `/v1/chat/seed003` speaks seed 003's joinGroup/sendMessage.
 * Frames for local sockets arrive as deliveries from fanout-svc on this instance's own queue.
 */
export async function registerChatSockets(app: FastifyInstance, o: ChatSocketOptions): Promise<{ hub: Hub }> {
  const log = o.logger.child({ component: 'chat-ws' });
  const hub = new Hub({
    maxBufferedBytes: o.maxBufferedBytes ?? 1024 * 1024,
    onSlowConsumer: (c) => log.warn({ connectionId: c.id, userId: c.userId }, 'dropping a slow consumer'),
  });
  const consumers: Consumer[] = [];
  const sockets = new Map<HubConnection, WebSocket>();

  await app.register(websocket, {
    options: {
      // Measured: compression cuts raw fanout throughput ~5x and balloons memory per socket.
      perMessageDeflate: false,
      maxPayload: o.maxPayloadBytes ?? 16 * 1024,
      // IVS Chat clients put the token in Sec-WebSocket-Protocol and require it echoed back.
      handleProtocols: (protocols: Set<string>) => protocols.values().next().value ?? false,
    },
  });

  const ctxFor = (connectionId: string): ChatCommandContext => ({
    bus: o.bus,
    gatewayId: o.gatewayId,
    connectionId,
    timeoutMs: o.requestTimeoutMs ?? 5000,
  });

  const presence = (type: string, c: HubConnection) =>
    o.bus
      .publish(
        makeEnvelope({
          type,
          source: 'gateway',
          data: { gatewayId: o.gatewayId, connectionId: c.id, roomId: c.roomId as string, userId: c.userId },
        }),
      )
      .catch((err) => log.warn({ err }, 'could not publish presence'));

  function attach(socket: WebSocket, c: HubConnection): void {
    sockets.set(c, socket);
    hub.add(c);
    let alive = true;
    socket.on('pong', () => {
      alive = true;
    });
    const ping = setInterval(() => {
      // A socket that did not answer the last ping within a whole interval is dead.
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
    }, o.pingIntervalMs ?? 30_000);
    socket.on('close', () => {
      clearInterval(ping);
      sockets.delete(c);
      const wasIn = c.roomId;
      hub.remove(c);
      if (wasIn) void presence(PresenceLeft.type, c);
    });
    socket.on('error', (err) => log.debug({ err: err.message }, 'socket error'));
  }

  function connection(
    socket: WebSocket,
    id: string,
    userId: string,
    protocol: 'ivs' | 'seed003',
  ): HubConnection {
    return {
      id,
      userId,
      protocol,
      lastSeq: 0,
      send: (f) => socket.send(f),
      close: (code, reason) => socket.close(code, reason.slice(0, 120)),
      bufferedAmount: () => socket.bufferedAmount,
    };
  }

  /**
   * Replay what the client missed (seq > since) from history, then release the live frames that
   * arrived meanwhile (held in `pending`), skipping any the history already covered. IVS clients
   * are then told whether recovery was complete (an `onair:RECOVERY` event).
   */
  async function recover(c: HubConnection, roomId: string, since: number): Promise<void> {
    c.lastSeq = since;
    let complete = false;
    const live = c.pending;
    c.pending = undefined; // history is written straight to the socket
    try {
      if (!o.history) throw new Error('this gateway has no history reader');
      const h = await o.history.after(roomId, since, RECOVERY_LIMIT);
      for (const f of h.frames) hub.write(c, f[c.protocol], f.seq);
      complete = h.complete;
    } catch (err) {
      log.warn({ err, roomId }, 'recovery failed');
    }
    if (c.protocol === 'ivs') {
      c.send(
        wire.eventFrame({
          eventName: 'onair:RECOVERY',
          sendTime: new Date().toISOString(),
          attributes: { complete: String(complete), since: String(since), lastSeq: String(c.lastSeq) },
        }),
      );
    }
    c.pending = live;
    hub.flushPending(c);
  }

  // --- IVS Chat protocol ---------------------------------------------------------------------
  app.get(
    '/v1/chat/ws',
    {
      websocket: true,
      config: { public: true },
      schema: {
        tags: ['chat'],
        summary: 'Native chat WebSocket (IVS Chat messaging protocol); chat token as Sec-WebSocket-Protocol',
        querystring: Type.Object({
          since: Type.Optional(
            Type.Integer({
              minimum: 0,
              description: 'Last room sequence number seen: recover everything after it',
            }),
          ),
        }),
      },
      preValidation: async (req: FastifyRequest, reply) => {
        const token = String(req.headers['sec-websocket-protocol'] ?? '')
          .split(',')[0]
          ?.trim();
        if (!token)
          return reply.code(401).send({ message: 'Send the chat token as the WebSocket subprotocol' });
        try {
          req.chatGrant = await verifyChatToken(o.chatTokenSecret, token);
        } catch (e) {
          return reply.code(401).send({ message: (e as Error).message });
        }
        if (Date.parse(req.chatGrant.sessionExpirationTime) <= Date.now()) {
          return reply.code(401).send({ message: 'The chat session has ended' });
        }
      },
    },
    (socket, req) => {
      const grant = req.chatGrant as ChatGrant;
      const c = connection(socket, randomUUID(), grant.userId, 'ivs');
      c.roomId = grant.roomId;
      const since = (req.query as { since?: number }).since;
      if (since !== undefined) c.pending = []; // hold live frames until history is replayed
      attach(socket, c);
      void presence(PresenceJoined.type, c);
      if (since !== undefined) void recover(c, grant.roomId, since);
      const end = setTimeout(
        () => socket.close(1000, 'session expired'),
        Date.parse(grant.sessionExpirationTime) - Date.now(),
      );
      socket.on('close', () => clearTimeout(end));
      const who: SocketIdentity = { ...grant };
      const limiter = new TokenBucket(o.messagesPerSecond ?? 10, (o.messagesPerSecond ?? 10) * 2);
      socket.on('message', (data, isBinary) => {
        if (isBinary) return socket.send(wire.errorFrame({ code: 400, message: 'Send text frames' }));
        void handleIvsFrame(data.toString(), who, { ...ctxFor(c.id), limiter, log }, (f) => socket.send(f));
      });
    },
  );

  // --- seed 003 protocol ---------------------------------------------------------------------
  app.get(
    '/v1/chat/seed003',
    {
      websocket: true,
      config: { public: true },
      schema: {
        tags: ['chat'],
        summary: 'Seed 003 chat WebSocket (joinGroup / sendMessage); user JWT as ?token= or Authorization',
        querystring: Type.Object({ token: Type.Optional(Type.String()) }),
      },
      preValidation: async (req: FastifyRequest, reply) => {
        const token = (req.query as { token?: string }).token ?? bearer(req.headers.authorization);
        if (!token) return reply.code(401).send({ message: 'Unauthorized' });
        try {
          req.principal = await o.userVerifier(token);
        } catch {
          return reply.code(401).send({ message: 'Unauthorized' });
        }
      },
    },
    (socket, req) => {
      const p = req.principal as Principal;
      const c = connection(socket, randomUUID(), p.userId, 'seed003');
      attach(socket, c);
      const limiter = new TokenBucket(o.messagesPerSecond ?? 10, (o.messagesPerSecond ?? 10) * 2);
      // Seed 003 had no roles: every signed-in user could post. Viewers (read-only) cannot here.
      const who: Omit<SocketIdentity, 'roomId'> = {
        userId: p.userId,
        capabilities: p.roles.length === 1 && p.roles[0] === 'viewer' ? [] : ['SEND_MESSAGE'],
        attributes: p.displayName ? { displayName: p.displayName } : {},
      };
      socket.on('message', (data) => {
        void handleSeed003Frame(
          data.toString(),
          c,
          who,
          {
            ...ctxFor(c.id),
            limiter,
            log,
            join: async (roomId) => {
              if (c.roomId) void presence(PresenceLeft.type, c);
              hub.join(c, roomId);
              await presence(PresenceJoined.type, c);
            },
          },
          (f) => socket.send(f),
        );
      });
    },
  );

  // --- deliveries and presence ---------------------------------------------------------------
  consumers.push(
    await o.bus.consumeCommands(
      `gateway.${o.gatewayId}`,
      async (m: Envelope) => {
        if (m.type === GatewayDeliver.type) hub.deliver(m.data as Delivery);
      },
      { ephemeral: true, concurrency: 1 },
    ),
  );
  const snapshot = () =>
    o.bus
      .publish(
        makeEnvelope({
          type: PresenceSnapshot.type,
          source: 'gateway',
          data: {
            gatewayId: o.gatewayId,
            ttlSeconds: Math.ceil(((o.snapshotIntervalMs ?? 10_000) * 3) / 1000),
            memberships: hub
              .connections()
              .filter((c) => c.roomId)
              .map((c) => ({ connectionId: c.id, roomId: c.roomId as string, userId: c.userId })),
          },
        }),
      )
      .catch((err) => log.warn({ err }, 'could not publish a presence snapshot'));
  consumers.push(
    await o.bus.subscribe(
      `gateway.${o.gatewayId}.presence`,
      ['onair.presence.snapshot-requested.v1'],
      snapshot,
      {
        ephemeral: true,
      },
    ),
  );
  await snapshot();
  const timer = setInterval(snapshot, o.snapshotIntervalMs ?? 10_000);
  timer.unref();

  app.addHook('onClose', async () => {
    clearInterval(timer);
    await Promise.all(consumers.splice(0).map((c) => c.stop()));
    for (const s of sockets.values()) s.close(1001, 'server shutting down');
  });
  return { hub };
}
