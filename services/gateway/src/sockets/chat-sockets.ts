import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  ChatMessageSent,
  type Envelope,
  GatewayDeliver,
  PresenceJoined,
  PresenceLeft,
  PresenceSnapshot,
  wire,
  envelopeOf,
} from '@onair/contracts';
import {
  AppError,
  type Bus,
  type ChatGrant,
  type Consumer,
  type Logger,
  redactUrl,
  replyData,
  verifyChatToken,
} from '@onair/runtime';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { bearer, type Principal, type TokenVerifier } from '../auth';
import { assertMayConnect, busGroupRooms, type ChatAccess, resolveSeed003Join } from './access';
import {
  type ChatCommandContext,
  parseObject,
  type SendingState,
  type SocketIdentity,
} from './chat-commands';
import { WsConnection } from './connection';
import { type Delivery, Hub, type HubConnection } from './hub';
import { handleIvsFrame } from './ivs-protocol';
import { handleSeed003Frame } from './seed003-protocol';

/**
 * Reads a native room's history (chat-svc's table): recovery after a reconnect, a room's
 * position when its first socket joins, and the gaps in what fanout delivered.
 */
export interface HistoryReader {
  /** Messages with seq > afterSeq, oldest first, at most `limit`; `complete` = nothing newer remains. */
  after(
    roomId: string,
    afterSeq: number,
    limit: number,
  ): Promise<{ frames: Array<{ seq: number; ivs: string; seed003: string }>; complete: boolean }>;
  /** The room's last stored sequence number (0 when none): where a socket joining now starts. */
  lastStoredSeq(roomId: string): Promise<number>;
  /** What is stored with afterSeq < seq <= uptoSeq, deleted messages as a bare seq. */
  between(
    roomId: string,
    afterSeq: number,
    uptoSeq: number,
  ): Promise<Array<{ seq: number; frames?: { ivs: string; seed003: string } }>>;
}

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

/** A frame's bytes as text (`ws` hands over one Buffer for a whole, possibly fragmented, message). */
function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isOptionalStrings = (v: unknown): boolean =>
  v === undefined || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
const isOptionalString = (v: unknown): boolean => v === undefined || typeof v === 'string';

/** A delivery from fanout as this gateway can write it; anything else on the queue is dropped. */
export function isDelivery(v: unknown): v is Delivery {
  if (!isRecord(v) || typeof v.roomId !== 'string' || !isRecord(v.frames)) return false;
  const { frames, close } = v;
  return (
    (v.seq === undefined || Number.isSafeInteger(v.seq)) &&
    isOptionalStrings(v.userIds) &&
    isOptionalString(frames.ivs) &&
    isOptionalString(frames.seed003) &&
    (close === undefined ||
      (isRecord(close) &&
        typeof close.code === 'number' &&
        typeof close.reason === 'string' &&
        isOptionalStrings(close.userIds)))
  );
}

/** Until the handshake completes, a socket error just ends the connection. */
function destroySocket(this: Duplex): void {
  this.destroy();
}

/** Most messages a reconnecting client is sent from history before it is told recovery was partial. */
const RECOVERY_LIMIT = 1000;
/** History reads of one recovery at most, while the room moves on during them. */
const RECOVERY_ROUNDS = 3;

/**
 * The WebSocket edge: `/v1/chat/ws` speaks the IVS Chat messaging protocol (token as the
 * subprotocol, echoed back), `/v1/chat/seed003` speaks seed 003's joinGroup/sendMessage.
 * Frames for local sockets arrive as deliveries from fanout-svc on this instance's own queue.
 *
 * Upgrades are handled on the HTTP server's `upgrade` event with a plain `ws` server, and the
 * token is checked before the handshake completes (a refused client gets an HTTP status, as IVS
 * Chat clients expect). Nothing of the upgrade request is kept once the socket is open.
 */
