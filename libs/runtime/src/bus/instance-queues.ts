import { DeleteRuleCommand, type EventBridgeClient, RemoveTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  DeleteQueueCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  type SQSClient,
  TagQueueCommand,
} from '@aws-sdk/client-sqs';
import { type Logger, silentLogger } from '../logger';
import { errorName, isMissingQueue } from './sqs/aws-errors';
import { sqsNames } from './sqs/names';

/**
 * Per-instance queues on SQS: what removes them once their instance is gone.
 *
 * A per-instance queue (a gateway's delivery queue, the presence and ban subscriptions of each
 * instance, every instance's reply queue, and their DLQs) lives as long as its instance. A clean
 * stop deletes it; a crash (kill -9, a lost host, an OOM kill) used to leave it behind for good,
 * since SQS queues never expire. So:
 *
 *   - each such queue carries a tag `onair-expires-at` (an ISO time, `expiryMs` ahead), which its
 *     instance renews every fifth of `expiryMs` while it runs: a live instance's queues always have
 *     an expiry at least four renewals ahead, so a few failed renewals in a row do no harm;
 *   - every instance sweeps now and then (every `sweepEveryMs`, with +-50% jitter so instances do
 *     not sweep together): it lists the namespace's queues and deletes those whose expiry has
 *     passed, with the EventBridge rule that feeds a subscriber queue (tag `onair-rule`).
 *
 * Queues without the tag (the services' command and event queues, their DLQs) are never touched.
 * The expiry is compared with the sweeper's clock: keep hosts' clocks in sync (NTP; on AWS they
 * are), well within the four renewals of margin. `npm run dlq -- sweep` runs one sweep by hand.
 */
export const EXPIRES_AT_TAG = 'onair-expires-at';
export const RULE_TAG = 'onair-rule';
export const EVENT_BUS_TAG = 'onair-event-bus';
export const INSTANCE_TAG = 'onair-instance';
/** Default expiry of a per-instance SQS queue whose instance stopped renewing it. */
export const DEFAULT_SQS_INSTANCE_QUEUE_EXPIRY_MS = 10 * 60_000;
export const DEFAULT_SWEEP_INTERVAL_MS = 5 * 60_000;

export interface SweepOptions {
  sqs: SQSClient;
  eventBridge: EventBridgeClient;
  namespace: string;
  /** The event bus of a rule whose queue has no `onair-event-bus` tag (default: the namespace). */
  eventBusName?: string;
  /** The time to compare expiries with (default now). */
  now?: number;
  log?: Logger;
}

export interface SweptQueue {
  name: string;
  url: string;
  expiredAt: string;
  rule?: string;
}

/**
 * Delete the namespace's per-instance queues whose expiry has passed (and their subscription
 * rules). Safe to run from any number of instances at once: deleting a deleted queue is a no-op.
 */
