import { randomUUID } from 'node:crypto';
import type { ChatCapability } from '@onair/runtime';
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { ClientProtocol, HubConnection } from './hub';
import { TokenBucket } from './rate-limit';

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
  /** Answered the last ping (the sweep drops sockets that did not). */
  alive = true;
  lastPingAt = Date.now();
  private bucket?: TokenBucket;
  /** What the token allows (SEND_MESSAGE, DELETE_MESSAGE, DISCONNECT_USER). */
  readonly capabilities: readonly ChatCapability[];
  /** Sent with each message as the sender's attributes (display name and the like). */
  readonly attributes: Readonly<Record<string, string>>;

  constructor(
    readonly ws: WebSocket,
    /** The upgraded TCP socket under `ws` (for `sendFramed`). */
    private readonly socket: Duplex,
    readonly userId: string,
    readonly protocol: ClientProtocol,
    capabilities: readonly ChatCapability[],
    attributes: Record<string, string>,
    /** Epoch ms when the chat session ends (IVS protocol), else undefined. */
    readonly sessionEndsAt: number | undefined,
    private readonly messagesPerSecond: number,
  ) {
    this.capabilities = sharedCapabilities(capabilities);
    this.attributes = Object.keys(attributes).length ? attributes : NO_ATTRIBUTES;
  }

  send(text: string): void {
    this.ws.send(text);
  }

  /**
   * A whole frame, written straight to the TCP socket `ws` runs on: safe because this gateway's
   * `ws` never holds frames back (no compression, no Blobs), so every frame it writes is written
   * whole and in call order, and none goes out once the socket is closing.
   */
  sendFramed(frame: Buffer): void {
    if (this.ws.readyState === WebSocket.OPEN) this.socket.write(frame);
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason.slice(0, 120));
  }

  bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /** The per-connection rate limit, made on the first message (most sockets only listen). */
  limiter(): TokenBucket {
    this.bucket ??= new TokenBucket(this.messagesPerSecond, this.messagesPerSecond * 2);
    return this.bucket;
  }
}
