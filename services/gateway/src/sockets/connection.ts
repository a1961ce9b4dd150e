import { randomUUID } from 'node:crypto';
import type { ChatCapability } from '@onair/runtime';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket } from 'ws';
import type { ClientProtocol, HubConnection } from './hub';
import { TokenBucket } from './token-bucket';

const capabilitySets = new Map<string, readonly ChatCapability[]>();
const NO_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze({});

/**
 * One frozen array per distinct set of capabilities, shared by every socket that has it (there
 * are at most eight sets), instead of a copy per socket parsed from its token.
 */
export function sharedCapabilities(caps: readonly ChatCapability[]): readonly ChatCapability[] {
  const key = caps.join(',');
  let set = capabilitySets.get(key);
  if (!set) {
    set = Object.freeze([...caps]);
    if (capabilitySets.size < 16) capabilitySets.set(key, set);
  }
  return set;
}

/** An accepted socket and who is on it, as the upgrade found them. */
export interface WsConnectionOptions {
  ws: WebSocket;
  /** The upgraded TCP socket under `ws`. */
  socket: Duplex;
  userId: string;
  protocol: ClientProtocol;
  /** What the token allows (SEND_MESSAGE, DELETE_MESSAGE, DISCONNECT_USER). */
  capabilities: readonly ChatCapability[];
  /** Sent with each message as the sender's attributes. */
  attributes: Record<string, string>;
  /** Epoch ms when the chat session ends (IVS protocol); undefined when it does not. */
  sessionEndsAt?: number;
  /** The per-connection message rate limit (bursts of twice as many). */
  messagesPerSecond: number;
  /** How long a close this side started may wait for the client's close frame (default 2 s). */
  closeTimeoutMs?: number;
}

/**
 * The connection each `ws` socket belongs to, so listeners can be one function shared by every
 * socket (`this` is the socket) instead of a closure (and its scope) kept per socket.
 */
const connections = new WeakMap<WebSocket, WsConnection>();

/** The connection on `ws` (undefined for a socket that never became one). */
export function connectionOf(ws: WebSocket): WsConnection | undefined {
  return connections.get(ws);
}

/** A frame's bytes as text (`ws` hands over one Buffer for a whole, possibly fragmented, message). */
export function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/**
 * One client socket and who is on it. A class, not an object of closures: with thousands of idle
 * sockets per gateway, what each one holds is what the gateway's memory is (measured in
 * bench/chat-fanout), so it keeps only what later frames need, and shares what sockets have in
 * common (capability sets, the room id, no attributes).
 */
export class WsConnection implements HubConnection {
  readonly id = randomUUID();
  roomId?: string;
  lastSeq = 0;
  pending?: Array<{ seq?: number; frame: string | Buffer }>;
  /** The first room sequence number written to it since it joined its room (see Hub.answer). */
  firstSeq?: number;
  /** RequestIds of the messages this socket sent lately (made on the first send). */
  private requestIds?: Set<string>;
  /** RequestIds whose send is on its way to chat-svc (see beginSend). */
  private inFlight?: Set<string>;
  /** Answered the last ping (the sweep drops sockets that did not). */
  alive = true;
  lastPingAt = Date.now();
  private bucket?: TokenBucket;
  private joinBucket?: TokenBucket;
  /** What the token allows (SEND_MESSAGE, DELETE_MESSAGE, DISCONNECT_USER). */
  readonly capabilities: readonly ChatCapability[];
  /** Sent with each message as the sender's attributes (display name and the like). */
  readonly attributes: Readonly<Record<string, string>>;

  readonly ws: WebSocket;
  /** The upgraded TCP socket under `ws` (for `sendFramed`). */
  private readonly socket: Duplex;
  readonly userId: string;
  readonly protocol: ClientProtocol;
  /** Epoch ms when the chat session ends (IVS protocol), else undefined. */
  readonly sessionEndsAt: number | undefined;
  private readonly messagesPerSecond: number;
  /** How long a close this side started may wait for the client's close frame (then: destroyed). */
  private readonly closeTimeoutMs: number;