export async function sweepExpiredQueues(o: SweepOptions): Promise<SweptQueue[]> {
  const now = o.now ?? Date.now();
  const log = o.log ?? silentLogger;
  const swept: SweptQueue[] = [];
  for (const url of await listNamespaceQueues(o.sqs, o.namespace)) {
    let tags: Record<string, string>;
    try {
      tags = (await o.sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags ?? {};
    } catch (e) {
      if (isMissingQueue(e)) continue; // deleted meanwhile
      throw e;
    }
    const expiresAt = tags[EXPIRES_AT_TAG];
    const t = expiresAt ? Date.parse(expiresAt) : Number.NaN;
    if (Number.isNaN(t) || t > now) continue;
    const rule = tags[RULE_TAG];
    const eventBus = tags[EVENT_BUS_TAG] ?? o.eventBusName ?? o.namespace;
    if (rule) {
      try {
        await o.eventBridge.send(
          new RemoveTargetsCommand({ Rule: rule, EventBusName: eventBus, Ids: [sqsNames.ruleTargetId] }),
        );
      } catch (e) {
        if (!/ResourceNotFound/.test(errorName(e))) {
          // Keep the queue (and its tag naming the rule) for the next sweep.
          log.warn({ err: (e as Error).message, rule }, 'could not remove the rule of an expired queue');
          continue;
        }
      }
      await o.eventBridge
        .send(new DeleteRuleCommand({ Name: rule, EventBusName: eventBus }))
        .catch((e) => log.warn({ err: (e as Error).message, rule }, 'could not delete an expired rule'));
    }
    try {
      await o.sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    } catch (e) {
      if (!isMissingQueue(e)) throw e;
    }
    const name = queueNameOf(url);
    log.info(
      { queue: name, expiredAt: expiresAt, rule },
      'swept a per-instance queue whose instance is gone',
    );
    swept.push({ name, url, expiredAt: new Date(t).toISOString(), ...(rule ? { rule } : {}) });
  }
  return swept;
}

/** Every queue URL of the namespace (`<ns>-…`), all pages. */
export async function listNamespaceQueues(sqs: SQSClient, namespace: string): Promise<string[]> {
  const urls: string[] = [];
  let token: string | undefined;
  do {
    const r = await sqs.send(
      new ListQueuesCommand({ QueueNamePrefix: `${namespace}-`, MaxResults: 1000, NextToken: token }),
    );
    urls.push(...(r.QueueUrls ?? []));
    token = r.NextToken;
  } while (token);
  return urls;
}

export const queueNameOf = (url: string): string => url.slice(url.lastIndexOf('/') + 1);

export interface InstanceQueueLeasesOptions extends Omit<SweepOptions, 'now'> {
  instanceId: string;
  /** How long after its last renewal a queue may be swept. */
  expiryMs?: number;
  /** How often this instance sweeps (0: never). */
  sweepEveryMs?: number;
}

/** This instance's side: tag and renew its own per-instance queues, and sweep now and then. */
export class InstanceQueueLeases {
  private readonly held = new Map<string, { rule?: string }>();
  private readonly expiryMs: number;
  private readonly renewEveryMs: number;
  private readonly sweepEveryMs: number;
  private readonly log: Logger;
  private renewTimer?: NodeJS.Timeout;
  private sweepTimer?: NodeJS.Timeout;
  private sweeping?: Promise<unknown>;
  private closed = false;

  constructor(private readonly options: InstanceQueueLeasesOptions) {
    this.expiryMs = Math.max(1000, options.expiryMs ?? DEFAULT_SQS_INSTANCE_QUEUE_EXPIRY_MS);
    this.renewEveryMs = Math.floor(this.expiryMs / 5);
    this.sweepEveryMs = options.sweepEveryMs ?? DEFAULT_SWEEP_INTERVAL_MS;
    this.log = options.log ?? silentLogger;
  }

  /** Start sweeping (renewal starts with the first held queue). */
  start(): void {
    this.armSweep();
  }

  /**
   * Tag a per-instance queue with its expiry now, and keep renewing it. A failure is logged, not
   * thrown (the queue still works; the next renewal tags it).
   */
  async hold(url: string, opts: { rule?: string } = {}): Promise<void> {
    if (this.closed) return;
    this.held.set(url, opts);
    this.renewTimer ??= setInterval(() => void this.renewAll(), this.renewEveryMs);
    this.renewTimer.unref();
    await this.renew(url, opts);
  }

  /** Stop renewing a queue (deleted, or left to expire). */
  release(url: string): void {
    this.held.delete(url);
  }

  /** One sweep now (the periodic one calls this too); never two at once in one instance. */
  sweep(): Promise<SweptQueue[]> {
    const run = (async () => {
      await this.sweeping?.catch(() => {});
      return sweepExpiredQueues(this.options);
    })();
    this.sweeping = run;
    return run;
  }

  async stop(): Promise<void> {
    this.closed = true;
    clearInterval(this.renewTimer);
    clearTimeout(this.sweepTimer);
    this.renewTimer = undefined;
    this.held.clear();
    await this.sweeping?.catch(() => {});
  }

  private async renewAll(): Promise<void> {
    await Promise.all([...this.held].map(([url, opts]) => this.renew(url, opts)));
  }

  private async renew(url: string, opts: { rule?: string }): Promise<void> {
    const tags: Record<string, string> = {
      [EXPIRES_AT_TAG]: new Date(Date.now() + this.expiryMs).toISOString(),
      [INSTANCE_TAG]: this.options.instanceId,
      ...(opts.rule
        ? { [RULE_TAG]: opts.rule, [EVENT_BUS_TAG]: this.options.eventBusName ?? this.options.namespace }
        : {}),
    };
    try {
      await this.options.sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: tags }));
    } catch (e) {
      if (isMissingQueue(e)) return; // its consumer declares it again, and holds it again
      this.log.warn({ err: (e as Error).message, queue: queueNameOf(url) }, 'could not renew a queue expiry');
    }
  }

  private armSweep(): void {
    if (this.sweepEveryMs <= 0 || this.closed) return;
    const delay = Math.round(this.sweepEveryMs * (0.5 + Math.random()));
    this.sweepTimer = setTimeout(() => {
      this.sweep()
        .catch((e) => this.log.warn({ err: (e as Error).message }, 'sweeping expired queues failed'))
        .finally(() => this.armSweep());
    }, delay);
    this.sweepTimer.unref();
  }
}
