import { createHash, timingSafeEqual } from 'node:crypto';
import { TokenVerifier } from 'livekit-server-sdk';

/** Port: checks a LiveKit webhook (JWT in Authorization, sha256 claim = hash of the raw body). */
export interface WebhookVerifier {
  /**
   * Resolves when authentic; rejects otherwise with the reason, for our logs only (it names
   * what failed: the caller gets a plain "invalid signature"). It does not parse the body.
   */
  verify(rawBody: string, authorization: string | undefined): Promise<void>;
}

/**
 * What livekit-server-sdk's WebhookReceiver checks (docs/protocols/livekit.md#webhooks): the JWT signed
 * with the API secret, then its sha256 claim against the hash of the exact body bytes. Unlike
 * WebhookReceiver.receive it stops there: parsing the body is the route's job, so a signed body
 * that is not a webhook is a 400, not a failed verification.
 */
export class LiveKitWebhookVerifier implements WebhookVerifier {
  private readonly tokens: TokenVerifier;
  constructor(apiKey: string, apiSecret: string) {
    this.tokens = new TokenVerifier(apiKey, apiSecret);
  }
  async verify(rawBody: string, authorization: string | undefined): Promise<void> {
    if (!authorization) throw new Error('authorization header is empty');
    const claims = await this.tokens.verify(authorization);
    // The claim is compared as the SDK does: the exact base64 text of the body's hash.
    const expected = Buffer.from(createHash('sha256').update(rawBody, 'utf8').digest('base64'));
    const claimed = Buffer.from(typeof claims.sha256 === 'string' ? claims.sha256 : '');
    if (claimed.length !== expected.length || !timingSafeEqual(claimed, expected))
      throw new Error('sha256 checksum of body does not match');
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
