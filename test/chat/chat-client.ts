// A small client of onair's native chat for the outside-in chat tests: rooms and tokens over
// REST, sockets on the IVS Chat protocol (`/v1/chat/ws`) that keep every frame they get.
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

export interface Frame {
  Type?: string;
  Id?: string;
  RequestId?: string;
  Content?: string;
  ErrorCode?: number;
  ErrorMessage?: string;
  EventName?: string;
  Attributes?: Record<string, string>;
  [k: string]: unknown;
}

export interface ChatSocket {
  userId: string;
  ws: WebSocket;
  frames: Frame[];
  /** The room sequence numbers of the MESSAGE frames received, in arrival order. */
  seqs(): number[];
  /** The MESSAGE frame that answers this RequestId (the sender's echo), if it came. */
  echoOf(requestId: string): Frame | undefined;
  errorsOf(requestId: string): Frame[];
  /** Send SEND_MESSAGE; returns its RequestId (a new one unless given: a resend passes the old one). */
  send(content: string, requestId?: string): string;
  closed: Promise<{ code: number; reason: string }>;
}

const isFrame = (v: unknown): v is Frame => typeof v === 'object' && v !== null && !Array.isArray(v);

export const seqOf = (f: Frame): number => Number(f.Attributes?.['onair:seq']);

export function chatApi(gatewayUrl: string, token: (user: string, roles: string[]) => Promise<string>) {
  const call = async (user: string, path: string, body: unknown) => {
    const r = await fetch(`${gatewayUrl}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await token(user, ['streamer'])}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    const text = await r.text();
    if (r.status >= 300) throw new Error(`POST ${path} answered ${r.status}: ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  const wsUrl = gatewayUrl.replace(/^http/, 'ws');
  return {
    /** A native room owned by `owner`; returns its id. */
    async createRoom(owner: string, name: string, settings: Record<string, unknown> = {}): Promise<string> {
      const room = await call(owner, '/v1/chat/rooms', { name, provider: 'native', settings });
      return String(room.roomId);
    },
    async chatToken(user: string, roomId: string): Promise<string> {
      return String((await call(user, `/v1/chat/rooms/${roomId}/tokens`, {})).token);
    },
    /** History as the REST route gives it (every page). */
    async history(
      user: string,
      roomId: string,
    ): Promise<Array<{ seq: number; messageId: string; requestId: string }>> {
      const out: Array<{ seq: number; messageId: string; requestId: string }> = [];
      let after = 0;
      for (;;) {
        const r = await fetch(`${gatewayUrl}/v1/chat/rooms/${roomId}/messages?after=${after}&limit=100`, {
          headers: { authorization: `Bearer ${await token(user, ['streamer'])}` },
        });
        if (r.status !== 200) throw new Error(`history answered ${r.status}: ${await r.text()}`);
        const page = (await r.json()) as {
          messages: Array<{ seq: number; messageId: string; requestId: string }>;
          hasMore: boolean;
          nextAfter?: number;
        };
        out.push(...page.messages);
        if (!page.hasMore || page.nextAfter === undefined) return out;
        after = page.nextAfter;
      }
    },
    async connect(user: string, roomId: string, opts: { since?: number } = {}): Promise<ChatSocket> {
      const token = await this.chatToken(user, roomId);
      const url = `${wsUrl}/v1/chat/ws${opts.since !== undefined ? `?since=${opts.since}` : ''}`;
      const ws = new WebSocket(url, token);
      const frames: Frame[] = [];
      ws.on('message', (d) => {
        const v: unknown = JSON.parse(d.toString());
        if (isFrame(v)) frames.push(v);
      });
      const closed = new Promise<{ code: number; reason: string }>((resolve) =>
        ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
      );
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      const messages = () => frames.filter((f) => f.Type === 'MESSAGE');
      return {
        userId: user,
        ws,
        frames,
        closed,
        seqs: () => messages().map(seqOf),
        echoOf: (rid) => messages().find((f) => f.RequestId === rid),
        errorsOf: (rid) => frames.filter((f) => f.Type === 'ERROR' && f.RequestId === rid),
        send(content, requestId = randomUUID()) {
          ws.send(JSON.stringify({ Action: 'SEND_MESSAGE', RequestId: requestId, Content: content }));
          return requestId;
        },
      };
    },
  };
}
