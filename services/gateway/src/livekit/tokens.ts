import { AccessToken } from 'livekit-server-sdk';

/** What a participant may do in a room (LiveKit VideoGrant fields; roomJoin is always set). */
export interface JoinGrants {
  canPublish: boolean;
  canSubscribe: boolean;
  canPublishData: boolean;
}

export interface JoinTokenRequest {
  room: string;
  identity: string;
  name?: string;
  metadata?: string;
  grants: JoinGrants;
  ttlSeconds: number;
}

/** Port: mints LiveKit join tokens. */
export interface JoinTokens {
  mint(r: JoinTokenRequest): Promise<string>;
}

/** The message livekit-server-sdk throws for a join token without identity (seed 004 shows it). */
export const IDENTITY_REQUIRED = 'identity is required for join but not set';

/** JoinTokens with the real AccessToken (HS256 with the API secret, docs/protocols/livekit.md#access-tokens). */
export class LiveKitJoinTokens implements JoinTokens {
  constructor(
    private readonly apiKey: string,
    private readonly apiSecret: string,
  ) {}

  async mint(r: JoinTokenRequest): Promise<string> {
    const at = new AccessToken(this.apiKey, this.apiSecret, {
      identity: r.identity,
      ttl: r.ttlSeconds,
      ...(r.name ? { name: r.name } : {}),
      ...(r.metadata ? { metadata: r.metadata } : {}),
    });
    // Explicit booleans: when neither canPublish nor canSubscribe is set LiveKit turns both on.
    at.addGrant({ roomJoin: true, room: r.room, ...r.grants });
    return at.toJwt();
  }
}

/** A publisher's grants: everything a participant can do (the seeds gave these to everyone). */
export const FULL_GRANTS: JoinGrants = { canPublish: true, canSubscribe: true, canPublishData: true };
/** A viewer only subscribes. */
export const VIEWER_GRANTS: JoinGrants = { canPublish: false, canSubscribe: true, canPublishData: false };
export const SEED_TOKEN_TTL_S = 24 * 3600;
