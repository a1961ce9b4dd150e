import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';

/**
 * The gateway instances fanout has heard from lately, kept in fanout-svc's table so that a
 * fanout that (re)starts knows whose presence snapshots to wait for before it routes anything.
 * Items: PK = GATEWAY#<gatewayId>, SK = GATEWAY, expiresAt (epoch ms: its last snapshot's TTL).
 */
export interface GatewayRegistry {
  /** A snapshot came from this gateway; it counts as alive until `expiresAt` (epoch ms). */
  seen(gatewayId: string, expiresAt: number): Promise<void>;
  /** The gateways whose last snapshot has not expired at `now`. */
  live(now: number): Promise<string[]>;
  /** These gateways stopped sending snapshots. */
  forget(gatewayIds: string[]): Promise<void>;
}

const key = (gatewayId: string) => ({ PK: `GATEWAY#${gatewayId}`, SK: 'GATEWAY' });

export class DynamoGatewayRegistry implements GatewayRegistry {
  /** The expiry last written per gateway: a snapshot every 10 s need not be a write every 10 s. */
  private readonly written = new Map<string, number>();

  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async seen(gatewayId: string, expiresAt: number): Promise<void> {
    const last = this.written.get(gatewayId);
    const now = Date.now();
    // Written again once the stored expiry has less than half of the new lifetime left.
    if (last !== undefined && last - now >= (expiresAt - now) / 2) return;
    await this.ddb.send(
      new PutCommand({ TableName: this.table, Item: { ...key(gatewayId), gatewayId, expiresAt } }),
    );
    this.written.set(gatewayId, expiresAt);
  }

  async live(now: number): Promise<string[]> {
    const alive: string[] = [];
    const expired: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.ddb.send(
        new ScanCommand({ TableName: this.table, ExclusiveStartKey: start, ConsistentRead: true }),
      );
      for (const it of page.Items ?? []) {
        if (it.SK !== 'GATEWAY' || typeof it.gatewayId !== 'string') continue;
        if (Number(it.expiresAt) > now) alive.push(it.gatewayId);
        else expired.push(it.gatewayId);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    await this.forget(expired);
    return alive.sort();
  }

  async forget(gatewayIds: string[]): Promise<void> {
    for (const gatewayId of gatewayIds) {
      this.written.delete(gatewayId);
      await this.ddb.send(new DeleteCommand({ TableName: this.table, Key: key(gatewayId) }));
    }
  }
}

/** For tests and a fanout without a table: remembers in memory. */
export class MemoryGatewayRegistry implements GatewayRegistry {
  readonly expiries = new Map<string, number>();
  async seen(gatewayId: string, expiresAt: number): Promise<void> {
    this.expiries.set(gatewayId, expiresAt);
  }
  async live(now: number): Promise<string[]> {
    return [...this.expiries]
      .filter(([, at]) => at > now)
      .map(([id]) => id)
      .sort();
  }
  async forget(gatewayIds: string[]): Promise<void> {
    for (const id of gatewayIds) this.expiries.delete(id);
  }
}
