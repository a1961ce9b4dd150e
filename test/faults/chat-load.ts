import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { waitFor } from '../support';

/**
 * A chat load the way real clients make it, for the fault suite: native rooms, members on the
 * IVS Chat protocol socket (`/v1/chat/ws`), each message with its own RequestId, an unanswered
 * message resent with the same RequestId, a dropped socket reconnected with `?since=` the last
 * sequence number it saw. It counts what a user would notice: messages that were sent but
 * never answered (stuck), answered but not stored or not seen by a member (lost), seen twice or
 * stored twice (duplicated), and sequence numbers used up by resends (burned).
 */
export interface ChatLoadOptions {
  gatewayUrl: string;
  token(user: string, roles: string[]): Promise<string>;
  /** Distinguishes this load's rooms and users from another scenario's. */
  label: string;
  rooms: number;
  membersPerRoom: number;
  /** Messages per second over all members together. */
  ratePerSecond: number;
  /** Resend a message (same RequestId) when its echo has not come back for this long. */
  resendAfterMs?: number;
}

export interface ChatLoadCounts {
  sent: number;
  attempts: number;
  acked: number;
  stored: number;
  /** Acked but not in history, or in history but never seen (live or recovered) by a member. */
  lost: number;
  duplicated: number;
  /** Sent and never acked by the end of the drain. */
  stuck: number;
  /** Sequence numbers missing from a room's history (taken by something and not stored). */
  burnedSeqs: number;
  /** ERROR frames the members got (a refusal during an outage is fine: the client resends). */
  errors: number;
  /** ERROR frames by code and message (numbers masked), most frequent first. */
  errorKinds: Array<[string, number]>;
  reconnects: number;
}

interface Pending {
  content: string;
  firstSentAt: number;
  lastSentAt: number;
  /** Set by a refusal that says when to retry. */
  retryAt?: number;
}

interface MessageFrame {
  Type: 'MESSAGE';
  Id: string;
  RequestId?: string;
  Content: string;
  Attributes?: Record<string, string>;
}

function parseFrame(raw: string): { type: string; frame: Record<string, unknown> } | undefined {
  try {
    const v: unknown = JSON.parse(raw);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    const type = (v as { Type?: unknown }).Type;
    return typeof type === 'string' ? { type, frame: v as Record<string, unknown> } : undefined;
  } catch {
    return undefined;
  }
}

function isMessage(f: Record<string, unknown>): f is Record<string, unknown> & MessageFrame {
  return f.Type === 'MESSAGE' && typeof f.Id === 'string' && typeof f.Content === 'string';
}

class Member {
  ws: WebSocket | undefined;
  connected = false;
  closed = false;
  lastSeq = 0;
  /** message id -> times seen on this member's sockets (recovery included). */
  readonly seen = new Map<string, number>();
  readonly seenContents = new Set<string>();
  readonly pending = new Map<string, Pending>();
  readonly acked = new Set<string>();
  readonly ackTimes: number[] = [];
  errors = 0;
  readonly errorKinds = new Map<string, number>();
  reconnects = 0;

  constructor(
    readonly roomId: string,
    readonly userId: string,
    private readonly chatToken: () => Promise<string>,
    private readonly wsBase: string,
  ) {}