export async function registerChatSockets(app: FastifyInstance, o: ChatSocketOptions): Promise<{ hub: Hub }> {
  const log = o.logger.child({ component: 'chat-ws' });
  const history = o.history;
  const hub = new Hub({
    maxBufferedBytes: o.maxBufferedBytes ?? 1024 * 1024,
    gapWaitMs: o.gapWaitMs,
    // One line per dropped socket: the hub has already taken it out of its room and closed it.
    onSlowConsumer: (c, roomId) => {
      log.warn({ connectionId: c.id, userId: c.userId, roomId }, 'dropping a slow consumer');
      if (roomId) {
        forgetGroupIfEmpty(roomId);
        void presence(PresenceLeft, c, roomId);
      }
    },
    onError: (err, what) => log.warn({ err }, what),
    history: history && {
      position: (roomId) => history.lastStoredSeq(roomId),
      range: async (roomId, afterSeq, uptoSeq) =>
        (await history.between(roomId, afterSeq, uptoSeq)).map((f) => ({
          seq: f.seq,
          delivery: f.frames && asGroup({ roomId, seq: f.seq, frames: f.frames }),
        })),
    },
  });
  const consumers: Consumer[] = [];
  const sockets = new Set<WsConnection>();
  const pingIntervalMs = o.pingIntervalMs ?? 30_000;
  const messagesPerSecond = o.messagesPerSecond ?? 10;
  const wss = new WebSocketServer({
    noServer: true,
    // Measured: compression cuts raw fanout throughput ~5x and balloons memory per socket.
    perMessageDeflate: false,
    maxPayload: o.maxPayloadBytes ?? 16 * 1024,
    // IVS Chat clients put the token in Sec-WebSocket-Protocol and require it echoed back.
    handleProtocols: (protocols: Set<string>) => protocols.values().next().value ?? false,
  });

  const ctxFor = (c: WsConnection): ChatCommandContext => ({
    bus: o.bus,
    gatewayId: o.gatewayId,
    connectionId: c.id,
    timeoutMs: o.requestTimeoutMs ?? 5000,
    replies: {
      sending: (requestId) => ({ resend: c.sent(requestId), receivedAt: Date.now() }),
      answer: (reply, state) => answerSender(c, reply, state),
    },
  });

  /**
   * chat-svc's reply to a socket's message is the stored message: the sender is answered from
   * it (in room order, with the other local sockets of the room when they have not had it yet),
   * so its echo never depends on fanout, and a resend gets the original message back.
   */
  const answerSender = (c: HubConnection, reply: Envelope, state: SendingState) => {
    let m: Static<(typeof ChatMessageSent)['schema']>;
    try {
      m = replyData(ChatMessageSent, reply); // checked before it is written to a socket
    } catch (err) {
      log.warn({ err, type: reply.type }, 'chat-svc answered a message with something else');
      return;
    }
    hub.answer(c, asGroup({ roomId: m.roomId, seq: m.seq, frames: wire.chatMessageFrames(m) }), {
      resentAt: state.resend ? state.receivedAt : undefined,
    });
  };

  const joinsPerSecond = o.joinsPerSecond ?? 2;
  const access: ChatAccess = {
    ...o.access,
    groups: o.access.groups ?? busGroupRooms(o.bus, o.requestTimeoutMs ?? 5000),
  };
  /**
   * The group name each seed 003 group room's members see as `groupId` (fanout writes the room id
   * there), for the rooms this instance holds sockets of; forgotten when the last one leaves.
   */
  const groupNames = new Map<string, string>();
  const forgetGroupIfEmpty = (roomId: string) => {
    if (groupNames.has(roomId) && hub.inRoom(roomId).length === 0) groupNames.delete(roomId);
  };
  /** A delivery as a group's members see it: the seed 003 frame names the group, not its room. */
  const asGroup = (d: Delivery): Delivery => {
    const name = groupNames.get(d.roomId);
    const frame =
      name === undefined || d.frames.seed003 === undefined ? undefined : parseObject(d.frames.seed003);
    if (!frame || typeof frame.groupId !== 'string') return d;
    return { ...d, frames: { ...d.frames, seed003: JSON.stringify({ ...frame, groupId: name }) } };
  };
  /** Never rejects: a presence event that cannot be published is logged (the snapshot repairs it). */
  const presence = async (
    def: typeof PresenceJoined | typeof PresenceLeft,
    c: HubConnection,
    roomId: string,
  ): Promise<void> => {
    try {
      await o.bus.publish(
        envelopeOf(def, {
          source: 'gateway',
          data: { gatewayId: o.gatewayId, connectionId: c.id, roomId, userId: c.userId },
        }),
      );
    } catch (err) {
      log.warn({ err }, 'could not publish presence');
    }
  };
  /** For the promises a socket event starts and nobody awaits: a failure is logged, never thrown. */
  const logFailure = (what: string) => (err: unknown) => log.warn({ err }, what);

  function attach(c: WsConnection): void {
    sockets.add(c);
    hub.add(c);
    c.ws.on('pong', () => {
      c.alive = true;
    });
    c.ws.on('close', () => {
      sockets.delete(c);
      const wasIn = c.roomId;
      hub.remove(c);
      if (wasIn) {
        forgetGroupIfEmpty(wasIn);
        void presence(PresenceLeft, c, wasIn);
      }
    });
    c.ws.on('error', (err) => log.debug({ err: err.message }, 'socket error'));
  }

  /**
   * One timer for every socket: ends sessions that expired, pings, and drops a socket that did
   * not answer the previous ping within a whole interval.
   */
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

  /**
   * Replay what the client missed (seq > since) from history, then release the live frames that
   * arrived meanwhile (held in `pending`), skipping any the history already covered. History is
   * read once the hub knows where the room stands, and again while the room's live order is past
   * what was read (numbers the room wrote before this socket joined reach it only from history:
   * on a restarted gateway, fanout may still have sent them to the instance that died). IVS
   * clients are then told whether recovery was complete (an `onair:RECOVERY` event).
   */
  async function recover(c: HubConnection, roomId: string, since: number): Promise<void> {
    c.lastSeq = since;
    let complete = false;
    try {
      if (!o.history) throw new Error('this gateway has no history reader');
      await hub.positionKnown(roomId);
      for (let round = 0; round < RECOVERY_ROUNDS; round++) {
        const h = await o.history.after(roomId, c.lastSeq, RECOVERY_LIMIT);
        for (const f of h.frames) hub.replay(c, f[c.protocol], f.seq);
        complete = h.complete;
        const written = hub.writtenThrough(roomId);
        if (!complete || h.frames.length === 0 || written === undefined || written <= c.lastSeq) break;
      }
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
    hub.flushPending(c);
  }

  // --- upgrades -----------------------------------------------------------------------------
  const onIvsSocket = (ws: WebSocket, socket: Duplex, grant: ChatGrant, since: number | undefined) => {
    const c = new WsConnection(
      ws,
      socket,
      grant.userId,
      'ivs',
      grant.capabilities,
      grant.attributes,
      Date.parse(grant.sessionExpirationTime),
      messagesPerSecond,
      o.closeTimeoutMs,
    );
    c.roomId = grant.roomId;
    if (since !== undefined) c.pending = []; // hold live frames until history is replayed
    attach(c);
    void presence(PresenceJoined, c, grant.roomId);
    if (since !== undefined) recover(c, grant.roomId, since).catch(logFailure('recovery failed'));
    // The connection is the socket's identity: an IVS socket is in its token's room from the start.
    const who = c as WsConnection & SocketIdentity;
    const reply = (f: string) => c.send(f);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return reply(wire.errorFrame({ code: 400, message: 'Send text frames' }));
      handleIvsFrame(textOf(data), who, { ...ctxFor(c), limiter: c.limiter(), log }, reply).catch(
        logFailure('an IVS chat frame was not handled'),
      );
    });
  };

  const onSeed003Socket = (ws: WebSocket, socket: Duplex, p: Principal) => {
    // Seed 003 had no roles: every signed-in user could post, and still can on this socket (a
    // token without roles is a viewer elsewhere). docs/chat.md, "Protocol 2".
    const c = new WsConnection(
      ws,
      socket,
      p.userId,
      'seed003',
      ['SEND_MESSAGE'],
      p.displayName ? { displayName: p.displayName } : {},
      undefined,
      messagesPerSecond,
      o.closeTimeoutMs,
    );
    attach(c);
    // One group at a time: joining another leaves the previous one (the hub forgets empty rooms).
    const join = async (groupId: string): Promise<string> => {
      const joined = await resolveSeed003Join(access, groupId, c.userId);
      const { roomId } = joined;
      // The socket may have closed while the tables were read: a closed socket joins nothing.
      if (c.ws.readyState !== WebSocket.OPEN) return roomId;
      if (joined.groupId !== roomId) groupNames.set(roomId, joined.groupId);
      const previous = c.roomId;
      if (previous === roomId) return roomId;
      hub.join(c, roomId);
      if (previous) {
        forgetGroupIfEmpty(previous);
        void presence(PresenceLeft, c, previous);
      }
      await presence(PresenceJoined, c, roomId);
      return roomId;
    };
    const reply = (f: string) => c.send(f);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return reply(wire.seed003ErrorFrame({ code: 400, message: 'Send text frames' }));
      handleSeed003Frame(
        textOf(data),
        c,
        c,
        {
          ...ctxFor(c),
          limiter: c.limiter(),
          joinLimiter: c.joinLimiter(joinsPerSecond, Math.max(1, joinsPerSecond * 5)),
          log,
          join,
        },
        reply,
      ).catch(logFailure('a seed 003 frame was not handled'));
    });
  };

  /** Who is connecting, checked before the handshake completes; an AppError refuses it. */
  async function authorize(req: IncomingMessage, url: URL): Promise<(ws: WebSocket, socket: Duplex) => void> {
    if (url.pathname === '/v1/chat/ws') {
      const token = String(req.headers['sec-websocket-protocol'] ?? '')
        .split(',')[0]
        ?.trim();
      if (!token) throw new AppError('UNAUTHORIZED', 401, 'Send the chat token as the WebSocket subprotocol');
      const grant = await verifyChatToken(o.chatTokenSecret, token);
      if (!(Date.parse(grant.sessionExpirationTime) > Date.now())) {
        throw new AppError('UNAUTHORIZED', 401, 'The chat session has ended');
      }
      // A token minted before a ban (or timeout) still verifies: the ban is checked here too.
      await assertMayConnect(access, grant.roomId, grant.userId);
      const raw = url.searchParams.get('since');
      const since = raw === null ? undefined : Number(raw);
      if (since !== undefined && !(Number.isSafeInteger(since) && since >= 0)) {
        throw new AppError(
          'BAD_REQUEST',
          400,
          '`since` must be the last sequence number you saw (an integer >= 0)',
        );
      }
      return (ws, socket) => onIvsSocket(ws, socket, grant, since);
    }
    if (url.pathname === '/v1/chat/seed003') {
      const token = url.searchParams.get('token') || bearer(req.headers.authorization);
      if (!token) {
        throw new AppError(
          'UNAUTHORIZED',
          401,
          'Send your access token as ?token= or an Authorization: Bearer header',
        );
      }
      // The verifier's own refusals say what is wrong (expired, invalid) and never quote the
      // token; anything else becomes the same plain 401. Neither is logged with the token.
      const p = await o.userVerifier(token).catch((e: unknown) => {
        throw e instanceof AppError && e.status === 401
          ? e
          : new AppError('UNAUTHORIZED', 401, 'The access token is not valid');
      });
      return (ws, socket) => onSeed003Socket(ws, socket, p);
    }
    throw new AppError(
      'NOT_FOUND',
      404,
      'No WebSocket endpoint here: connect to /v1/chat/ws or /v1/chat/seed003',
    );
  }

  /** An HTTP answer to a refused upgrade, then the socket is closed. */
  const refuse = (socket: Duplex, status: number, message: string) => {
    if (socket.destroyed) return;
    // problem+json like every other answer; `message` too, which earlier clients read.
    const title = STATUS_CODES[status] ?? 'Error';
    const body = JSON.stringify({ type: 'about:blank', title, status, detail: message, message });
    // Like every REST 503: when to try again.
    const retryAfter = status === 503 ? 'Retry-After: 2\r\n' : '';
    socket.end(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${retryAfter}Connection: close\r\n\r\n${body}`,
      () => socket.destroy(),
    );
  };

  // The handlers below are created per upgrade and hold the request; none of them may outlive
  // the handshake (a listener left on the socket kept every request and its headers alive).
  // Nothing a client sends may throw out of this listener (that would take the process down):
  // a request target that is not a URL is a 400, and every later step ends in a catch.
  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
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
    authorize(req, url)
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
          if (e instanceof AppError && e.status < 500) return refused(e.status, e.message);
          log.warn({ err: e }, 'an upgrade could not be checked');
          const status = e instanceof AppError ? e.status : 500;
          refused(status, status === 503 && e instanceof AppError ? e.message : 'Internal error');
        },
      )
      .catch((err: unknown) => {
        log.warn({ err }, 'an upgrade failed');
        socket.destroy();
      });
  });

  // --- deliveries and presence ---------------------------------------------------------------
  consumers.push(
    await o.bus.consumeCommands(
      `gateway.${o.gatewayId}`,
      async (m: Envelope) => {
        if (m.type !== GatewayDeliver.type) return;
        if (!isDelivery(m.data)) {
          log.warn({ id: m.id }, 'dropping a malformed delivery');
          return;
        }
        hub.deliver(asGroup(m.data));
      },
      // The hub puts each room back in sequence order, so deliveries need not wait for the
      // previous one's ack; writing them is synchronous anyway.
      { ephemeral: true, concurrency: 64 },
    ),
  );
  const snapshot = () =>
    o.bus
      .publish(
        envelopeOf(PresenceSnapshot, {
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

  // Sockets must close before the HTTP server does: it waits for every connection, upgraded ones
  // too. They are dropped, not closed cleanly: the IVS client library treats any clean close as
  // "the server disconnected me" and gives up, while after a drop it reconnects (through the load
  // balancer, to another gateway instance) with a fresh token, and recovers with `since`.
  app.addHook('preClose', async () => {
    clearInterval(timer);
    clearInterval(sweep);
    for (const c of sockets) c.ws.terminate();
    wss.close();
  });
  app.addHook('onClose', async () => {
    await Promise.all(consumers.splice(0).map((c) => c.stop()));
  });
  return { hub };
}
