import {
  CreateEventBusCommand,
  DeleteRuleCommand,
  DescribeEventBusCommand,
  type EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import type { InstanceQueueLeases } from '../instance-queues';
import { errorName, isMissingQueue } from './aws-errors';
import { eventPattern, eventQueuePolicy, sqsNames, sqsQueueSettings } from './names';

export interface QueueInfo {
  name: string;
  url: string;
  dlqUrl: string;
  dlqArn: string;
}

export interface SqsQueuesOptions {
  sqs: SQSClient;
  eventBridge: EventBridgeClient;
  namespace: string;
  eventBusName: string;
  maxAttempts: number;
  /** With accountId, lets queue ARNs be built instead of asked for (one call less per queue). */
  region?: string;
  accountId?: string;
  /** Expiry tags on this instance's per-instance queues. */
  instanceQueues: InstanceQueueLeases;
  log: Logger;
}

/**
 * The SQS + EventBridge topology of one bus: the event bus, each queue with its DLQ and redrive
 * policy, a subscriber's rule and queue policy, and the expiry of per-instance queues. Created
 * when first needed; every step is idempotent. Queue URLs are cached per name.
 */
export class SqsQueues {
  private readonly queues = new Map<string, Promise<QueueInfo>>();
  private busReady?: Promise<void>;

  constructor(private readonly options: SqsQueuesOptions) {}

  ensureEventBus(): Promise<void> {
    const name = this.options.eventBusName;
    if (name === 'default') return Promise.resolve();
    this.busReady ??= (async () => {
      try {
        await this.options.eventBridge.send(new DescribeEventBusCommand({ Name: name }));
        return;
      } catch (e) {
        if (!/ResourceNotFound/.test(errorName(e))) throw e;
      }
      try {
        await this.options.eventBridge.send(new CreateEventBusCommand({ Name: name }));
        this.options.log.info({ eventBus: name }, 'event bus created');
      } catch (e) {
        if (!/ResourceAlreadyExists/.test(errorName(e))) throw e;
      }
    })().catch((e) => {
      this.busReady = undefined;
      throw e;
    });
    return this.busReady;
  }

  /** A queue and its DLQ (with the redrive policy), created if missing. Cached per name. */
  ensureQueue(name: string): Promise<QueueInfo> {
    let q = this.queues.get(name);
    if (!q) {
      q = (async () => {
        const dlqUrl = await this.createQueue(sqsNames.dlq(name), {
          MessageRetentionPeriod: String(sqsQueueSettings.dlqRetentionSeconds),
        });
        const dlqArn = await this.queueArn(sqsNames.dlq(name), dlqUrl);
        const url = await this.createQueue(name, {
          VisibilityTimeout: String(sqsQueueSettings.visibilityTimeoutSeconds),
          RedrivePolicy: this.redrivePolicy(dlqArn),
        });
        return { name, url, dlqUrl, dlqArn };
      })();
      this.queues.set(name, q);
      q.catch(() => this.queues.delete(name));
    }
    return q;
  }

  /** Forget a cached queue whose URL turned out to be gone (deleted by someone), to re-create it. */
  forgetQueue(name: string, err?: unknown): boolean {
    if (err !== undefined && !isMissingQueue(err)) return false;
    this.queues.delete(name);
    return true;
  }

  /** CreateQueue, or the existing queue's URL when one with other attributes is already there. */
  async createQueue(name: string, attributes: Record<string, string>): Promise<string> {
    try {
      const r = await this.options.sqs.send(
        new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
      );
      if (!r.QueueUrl) throw new Error(`CreateQueue ${name} returned no URL`);
      return r.QueueUrl;
    } catch (e) {
      if (!/QueueNameExists|QueueAlreadyExists/.test(errorName(e))) throw e;
      const r = await this.options.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
      if (!r.QueueUrl) throw new Error(`GetQueueUrl ${name} returned no URL`);
      return r.QueueUrl;
    }
  }

  /** The command queue of a consumer; the consumer's settings win over those of a sender that created it first. */
  async declareCommandQueue(name: string, ephemeral: boolean): Promise<QueueInfo> {
    const q = await this.ensureQueue(name);
    await this.options.sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: q.url,
        Attributes: { RedrivePolicy: this.redrivePolicy(q.dlqArn) },
      }),
    );
    if (ephemeral) await this.holdInstanceQueue(q);
    return q;
  }

  /** A subscriber's queue, fed by its rule on the event bus (the rule is the queue's only writer). */
  async declareEventQueue(
    name: string,
    subscriber: string,
    patterns: string[],
    ephemeral: boolean,
  ): Promise<QueueInfo> {
    const ruleName = sqsNames.rule(this.options.namespace, subscriber);
    const eventBusName = this.options.eventBusName;
    await this.ensureEventBus();
    const q = await this.ensureQueue(name);
    const rule = await this.options.eventBridge.send(
      new PutRuleCommand({
        Name: ruleName,
        EventBusName: eventBusName,
        EventPattern: JSON.stringify(eventPattern(patterns)),
        State: 'ENABLED',
        Description: sqsNames.ruleDescription(subscriber, patterns),
      }),
    );
    const queueArn = await this.queueArn(name, q.url);
    // EventBridge may write to the queue only on behalf of this rule.
    await this.options.sqs.send(
      new SetQueueAttributesCommand({
        QueueUrl: q.url,
        Attributes: {
          Policy: JSON.stringify(eventQueuePolicy(queueArn, rule.RuleArn)),
          RedrivePolicy: this.redrivePolicy(q.dlqArn),
        },
      }),
    );
    const t = await this.options.eventBridge.send(
      new PutTargetsCommand({
        Rule: ruleName,
        EventBusName: eventBusName,
        Targets: [{ Id: sqsNames.ruleTargetId, Arn: queueArn }],
      }),
    );
    if (t.FailedEntryCount) {
      const f = t.FailedEntries?.[0];
      throw new AppError(
        'BUS_SETUP_FAILED',
        500,
        `PutTargets on ${ruleName}: ${f?.ErrorCode}: ${f?.ErrorMessage}`,
      );
    }
    if (ephemeral) await this.holdInstanceQueue(q, ruleName);
    return q;
  }

  /** A per-instance subscriber queue goes with its rule. */
  async deleteEventQueue(q: QueueInfo, subscriber: string): Promise<void> {
    const ruleName = sqsNames.rule(this.options.namespace, subscriber);
    const EventBusName = this.options.eventBusName;
    await this.options.eventBridge
      .send(new RemoveTargetsCommand({ Rule: ruleName, EventBusName, Ids: [sqsNames.ruleTargetId] }))
      .catch(() => {});
    await this.options.eventBridge
      .send(new DeleteRuleCommand({ Name: ruleName, EventBusName }))
      .catch(() => {});
    await this.deleteQueue(q);
  }

  /** Only per-instance queues are deleted; their DLQ is left to expire (and be swept) after them. */
  async deleteQueue(q: QueueInfo): Promise<void> {
    this.options.instanceQueues.release(q.url);
    this.options.instanceQueues.release(q.dlqUrl);
    this.queues.delete(q.name);
    await this.options.sqs.send(new DeleteQueueCommand({ QueueUrl: q.url })).catch(() => {});
  }

  async queueArn(name: string, url: string): Promise<string> {
    if (this.options.region && this.options.accountId)
      return `arn:aws:sqs:${this.options.region}:${this.options.accountId}:${name}`;
    const r = await this.options.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    const arn = r.Attributes?.QueueArn;
    if (!arn) throw new Error(`no ARN for queue ${name}`);
    return arn;
  }

  private redrivePolicy(dlqArn: string): string {
    return JSON.stringify({
      deadLetterTargetArn: dlqArn,
      maxReceiveCount: sqsQueueSettings.maxReceiveCount(this.options.maxAttempts),
    });
  }

  /** A per-instance queue and its DLQ get an expiry this instance renews (instance-queues.ts). */
  private async holdInstanceQueue(q: QueueInfo, rule?: string): Promise<void> {
    await this.options.instanceQueues.hold(q.url, { rule });
    await this.options.instanceQueues.hold(q.dlqUrl);
  }
}
