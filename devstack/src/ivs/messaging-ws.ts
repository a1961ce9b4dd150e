// The IVS Chat messaging WebSocket (docs/protocols/ivs-chat.md#messaging-websocket). The chat token arrives as the
// Sec-WebSocket-Protocol and must be echoed back, or clients fail the handshake. Every frame
// we send carries a fresh unique `Id`, because the JS client silently drops repeated Ids.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Capability, ChatHub, ChatRooms, ChatSession, RoomRecord } from './chat-rooms';
import type { FaultInjector } from './faults';
import { resourceId } from './ids';

/** Input the review hook gets: the Lambda event of a message review handler (docs/protocols/ivs-chat.md#message-review-handler). */
export interface MessageReviewInput {
  Content: string;
  MessageId: string;
  RoomArn: string;
  Attributes: Record<string, string>;
  Sender: { UserId: string; Attributes: Record<string, string>; Ip: string };
}

export interface MessageReviewOutput {
  ReviewResult: 'ALLOW' | 'DENY';
  Content?: string;
  Attributes?: Record<string, string>;
}

/** Stands in for invoking the room's review Lambda; called only for rooms with a handler uri. */
export type MessageReviewHook = (
  handlerUri: string,
  input: MessageReviewInput,
) => Promise<MessageReviewOutput>;

/** Documented 200 ms timeout of a review handler; after it, `fallbackResult` applies. */
const REVIEW_TIMEOUT_MS = 200;
/** setTimeout's ceiling; longer sessions are re-armed (sessions last at most 180 min anyway). */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Connection {
  ws: WebSocket;
  session: ChatSession;
  ip: string;
  expiry: NodeJS.Timeout;
}

type Frame = Record<string, unknown>;

export class MessagingHub implements ChatHub {
  private readonly wss: WebSocketServer;
  private readonly byRoom = new Map<string, Set<Connection>>();
  /** Send times per room over the last second, for `maximumMessageRatePerSecond`. */
  private readonly sendTimes = new Map<string, number[]>();

  constructor(
    private readonly rooms: ChatRooms,
    private readonly faults: FaultInjector,
    private readonly review?: MessageReviewHook,
  ) {
    this.wss = new WebSocketServer({
      noServer: true,
      // Echo the token back as the accepted subprotocol (docs/protocols/ivs-chat.md#connecting).
      handleProtocols: (protocols) => protocols.values().next().value ?? false,
    });
  }

  /** Handshake: redeem the token first, refusing with a plain HTTP status when it is unusable. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const token = (req.headers['sec-websocket-protocol'] ?? '').split(',')[0]?.trim();
    const redemption = token
      ? this.rooms.redeemToken(token)
      : ({ ok: false, status: 401, reason: 'Missing token' } as const);
    if (!redemption.ok) {
      const text = redemption.status === 404 ? 'Not Found' : 'Unauthorized';
      socket.end(
        `HTTP/1.1 ${redemption.status} ${text}\r\nContent-Type: text/plain\r\nConnection: close\r\n` +
          `Content-Length: ${Buffer.byteLength(redemption.reason)}\r\n\r\n${redemption.reason}`,
      );
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(ws, redemption.session, req));
  }

  /** Connected users, for tests and the dev routes. */
  connections(roomArn?: string): { roomArn: string; userId: string }[] {
    const out: { roomArn: string; userId: string }[] = [];
    for (const [arn, set] of this.byRoom) {
      if (roomArn && arn !== roomArn) continue;
      for (const c of set) out.push({ roomArn: arn, userId: c.session.userId });
    }
    return out;
  }

  close(): Promise<void> {
    for (const set of this.byRoom.values()) {
      for (const c of set) {
        clearTimeout(c.expiry);
        c.ws.terminate();
      }
    }
    this.byRoom.clear();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }

  // ---- ChatHub: shared by the control plane and WebSocket requests -----------------------------

  sendEvent(
    roomArn: string,
    eventName: string,
    attributes?: Record<string, string>,
    requestId?: string,
  ): string {
    const id = resourceId();
    this.broadcast(roomArn, {
      Type: 'EVENT',
      Id: id,
      ...(requestId ? { RequestId: requestId } : {}),
      EventName: eventName,
      SendTime: new Date().toISOString(),
      ...(attributes ? { Attributes: attributes } : {}),
    });
    return id;
  }

  /** Both MessageId and the deprecated MessageID: JS client 1.1.1 reads MessageID (docs/protocols/ivs-chat.md#system-events). */
  deleteMessage(roomArn: string, messageId: string, reason?: string, requestId?: string): string {
    const attributes: Record<string, string> = { MessageId: messageId, MessageID: messageId };
    if (reason !== undefined) attributes.Reason = reason;
    return this.sendEvent(roomArn, 'aws:DELETE_MESSAGE', attributes, requestId);
  }

