import { createHash } from 'node:crypto';
import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import { AppError } from '../../errors';

/** Message attributes of a request (on the command) and of its reply. */
export const REPLY_TO_ATTR = 'replyTo';
export const CORRELATION_ID_ATTR = 'correlationId';
/**
 * When a request's requester stops waiting (epoch ms). A request still queued after it is
 * dropped unhandled: nobody reads its reply, and after an outage a backlog of such requests
 * (clients resending meanwhile) would keep every fresh request waiting behind it.
 */
export const EXPIRES_AT_ATTR = 'expiresAt';
/** Message attributes a dead letter carries (the DLQ's readers use these names). */
export const DLQ_ATTRS = {
  reason: 'onair.reason',
  error: 'onair.error',
  attempts: 'onair.attempts',
  failedAt: 'onair.failed-at',
  /** When its first attempt was received (the first of its failures began). */
  firstFailedAt: 'onair.first-failed-at',
  queue: 'onair.queue',
} as const;

export const TYPE_ATTR = 'onair.type';
/** How long a received message stays invisible; a heartbeat extends it while its handler runs. */
export const VISIBILITY_TIMEOUT_S = 30;
export const HEARTBEAT_MS = 10_000;
/** How long a send keeps being retried (SQS or EventBridge unreachable) before failing. */
export const PUBLISH_TIMEOUT_MS = 30_000;
const DLQ_RETENTION_S = 14 * 24 * 3600;
const MAX_QUEUE_NAME = 80;
const MAX_RULE_NAME = 64;
export const MAX_BATCH_BYTES = 256 * 1024;

/**
 * The names and settings of the SQS + EventBridge topology, in one place: the bus uses them
 * at run time and the AWS deployment (deploy/aws) creates the same queues and rules from them.
 */
export const sqsNames = {
  /** `<ns>-<who>-<kind>`, legal for SQS and short enough that `-dlq` still fits. */
  queue: (namespace: string, who: string, kind: 'commands' | 'events') =>
    fitName(`${namespace}-${who}-${kind}`, MAX_QUEUE_NAME - 4),
  dlq: (queueName: string) => `${queueName}-dlq`,
  rule: (namespace: string, subscriber: string) => fitName(`${namespace}-${subscriber}`, MAX_RULE_NAME),
  ruleDescription: (subscriber: string, patterns: string[]) =>
    `onair: ${subscriber} <- ${patterns.join(', ')}`.slice(0, 512),
  replyQueue: (namespace: string, instanceId: string) =>
    fitName(`${namespace}-reply-${instanceId}`, MAX_QUEUE_NAME),
  /** The single target id of every subscriber rule. */
  ruleTargetId: 'sqs',
} as const;

export const sqsQueueSettings = {
  visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_S,
  dlqRetentionSeconds: DLQ_RETENTION_S,
  /** A consumer that crashes mid-handler still gets its message dead-lettered after this many receives. */
  maxReceiveCount: (maxAttempts: number) => maxAttempts + 5,
} as const;

/** Legal SQS / rule name of at most `max` characters; a long one keeps a hash of the whole. */
export function fitName(name: string, max: number): string {
  const clean = name.replace(/[^A-Za-z0-9_-]/g, '_');
  if (clean.length <= max) return clean;
  const hash = createHash('sha1').update(name).digest('hex').slice(0, 8);
  return `${clean.slice(0, max - 9)}-${hash}`;
}

/** EventBridge pattern on `detail-type` for bus patterns: exact types, or `prefix.#`. */
export function eventPattern(patterns: string[]): Record<string, unknown> {
  if (patterns.length === 0)
    throw new AppError('BUS_NO_PATTERNS', 500, 'subscribe needs at least one pattern');
  if (patterns.includes('#')) return { 'detail-type': [{ exists: true }] };
  const matchers = patterns.map((p) => (p.endsWith('.#') ? { prefix: p.slice(0, -1) } : p));
  return { 'detail-type': matchers };
}

/** The policy of a subscriber queue: EventBridge may send to it on behalf of its rule only. */
export function eventQueuePolicy(queueArn: string, ruleArn: string | undefined): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'eventbridge-rule',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        ...(ruleArn ? { Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } } } : {}),
      },
    ],
  };
}

export function str(v: string): MessageAttributeValue {
  return { DataType: 'String', StringValue: v };
}
