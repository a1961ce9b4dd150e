import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import type { ClientProtocol, HubConnection } from './hub';
import { TokenBucket } from './rate-limit';

/**
 * One client socket. A class, not an object of closures: with thousands of idle sockets per
 * gateway, what each one holds is what the gateway's memory is (measured in bench/chat-fanout).
 */
export class WsConnection implements HubConnection {
  readonly id = randomUUID();
  roomId?: string;
  lastSeq = 0;
  pending?: Array<{ seq?: number; frame: string }>;
  /** Answered the last ping (the sweep drops sockets that did not). */
  alive = true;
  lastPingAt = Date.now();
  private bucket?: TokenBucket;

  constructor(
    readonly ws: WebSocket,
    readonly userId: string,
    readonly protocol: ClientProtocol,
    /** Epoch ms when the chat session ends (IVS protocol), else undefined. */
    readonly sessionEndsAt: number | undefined,
    private readonly messagesPerSecond: number,
  ) {}

  send(frame: string): void {
    this.ws.send(frame);
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