  /** Tell the room, then close every socket of that user cleanly (1000) so clients do not reconnect. */
  disconnectUser(roomArn: string, userId: string, reason?: string, requestId?: string): void {
    const attributes: Record<string, string> = { UserId: userId };
    if (reason !== undefined) attributes.Reason = reason;
    this.sendEvent(roomArn, 'aws:DISCONNECT_USER', attributes, requestId);
    for (const c of this.byRoom.get(roomArn) ?? []) {
      if (c.session.userId === userId) c.ws.close(1000, 'Disconnected by moderator');
    }
  }

  closeRoom(roomArn: string): void {
    this.sendTimes.delete(roomArn);
    for (const c of this.byRoom.get(roomArn) ?? []) c.ws.close(1000, 'Room deleted');
  }

  // ---- connections ----------------------------------------------------------------------------

  private attach(ws: WebSocket, session: ChatSession, req: IncomingMessage): void {
    const connection: Connection = {
      ws,
      session,
      ip: req.socket.remoteAddress ?? '',
      expiry: this.armExpiry(ws, session.sessionExpiresAt),
    };
    const set = this.byRoom.get(session.roomArn) ?? new Set<Connection>();
    this.byRoom.set(session.roomArn, set);
    set.add(connection);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return this.error(connection, 400, 'Binary frames are not supported');
      void this.onRequest(connection, data.toString()).catch((err) => {
        console.error('[ivs chat stand-in] request failed', err);
        this.error(connection, 500, 'Internal error');
      });
    });
    ws.on('close', () => {
      clearTimeout(connection.expiry);
      set.delete(connection);
      if (set.size === 0 && this.byRoom.get(session.roomArn) === set) this.byRoom.delete(session.roomArn);
    });
    ws.on('error', () => ws.terminate());
  }

  /** The connection ends when the session does (sessionDurationInMinutes). */
  private armExpiry(ws: WebSocket, expiresAt: number): NodeJS.Timeout {
    const remaining = expiresAt - Date.now();
    const timer = setTimeout(
      () => (remaining > MAX_TIMER_MS ? this.armExpiry(ws, expiresAt) : ws.close(1000, 'Session expired')),
      Math.max(0, Math.min(remaining, MAX_TIMER_MS)),
    );
    timer.unref();
    return timer;
  }

  private async onRequest(c: Connection, text: string): Promise<void> {
    let request: unknown;
    try {
      request = JSON.parse(text);
    } catch {
      return this.error(c, 400, 'Malformed JSON');
    }
    if (typeof request !== 'object' || request === null || Array.isArray(request)) {
      return this.error(c, 400, 'Request must be a JSON object');
    }
    const r = request as Record<string, unknown>;
    const requestId = typeof r.RequestId === 'string' ? r.RequestId : undefined;
    const action = r.Action;
    if (action !== 'SEND_MESSAGE' && action !== 'DELETE_MESSAGE' && action !== 'DISCONNECT_USER') {
      return this.error(c, 400, `Unknown Action ${String(action)}`, requestId);
    }
    const fault = this.faults.take(`ws:${action}`);
    if (fault?.latencyMs) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    if (fault?.error) return this.error(c, fault.error.status, fault.error.message, requestId);
    if (!c.session.capabilities.includes(action as Capability)) {
      return this.error(c, 403, `Connection does not have the ${action} capability`, requestId);
    }
    const room = this.rooms.findRoom(c.session.roomArn);
    if (!room) return this.error(c, 404, 'Room not found', requestId);

    if (action === 'SEND_MESSAGE') return this.sendMessage(c, room, r, requestId);
    if (action === 'DELETE_MESSAGE') {
      if (typeof r.Id !== 'string' || !r.Id) return this.error(c, 400, 'Id is required', requestId);
      const reason = optionalReason(r.Reason);
      if (reason === null)
        return this.error(c, 400, 'Reason must be a string of 1-256 characters', requestId);
      this.deleteMessage(room.arn, r.Id, reason, requestId);
      return;
    }
    if (typeof r.UserId !== 'string' || !r.UserId) return this.error(c, 400, 'UserId is required', requestId);
    const reason = optionalReason(r.Reason);
    if (reason === null) return this.error(c, 400, 'Reason must be a string of 1-256 characters', requestId);
    this.disconnectUser(room.arn, r.UserId, reason, requestId);
  }

  private async sendMessage(c: Connection, room: RoomRecord, r: Record<string, unknown>, requestId?: string) {
    if (typeof r.Content !== 'string' || r.Content.length === 0) {
      return this.error(c, 400, 'Content is required', requestId);
    }
    // Length is counted in Unicode code points (docs/protocols/ivs-chat.md#rooms).
    if ([...r.Content].length > room.maximumMessageLength) {
      return this.error(c, 413, `Content exceeds ${room.maximumMessageLength} characters`, requestId);
    }
    let attributes: Record<string, string> | undefined;
    if (r.Attributes !== undefined) {
      if (
        typeof r.Attributes !== 'object' ||
        r.Attributes === null ||
        Array.isArray(r.Attributes) ||
        Object.values(r.Attributes).some((v) => typeof v !== 'string')
      ) {
        return this.error(c, 400, 'Attributes must be a map of strings', requestId);
      }
      attributes = r.Attributes as Record<string, string>;
      if (Buffer.byteLength(JSON.stringify(attributes)) > 1024) {
        return this.error(c, 413, 'Attributes exceed 1 KB', requestId);
      }
    }
    if (!this.allowSend(room)) return this.error(c, 429, 'Rate limit exceeded', requestId);

    const messageId = resourceId();
    let content = r.Content;
    if (room.messageReviewHandler?.uri && this.review) {
      const verdict = await this.reviewMessage(c, room, messageId, content, attributes ?? {});
      if (verdict.ReviewResult !== 'ALLOW') {
        return this.error(c, 406, 'Message was rejected during message review', requestId);
      }
      content = verdict.Content ?? content;
      attributes = verdict.Attributes ?? attributes;
    }
    const senderAttributes = c.session.attributes;
    this.broadcast(room.arn, {
      Type: 'MESSAGE',
      Id: messageId,
      ...(requestId ? { RequestId: requestId } : {}),
      Content: content,
      ...(attributes ? { Attributes: attributes } : {}),
      SendTime: new Date().toISOString(),
      Sender: {
        UserId: c.session.userId,
        ...(Object.keys(senderAttributes).length ? { Attributes: senderAttributes } : {}),
      },
    });
  }

  /** Runs the review hook with the documented timeout; any failure falls back to `fallbackResult`. */
  private async reviewMessage(
    c: Connection,
    room: RoomRecord,
    messageId: string,
    content: string,
    attributes: Record<string, string>,
  ): Promise<MessageReviewOutput> {
    const handler = room.messageReviewHandler!;
    const fallback: MessageReviewOutput = {
      ReviewResult: handler.fallbackResult === 'DENY' ? 'DENY' : 'ALLOW',
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        this.review!(handler.uri, {
          Content: content,
          MessageId: messageId,
          RoomArn: room.arn,
          Attributes: attributes,
          Sender: { UserId: c.session.userId, Attributes: c.session.attributes, Ip: c.ip },
        }),
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), REVIEW_TIMEOUT_MS);
        }),
      ]);
      if (!result || (result.ReviewResult !== 'ALLOW' && result.ReviewResult !== 'DENY')) return fallback;
      if (result.Content !== undefined && typeof result.Content !== 'string') return fallback;
      return result;
    } catch {
      return fallback;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Room-wide sliding one-second window, shared by all clients of the room. */
  private allowSend(room: RoomRecord): boolean {
    const now = Date.now();
    const times = (this.sendTimes.get(room.arn) ?? []).filter((t) => now - t < 1000);
    if (times.length >= room.maximumMessageRatePerSecond) {
      this.sendTimes.set(room.arn, times);
      return false;
    }
    times.push(now);
    this.sendTimes.set(room.arn, times);
    return true;
  }

  private broadcast(roomArn: string, frame: Frame): void {
    const text = JSON.stringify(frame);
    for (const c of this.byRoom.get(roomArn) ?? []) {
      if (c.ws.readyState === c.ws.OPEN) c.ws.send(text);
    }
  }

  /** ErrorCode is a number; the JS client drops the frame otherwise (docs/protocols/ivs-chat.md#client-library-behaviour). */
  private error(c: Connection, code: number, message: string, requestId?: string): void {
    if (c.ws.readyState !== c.ws.OPEN) return;
    c.ws.send(
      JSON.stringify({
        Type: 'ERROR',
        Id: resourceId(),
        ...(requestId ? { RequestId: requestId } : {}),
        ErrorCode: code,
        ErrorMessage: message,
      }),
    );
  }
}

/** undefined when absent, null when invalid. */
function optionalReason(value: unknown): string | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length < 1 || value.length > 256) return null;
  return value;
}
