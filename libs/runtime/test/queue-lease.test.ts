// The lease that makes a queue single-active on SQS (sqs/queue-lease.ts), against dynalite with
// a clock the test moves: a crashed holder's lease is taken after its lifetime, never before, and
// a holder that cannot renew stops counting it as its own before anyone else may take it.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { startDynalite } from '../../../test/support/dynalite';
import { QueueLease, type QueueLeaseTable } from '../src/bus';
import { createDocumentClient, ensureTable } from '../src/dynamo';
import { silentLogger } from '../src/logger';

const TTL = 10_000;

describe('QueueLease (single-active queues on SQS)', () => {
  let db: Awaited<ReturnType<typeof startDynalite>>;
  let table: QueueLeaseTable;
  let clock: number;
  const leases: QueueLease[] = [];
  const lease = (owner: string, t: QueueLeaseTable = table, onLost?: () => void) => {
    const l = new QueueLease({
      table: t,
      queue: 'ns-chat-svc_p3-commands',
      owner,
      log: silentLogger,
      now: () => clock,
      onLost,
    });
    leases.push(l);
    return l;
  };

  beforeAll(async () => {
    db = await startDynalite();
  });
  afterAll(async () => db.close());
  beforeEach(async () => {
    const ddb = createDocumentClient({ region: 'us-east-1', endpoint: db.endpoint });
    table = { ddb, tableName: `leases-${randomUUID().slice(0, 8)}`, ttlMs: TTL };
    await ensureTable(ddb, { name: table.tableName });
    clock = 1_000_000;
  });
  afterEach(async () => {
    await Promise.all(leases.splice(0).map((l) => l.close()));
  });

  it('is held by one instance; a crashed holder is replaced only once its lease ran out', async () => {
    let lost = 0;
    const a = lease('a', table, () => lost++);
    const b = lease('b');
    expect(await a.renew()).toBe(true);
    expect(await b.renew()).toBe(false);
    clock += TTL / 4;
    expect(await a.renew()).toBe(true); // renewed: the expiry moves on
    clock += TTL - 1; // a "crashes": no renewal for almost a lifetime
    expect(await b.renew()).toBe(false);
    clock += 2;
    expect(await b.renew()).toBe(true);
    expect(b.held).toBe(true);
    // a comes back: the lease is b's now, and a says it lost it once.
    expect(await a.renew()).toBe(false);
    expect(a.held).toBe(false);
    expect(lost).toBe(1);
  });

  it('stops counting the lease as its own before it expires, when renewals fail', async () => {
    let lost = 0;
    const mine: QueueLeaseTable = { ...table };
    const a = lease('a', mine, () => lost++);
    expect(await a.renew()).toBe(true);
    // DynamoDB becomes unreachable for a.
    mine.ddb = DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1', maxAttempts: 1 }),
    );
    clock += TTL / 2;
    expect(await a.renew()).toBe(true); // still within its own margin
    clock += TTL * 0.3 + 1; // 0.8 of the lifetime: a fifth left for clocks that differ
    expect(await a.renew()).toBe(false);
    expect(lost).toBe(1);
    // Nobody else could take it yet at that moment: a had stopped first.
    expect(await lease('b').renew()).toBe(false);
  });

  it('is given up on close, so a standby takes over on its next try', async () => {
    const a = lease('a');
    const b = lease('b');
    expect(await a.renew()).toBe(true);
    expect(await b.renew()).toBe(false);
    await a.close();
    expect(a.held).toBe(false);
    expect(await b.renew()).toBe(true);
  });

  it('gives the lease up after a renewal that was under way when it closed (not lost, not left behind)', async () => {
    let lost = 0;
    const a = lease('a', table, () => lost++);
    const b = lease('b');
    expect(await a.renew()).toBe(true);
    const renewing = a.renew(); // in flight while the consumer stops
    await a.close();
    await renewing;
    expect(lost).toBe(0);
    expect(await b.renew()).toBe(true); // the item is gone, not renewed for another lifetime
  });

  it('wakes a consumer that stopped when its window ran out between two renewals, once one lands', async () => {
    const a = lease('a');
    expect(await a.renew()).toBe(true);
    clock += TTL * 0.9; // renewals slow or failing: past the holder's own window, not the expiry
    expect(a.held).toBe(false);
    let woke = false;
    const waiting = a.whenHeld(new AbortController().signal).then(() => {
      woke = true;
    });
    expect(await a.renew()).toBe(true); // still its own on the server: renewed
    await waiting;
    expect(woke).toBe(true);
  });

  it('wakes a waiting consumer when the lease becomes its own, or when it stops', async () => {
    const a = lease('a');
    const b = lease('b');
    await a.renew();
    const stop = new AbortController();
    let woke = false;
    const waiting = b.whenHeld(stop.signal).then(() => {
      woke = true;
    });
    await b.renew();
    await Promise.resolve();
    expect(woke).toBe(false);
    await a.close();
    await b.renew();
    await waiting;
    expect(b.held).toBe(true);
    const other = lease('c');
    const aborted = other.whenHeld(stop.signal);
    stop.abort();
    await aborted; // resolves: the consumer is stopping
    expect(other.held).toBe(false);
  });

  it('never has two holders, whatever the renewals, failures and clocks up to a fifth of a lifetime apart (generated)', async () => {
    // A DynamoDB that is unreachable for one instance now and then.
    const down = DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1', maxAttempts: 1 }),
    );
    const step = fc.record({
      who: fc.constantFrom(0, 1),
      action: fc.constantFrom('renew', 'renew', 'fail', 'close'),
      // Short steps, and steps near a lifetime (where a lease runs out and another may take it).
      advanceMs: fc.oneof(
        fc.integer({ min: 0, max: TTL / 4 }),
        fc.integer({ min: TTL * 0.7, max: TTL * 1.1 }),
      ),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -TTL / 5, max: TTL / 5 }),
        fc.array(step, { minLength: 1, maxLength: 25 }),
        async (skew, steps) => {
          const tableName = `leases-${randomUUID().slice(0, 8)}`;
          await ensureTable(table.ddb, { name: tableName });
          let now = 1_000_000;
          const tables = [0, 1].map((): QueueLeaseTable => ({ ddb: table.ddb, tableName, ttlMs: TTL }));
          const make = (i: number) =>
            new QueueLease({
              table: tables[i],
              queue: 'q',
              owner: `i${i}-${randomUUID().slice(0, 4)}`,
              log: silentLogger,
              now: () => now + (i === 1 ? skew : 0), // instance 1's clock is off by `skew`
            });
          const pair = [make(0), make(1)];
          for (const s of steps) {
            now += s.advanceMs;
            const l = pair[s.who];
            if (s.action === 'close') {
              await l.close();
              pair[s.who] = make(s.who); // the instance starts again
              continue;
            }
            tables[s.who].ddb = s.action === 'fail' ? down : table.ddb;
            await l.renew();
            expect(pair[0].held && pair[1].held).toBe(false);
          }
          await Promise.all(pair.map((l) => l.close()));
        },
      ),
      { numRuns: 100 },
    );
    down.destroy();
  });
});