  async connect(): Promise<void> {
    if (this.closed) return;
    let token: string;
    try {
      token = await this.chatToken();
    } catch {
      this.scheduleReconnect();
      return;
    }
    const url = `${this.wsBase}/v1/chat/ws${this.lastSeq > 0 || this.reconnects > 0 ? `?since=${this.lastSeq}` : ''}`;
    const ws = new WebSocket(url, token);
    this.ws = ws;
    ws.on('open', () => {
      this.connected = true;
    });
    ws.on('message', (data) => this.onFrame(String(data)));
    ws.on('error', () => {
      // 'close' follows
    });
    ws.on('close', () => {
      this.connected = false;
      if (this.ws === ws) this.ws = undefined;
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    this.reconnects++;
    setTimeout(() => void this.connect(), 300 + Math.floor(Math.random() * 400)).unref();
  }

  private onFrame(raw: string): void {
    const f = parseFrame(raw);
    if (!f) return;
    if (f.type === 'ERROR') {
      this.errors++;
      const code = String(f.frame.ErrorCode ?? '?');
      const text = String(f.frame.ErrorMessage ?? '').replace(/\d+(\.\d+)?/g, 'N');
      const key = `${code} ${text}`.slice(0, 120);
      this.errorKinds.set(key, (this.errorKinds.get(key) ?? 0) + 1);
      // A refusal that says when to retry is honoured: the next resend waits that long.
      const requestId = typeof f.frame.RequestId === 'string' ? f.frame.RequestId : undefined;
      const p = requestId ? this.pending.get(requestId) : undefined;
      const retryIn = /retry in (\d+(?:\.\d+)?) s/.exec(String(f.frame.ErrorMessage ?? ''));
      if (p && retryIn) p.retryAt = Date.now() + Number(retryIn[1]) * 1000;
      return;
    }
    if (!isMessage(f.frame)) return;
    const m = f.frame;
    this.seen.set(m.Id, (this.seen.get(m.Id) ?? 0) + 1);
    this.seenContents.add(m.Content);
    const seq = Number(m.Attributes?.['onair:seq']);
    if (Number.isSafeInteger(seq) && seq > this.lastSeq) this.lastSeq = seq;
    if (m.RequestId && this.pending.has(m.RequestId)) {
      this.pending.delete(m.RequestId);
      this.acked.add(m.RequestId);
      this.ackTimes.push(Date.now());
    }
  }

  send(requestId: string, content: string): boolean {
    const ws = this.ws;
    if (!ws || !this.connected || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(
      JSON.stringify({ Action: 'SEND_MESSAGE', RequestId: requestId, Content: content, Attributes: {} }),
    );
    return true;
  }

  close(): void {
    this.closed = true;
    this.ws?.terminate();
  }
}

export class ChatLoad {
  private readonly members: Member[] = [];
  private readonly roomIds: string[] = [];
  private sender: NodeJS.Timeout | undefined;
  private resender: NodeJS.Timeout | undefined;
  private next = 0;
  private sent = 0;
  private attempts = 0;

  constructor(private readonly o: ChatLoadOptions) {}

  private async api(method: string, path: string, bearer: string, body?: unknown): Promise<unknown> {
    const r = await fetch(`${this.o.gatewayUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    if (!r.ok) throw new Error(`${method} ${path} answered ${r.status}: ${await r.text()}`);
    return r.status === 204 ? undefined : r.json();
  }

  /** Creates the rooms and connects every member; resolves when all are connected. */
  async start(): Promise<void> {
    const owner = await this.o.token(`${this.o.label}-owner`, ['streamer']);
    for (let r = 0; r < this.o.rooms; r++) {
      const room = await this.api('POST', '/v1/chat/rooms', owner, {
        name: `${this.o.label} room ${r}`,
        provider: 'native',
        settings: { maximumMessageRatePerSecond: 100 },
      });
      const roomId = String((room as { roomId: unknown }).roomId);
      this.roomIds.push(roomId);
      for (let i = 0; i < this.o.membersPerRoom; i++) {
        const userId = `${this.o.label}-r${r}-m${i}`;
        const bearer = await this.o.token(userId, ['streamer']);
        let cached: { token: string; until: number } | undefined;
        const chatToken = async () => {
          if (cached && cached.until > Date.now()) return cached.token;
          const t = await this.api('POST', `/v1/chat/rooms/${roomId}/tokens`, bearer);
          cached = { token: String((t as { token: unknown }).token), until: Date.now() + 5 * 60_000 };
          return cached.token;
        };
        this.members.push(new Member(roomId, userId, chatToken, this.o.gatewayUrl.replace(/^http/, 'ws')));
      }
    }
    await Promise.all(this.members.map((m) => m.connect()));
    await waitFor(() => this.members.every((m) => m.connected), {
      what: 'every member to connect',
      timeoutMs: 30_000,
    });
  }

  /** Starts sending at the configured rate, round robin over the members. */
  run(): void {
    const everyMs = 1000 / this.o.ratePerSecond;
    let due = Date.now();
    this.sender = setInterval(() => {
      while (due <= Date.now()) {
        due += everyMs;
        const m = this.members[this.next++ % this.members.length];
        if (!m?.connected) continue; // a client without a socket does not type
        const requestId = randomUUID();
        const content = `${this.o.label}:${requestId}`;
        if (m.send(requestId, content)) {
          this.sent++;
          this.attempts++;
          m.pending.set(requestId, { content, firstSentAt: Date.now(), lastSentAt: Date.now() });
        }
      }
    }, 20);
    const resendAfter = this.o.resendAfterMs ?? 2000;
    this.resender = setInterval(() => {
      const now = Date.now();
      for (const m of this.members)
        for (const [requestId, p] of m.pending)
          if (
            (p.retryAt === undefined ? now - p.lastSentAt >= resendAfter : now >= p.retryAt) &&
            m.send(requestId, p.content)
          ) {
            p.lastSentAt = now;
            p.retryAt = undefined;
            this.attempts++;
          }
    }, 200);
  }

  /** Stops new messages; resends go on until stop(). */
  pause(): void {
    clearInterval(this.sender);
  }

  /** Milliseconds from `since` until the first answer to a message first sent after it. */
  recoveredAfter(since: number): number | undefined {
    let first: number | undefined;
    for (const m of this.members)
      for (const t of m.ackTimes) if (t >= since && (first === undefined || t < first)) first = t;
    return first === undefined ? undefined : first - since;
  }

  private async history(roomId: string): Promise<Array<{ id: string; seq: number; content: string }>> {
    const reader = await this.o.token(`${this.o.label}-owner`, ['streamer']);
    const out: Array<{ id: string; seq: number; content: string }> = [];
    let after = 0;
    for (;;) {
      const page = (await this.api(
        'GET',
        `/v1/chat/rooms/${roomId}/messages?after=${after}&limit=100`,
        reader,
      )) as {
        messages: Array<{ messageId: string; seq: number; content: string }>;
        hasMore: boolean;
        nextAfter?: number;
      };
      for (const m of page.messages) out.push({ id: m.messageId, seq: m.seq, content: m.content });
      if (!page.hasMore || page.nextAfter === undefined) return out;
      after = page.nextAfter;
    }
  }

  /**
   * Waits (up to `drainMs`) for every sent message to be answered and every stored message to
   * reach every member, then counts. Closes the members.
   */
  async finish(drainMs = 60_000): Promise<ChatLoadCounts> {
    this.pause();
    const deadline = Date.now() + drainMs;
    await waitFor(() => this.members.every((m) => m.pending.size === 0), {
      what: 'every message to be answered',
      timeoutMs: drainMs,
    }).catch(() => undefined);
    const histories = new Map<string, Array<{ id: string; seq: number; content: string }>>();
    const readAll = async () => {
      for (const roomId of this.roomIds) histories.set(roomId, await this.history(roomId));
    };
    const undelivered = () => {
      let n = 0;
      for (const m of this.members)
        for (const h of histories.get(m.roomId) ?? []) if (!m.seenContents.has(h.content)) n++;
      return n;
    };
    await waitFor(
      async () => {
        await readAll();
        return undelivered() === 0;
      },
      {
        what: 'every stored message to reach every member',
        timeoutMs: Math.max(1000, deadline - Date.now()),
      },
    ).catch(() => undefined);
    clearInterval(this.resender);
    await readAll();

    let acked = 0;
    let stuck = 0;
    let stored = 0;
    let duplicated = 0;
    let burnedSeqs = 0;
    let lost = undelivered();
    let errors = 0;
    let reconnects = 0;
    const kinds = new Map<string, number>();
    for (const roomId of this.roomIds) {
      const h = histories.get(roomId) ?? [];
      stored += h.length;
      const contents = new Set(h.map((m) => m.content));
      duplicated += h.length - contents.size;
      const seqs = h.map((m) => m.seq).sort((a, b) => a - b);
      const max = seqs.at(-1) ?? 0;
      burnedSeqs += max - new Set(seqs).size;
      for (const m of this.members.filter((x) => x.roomId === roomId)) {
        for (const requestId of m.acked) if (!contents.has(`${this.o.label}:${requestId}`)) lost++;
      }
    }
    for (const m of this.members) {
      acked += m.acked.size;
      stuck += m.pending.size;
      errors += m.errors;
      reconnects += m.reconnects;
      for (const [k, n] of m.errorKinds) kinds.set(k, (kinds.get(k) ?? 0) + n);
      for (const times of m.seen.values()) if (times > 1) duplicated += times - 1;
      m.close();
    }
    return {
      sent: this.sent,
      attempts: this.attempts,
      acked,
      stored,
      lost,
      duplicated,
      stuck,
      burnedSeqs,
      errors,
      errorKinds: [...kinds].sort((a, b) => b[1] - a[1]).slice(0, 5),
      reconnects,
    };
  }
}
