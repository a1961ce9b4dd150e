// Signed webhook delivery as livekit-server does it (protocol/webhook): the body is the protojson of
// a livekit.WebhookEvent (camelCase, zero values omitted, int64 as strings, enums as names), POSTed
// with `Content-Type: application/webhook+json` and `Authorization: <bare JWT>` whose `sha256` claim
// is the base64 SHA-256 of the body. Events go out one at a time in emission order; failures
// (network, 429, 5xx except 501) are retried a few times, faster than the real 1 s..30 s backoff.
import { randomBytes } from 'node:crypto';
import {
  type EgressInfo,
  type ParticipantInfo,
  type Room,
  type RoomEndReason,
  WebhookEvent,
} from '@livekit/protocol';
import { type ApiKeys, signWebhook } from './auth';
import type { FaultBook, WebhookEventName } from './faults';

export type WebhookStatus = 'pending' | 'delivered' | 'failed' | 'dropped' | 'no_url';

export interface SentWebhook {
  id: string;
  event: string;
  /** The exact body POSTed (what WebhookReceiver.receive must be given). */
  body: string;
  /** The body parsed, for assertions. */
  payload: Record<string, unknown>;
  /** The Authorization header value (a JWT, no `Bearer `). */
  authorization: string;
  url?: string;
  /** dropped = lost by an injected fault; no_url = no webhook URL was configured. */
  status: WebhookStatus;
  /** Successful POSTs (2 when a duplicate fault hit it). */
  deliveries: number;
  attempts: number;
  httpStatus?: number;
  error?: string;
}

const MAX_ATTEMPTS = 5; // go-retryablehttp default: 1 try + 4 retries
const RETRY_BASE_MS = 50;
const REQUEST_TIMEOUT_MS = 5_000;

/** Resource ids in the style of livekit's utils.NewGuid: prefix + 12 base62-ish chars. */
export function newGuid(prefix: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return prefix + Array.from(randomBytes(12), (b) => alphabet[b % alphabet.length]).join('');
}

export class WebhookSender {
  readonly sent: SentWebhook[] = [];
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly keys: ApiKeys,
    private readonly faults: FaultBook,
    public url: string | undefined,
  ) {}

  /** Stamps id/createdAt, records the event and queues its delivery. */
  emit(init: {
    event: WebhookEventName;
    room?: Room;
    participant?: ParticipantInfo;
    egressInfo?: EgressInfo;
    roomEndReason?: RoomEndReason;
  }): void {
    const event = new WebhookEvent({
      ...init,
      id: newGuid('EV_'),
      createdAt: BigInt(Math.floor(Date.now() / 1000)),
    });
    const body = event.toJsonString();
    const record: SentWebhook = {
      id: event.id,
      event: event.event,
      body,
      payload: JSON.parse(body) as Record<string, unknown>,
      authorization: '',
      url: this.url,
      status: 'pending',
      deliveries: 0,
      attempts: 0,
    };
    this.sent.push(record);
    const fault = this.faults.takeWebhookFault(event.event);
    this.queue = this.queue.then(() => this.deliver(record, fault));
  }

  /** Resolves once every queued webhook has been delivered, dropped or given up on. */
  idle(): Promise<void> {
    return this.queue;
  }

  close(): void {
    this.closed = true;
  }

  private async deliver(record: SentWebhook, fault: 'drop' | 'duplicate' | undefined): Promise<void> {
    record.authorization = await signWebhook(record.body, this.keys);
    if (fault === 'drop') {
      record.status = 'dropped';
      return;
    }
    if (!record.url) {
      record.status = 'no_url';
      return;
    }
    for (let copy = 0; copy < (fault === 'duplicate' ? 2 : 1); copy++) {
      if (!(await this.post(record, record.url))) return;
    }
  }

  /** One delivery with retries; false when it finally failed. */
  private async post(record: SentWebhook, url: string): Promise<boolean> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS && !this.closed; attempt++) {
      record.attempts++;
      let retryable = true;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            Authorization: record.authorization,
            'Content-Type': 'application/webhook+json',
            'User-Agent': 'LiveKit',
          },
          body: record.body,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        await res.arrayBuffer().catch(() => undefined);
        record.httpStatus = res.status;
        if (res.ok) {
          record.deliveries++;
          record.status = 'delivered';
          record.error = undefined;
          return true;
        }
        record.error = `HTTP ${res.status}`;
        retryable = res.status === 429 || (res.status >= 500 && res.status !== 501);
      } catch (err) {
        record.error = (err as Error).message;
      }
      if (!retryable) break;
      if (attempt < MAX_ATTEMPTS) await new Promise((r) => setTimeout(r, RETRY_BASE_MS * 2 ** (attempt - 1)));
    }
    record.status = 'failed';
    return false;
  }
}
