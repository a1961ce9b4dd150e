import { WebhookReceiver } from 'livekit-server-sdk';

/** Port: checks a LiveKit webhook (JWT in Authorization, sha256 claim = hash of the raw body). */
export interface WebhookVerifier {
  /** Resolves when authentic; rejects with the reason otherwise. */
  verify(rawBody: string, authorization: string | undefined): Promise<void>;
}

/** The real WebhookReceiver: JWT first, then the body hash (reference/livekit.md (a)). */
export class LiveKitWebhookVerifier implements WebhookVerifier {
  private readonly receiver: WebhookReceiver;
  constructor(apiKey: string, apiSecret: string) {
    this.receiver = new WebhookReceiver(apiKey, apiSecret);
  }
  async verify(rawBody: string, authorization: string | undefined): Promise<void> {
    await this.receiver.receive(rawBody, authorization);
  }
}

/** Webhook ids this instance already published, bounded (LiveKit retries and duplicates them). */
export class RecentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly capacity = 10_000) {}
  has(id: string): boolean {
    return this.ids.has(id);
  }
  add(id: string): void {
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
  }
}
