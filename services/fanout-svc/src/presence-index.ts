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
  /** gatewayId -> connectionId + roomId -> membership: what each gateway's snapshot replaces. */
  private readonly byGateway = new Map<string, Map<string, Membership>>();
  /**
   * roomId -> gatewayId -> userId -> sockets: what an event's routing reads, so finding a room's
   * gateways costs what the room has, not every socket this fanout knows of (it is asked once
   * per event; memberships change only on joins, leaves and snapshots).
   */
  private readonly byRoom = new Map<string, Map<string, Map<string, number>>>();
  private readonly expiresAt = new Map<string, number>();

  join(gatewayId: string, m: Membership): void {
    const memberships = this.gateway(gatewayId);
    const k = key(m);
    const was = memberships.get(k);
    if (was?.userId === m.userId) return;
    if (was) this.unindex(gatewayId, was);
    memberships.set(k, m);
    this.index(gatewayId, m);
  }

  leave(gatewayId: string, m: Membership): void {
    const memberships = this.byGateway.get(gatewayId);
    const k = key(m);
    const was = memberships?.get(k);
    if (!memberships || !was) return;
    memberships.delete(k);
    this.unindex(gatewayId, was);
  }

  snapshot(gatewayId: string, memberships: Membership[], ttlSeconds: number, now = Date.now()): void {
    this.forget(gatewayId);
    for (const m of memberships) this.join(gatewayId, m);
    this.expiresAt.set(gatewayId, now + ttlSeconds * 1000);
  }

  /** Forget gateways whose last snapshot is older than their TTL. Returns the ones dropped. */
  expire(now = Date.now()): string[] {
    const gone: string[] = [];
    for (const [gw, at] of this.expiresAt) {
      if (at < now) {
        this.forget(gw);
        this.expiresAt.delete(gw);
        gone.push(gw);
      }
    }
    return gone;
  }

  /** The gateways holding at least one socket in the room (optionally: of one of these users). */
  gatewaysFor(roomId: string, userIds?: string[]): string[] {
    const out: string[] = [];
    for (const [gw, users] of this.byRoom.get(roomId) ?? []) {
      if (!userIds || userIds.some((u) => users.has(u))) out.push(gw);
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

  /** Drop every membership of a gateway. */
  private forget(gatewayId: string): void {
    for (const m of this.byGateway.get(gatewayId)?.values() ?? []) this.unindex(gatewayId, m);
    this.byGateway.delete(gatewayId);
  }

  private index(gatewayId: string, m: Membership): void {
    let gateways = this.byRoom.get(m.roomId);
    if (!gateways) {
      gateways = new Map();
      this.byRoom.set(m.roomId, gateways);
    }
    let users = gateways.get(gatewayId);
    if (!users) {
      users = new Map();
      gateways.set(gatewayId, users);
    }
    users.set(m.userId, (users.get(m.userId) ?? 0) + 1);
  }

  private unindex(gatewayId: string, m: Membership): void {
    const gateways = this.byRoom.get(m.roomId);
    const users = gateways?.get(gatewayId);
    const n = users?.get(m.userId);
    if (!gateways || !users || n === undefined) return;
    if (n > 1) users.set(m.userId, n - 1);
    else users.delete(m.userId);
    if (users.size === 0) gateways.delete(gatewayId);
    if (gateways.size === 0) this.byRoom.delete(m.roomId);
  }
}

const key = (m: Membership) => `${m.connectionId}\u0000${m.roomId}`;
