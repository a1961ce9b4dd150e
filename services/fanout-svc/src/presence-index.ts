export interface Membership {
  connectionId: string;
  roomId: string;
  userId: string;
}

/**
 * Which gateway instance holds which room's and which user's sockets. Built from presence
 * events and replaced wholesale by each gateway's periodic snapshot, so it heals itself: a
 * fanout that restarts asks for snapshots, and a gateway that stops sending them (crashed)
 * expires after its TTL.
 */
export class PresenceIndex {
  /** gatewayId -> connectionId -> membership */
  private readonly byGateway = new Map<string, Map<string, Membership>>();
  private readonly expiresAt = new Map<string, number>();

  join(gatewayId: string, m: Membership): void {
    this.gateway(gatewayId).set(key(m), m);
  }

  leave(gatewayId: string, m: Membership): void {
    this.byGateway.get(gatewayId)?.delete(key(m));
  }

  snapshot(gatewayId: string, memberships: Membership[], ttlSeconds: number, now = Date.now()): void {
    this.byGateway.set(gatewayId, new Map(memberships.map((m) => [key(m), m])));
    this.expiresAt.set(gatewayId, now + ttlSeconds * 1000);
  }

  /** Forget gateways whose last snapshot is older than their TTL. Returns the ones dropped. */
  expire(now = Date.now()): string[] {
    const gone: string[] = [];
    for (const [gw, at] of this.expiresAt) {
      if (at < now) {
        this.byGateway.delete(gw);
        this.expiresAt.delete(gw);
        gone.push(gw);
      }
    }
    return gone;
  }

  /** The gateways holding at least one socket in the room (optionally: of one of these users). */
  gatewaysFor(roomId: string, userIds?: string[]): string[] {
    const users = userIds ? new Set(userIds) : undefined;
    const out: string[] = [];
    for (const [gw, conns] of this.byGateway) {
      for (const m of conns.values()) {
        if (m.roomId === roomId && (!users || users.has(m.userId))) {
          out.push(gw);
          break;
        }
      }
    }
    return out.sort();
  }

  size(): number {
    let n = 0;
    for (const c of this.byGateway.values()) n += c.size;
    return n;
  }

  private gateway(id: string): Map<string, Membership> {
    let g = this.byGateway.get(id);
    if (!g) {
      g = new Map();
      this.byGateway.set(id, g);
    }
    return g;
  }
}

const key = (m: Membership) => `${m.connectionId}\u0000${m.roomId}`;