  constructor(o: WsConnectionOptions) {
    this.ws = o.ws;
    this.socket = o.socket;
    this.userId = o.userId;
    this.protocol = o.protocol;
    this.sessionEndsAt = o.sessionEndsAt;
    this.messagesPerSecond = o.messagesPerSecond;
    this.closeTimeoutMs = o.closeTimeoutMs ?? 2000;
    this.capabilities = sharedCapabilities(o.capabilities);
    this.attributes = Object.keys(o.attributes).length ? o.attributes : NO_ATTRIBUTES;
    connections.set(this.ws, this);
  }

  /** Destroys the socket when the client does not finish a close in time. */
  private closeTimer?: NodeJS.Timeout;

  /** A text frame; nothing once the socket is closing (a late reply to a closed client is dropped). */
  send(text: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  /**
   * A whole frame, written straight to the TCP socket `ws` runs on: safe because this gateway's
   * `ws` never holds frames back (no compression, no Blobs), so every frame it writes is written
   * whole and in call order, and none goes out once the socket is closing.
   */
  sendFramed(frame: Buffer): void {
    if (this.ws.readyState === WebSocket.OPEN) this.socket.write(frame);
  }

  /**
   * A clean close. The code and reason may come from elsewhere (a moderator's reason, a bus
   * message): `ws` throws on an invalid code or a reason over 123 bytes, so both are made valid
   * here, and a socket that cannot be closed cleanly is dropped. A client that does not answer
   * the close (one that stopped reading never will) loses its TCP socket after `closeTimeoutMs`,
   * not after the 30 s `ws` would wait.
   */
  close(code: number, reason: string): void {
    try {
      this.ws.close(validCloseCode(code) ? code : 1000, utf8Prefix(String(reason), 123));
    } catch {
      this.ws.terminate();
      return;
    }
    if (this.closeTimer || this.ws.readyState === WebSocket.CLOSED) return;
    this.closeTimer = setTimeout(() => this.ws.terminate(), this.closeTimeoutMs);
    this.closeTimer.unref();
    this.ws.once('close', () => clearTimeout(this.closeTimer));
  }

  bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /**
   * Note a RequestId this socket sends; true when it sent it before (a resend on this socket,
   * which gets an answer of its own). The last 256 are remembered.
   */
  /**
   * Begin a send of `requestId` to chat-svc; false when one is already on its way from this
   * socket (a client resending before its answer came): that send's answer answers both, so a
   * slow client never gets the same message twice. `settled` ends it.
   */
  beginSend(requestId: string): boolean {
    this.inFlight ??= new Set();
    if (this.inFlight.has(requestId)) return false;
    this.inFlight.add(requestId);
    return true;
  }

  settled(requestId: string): void {
    this.inFlight?.delete(requestId);
  }

  sent(requestId: string): boolean {
    this.requestIds ??= new Set();
    if (this.requestIds.has(requestId)) return true;
    this.requestIds.add(requestId);
    if (this.requestIds.size > 256) this.requestIds.delete(this.requestIds.values().next().value as string);
    return false;
  }

  /** The per-connection rate limit, made on the first message (most sockets only listen). */
  limiter(): TokenBucket {
    this.bucket ??= new TokenBucket(this.messagesPerSecond, this.messagesPerSecond * 2);
    return this.bucket;
  }

  /** The per-connection limit on seed 003 joins, made on the first join. */
  joinLimiter(joinsPerSecond: number, burst: number): TokenBucket {
    this.joinBucket ??= new TokenBucket(joinsPerSecond, burst);
    return this.joinBucket;
  }
}

/** RFC 6455 7.4: the codes an endpoint may send in a close frame. */
function validCloseCode(code: number): boolean {
  return (
    Number.isInteger(code) &&
    ((code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
      (code >= 3000 && code <= 4999))
  );
}

/** The longest prefix of whole characters that is at most `max` bytes of UTF-8. */
export function utf8Prefix(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  let bytes = 0;
  let out = '';
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > max) break;
    bytes += n;
    out += ch;
  }
  return out;
}
