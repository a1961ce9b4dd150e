/**
 * Everything the deployment names, taken from the code that uses the names: each service's
 * config schema (table names, namespace, ping interval, recordings prefix, read from the same
 * environment the task definition gives the service), the bus's naming functions, each table's
 * indexes and each durable subscription. Nothing here is a second list to keep in sync.
 */
import { contracts, SERVICE_NAMES, type ServiceName } from '@onair/contracts';
import {
  DEFAULT_MAX_ATTEMPTS,
  eventPattern,
  loadConfig,
  sqsNames,
  sqsQueueSettings,
  type TableSpec,
} from '@onair/runtime';
import { CHAT_TABLE_INDEXES } from '../../../services/chat-svc/src/rooms/store';
import { Config as ChatConfig } from '../../../services/chat-svc/src/config';
import { ROUTED_SUBSCRIBER, ROUTED_TYPES } from '../../../services/fanout-svc/src/deliveries';
import { Config as FanoutConfig } from '../../../services/fanout-svc/src/config';
import { Config as GatewayConfig } from '../../../services/gateway/src/config';
import { Config as RecordingConfig } from '../../../services/recording-svc/src/config';
import {
  EGRESS_WEBHOOK_PATTERNS,
  EGRESS_WEBHOOK_SUBSCRIBER,
} from '../../../services/recording-svc/src/recordings/index';
import { recordingsTable } from '../../../services/recording-svc/src/table';
import { Config as StreamConfig } from '../../../services/stream-svc/src/config';
import { ROOMS_PATTERNS, ROOMS_SUBSCRIBER } from '../../../services/stream-svc/src/rooms/index';
import { STREAM_TABLE_INDEXES } from '../../../services/stream-svc/src/streams/store';

export type Env = Record<string, string>;

/** The port every service listens on inside its task (one service per task). */
export const CONTAINER_PORT = 8080;

/** The services that consume a command queue named after themselves (gateways get one per instance). */
export const WORKERS = SERVICE_NAMES.filter((s): s is Exclude<ServiceName, 'gateway'> => s !== 'gateway');
export type Worker = (typeof WORKERS)[number];

/** Each service's config, computed by its own schema from the plain (non-resource) part of its env. */
export function serviceConfigs(envs: Record<ServiceName, Env>) {
  const withPort = (e: Env) => ({ PORT: String(CONTAINER_PORT), ...e });
  return {
    gateway: loadConfig(GatewayConfig, withPort(envs.gateway)),
    'stream-svc': loadConfig(StreamConfig, withPort(envs['stream-svc'])),
    'chat-svc': loadConfig(ChatConfig, withPort(envs['chat-svc'])),
    'recording-svc': loadConfig(RecordingConfig, withPort(envs['recording-svc'])),
    'fanout-svc': loadConfig(FanoutConfig, withPort(envs['fanout-svc'])),
  };
}
export type ServiceConfigs = ReturnType<typeof serviceConfigs>;

/** The table each worker creates at start-up (runService `table:` in its main.ts), with its indexes. */
export function tableSpecs(c: ServiceConfigs): Record<Worker, TableSpec> {
  return {
    'stream-svc': { name: c['stream-svc'].TABLE_NAME, indexes: STREAM_TABLE_INDEXES },
    'chat-svc': { name: c['chat-svc'].TABLE_NAME, indexes: CHAT_TABLE_INDEXES },
    'recording-svc': recordingsTable(c['recording-svc'].TABLE_NAME),
    'fanout-svc': { name: c['fanout-svc'].TABLE_NAME },
  };
}

/** The tables the gateway reads (its read models), by the names in its config. */
export function gatewayReadTables(c: ServiceConfigs): string[] {
  const g = c.gateway;
  return [...new Set([g.STREAMS_TABLE, g.CHAT_TABLE, g.ROOMS_TABLE, g.RECORDINGS_TABLE])];
}

export interface Subscription {
  /** The service whose tasks consume it. */
  service: Worker;
  subscriber: string;
  patterns: string[];
}

/** Durable (shared) event subscriptions; per-instance ones are made and removed by each instance. */
export const SUBSCRIPTIONS: Subscription[] = [
  { service: 'fanout-svc', subscriber: ROUTED_SUBSCRIBER, patterns: ROUTED_TYPES },
  { service: 'recording-svc', subscriber: EGRESS_WEBHOOK_SUBSCRIBER, patterns: EGRESS_WEBHOOK_PATTERNS },
  { service: 'stream-svc', subscriber: ROOMS_SUBSCRIBER, patterns: ROOMS_PATTERNS },
];

/**
 * Who sends commands to whom (each sender declares the target's queue when missing, so it needs
 * rights on it). gateway: every route's command, and the ping route to every worker; stream-svc:
 * chat rooms for its streams (services/stream-svc/src/streams/chat-rooms.ts); fanout-svc: the
 * per-instance delivery queues of gateways (below).
 */
export const SENDS_TO: Record<ServiceName, Worker[]> = {
  gateway: [...WORKERS],
  'stream-svc': ['chat-svc'],
  'chat-svc': [],
  'recording-svc': [],
  'fanout-svc': [],
};
/** Services that make requests (and so own a reply queue per instance). */
export const REQUESTERS: ServiceName[] = ['gateway', 'stream-svc'];

/** The bus topology on SQS + EventBridge, named by libs/runtime's own functions. */
export function busTopology(namespace: string) {
  return {
    eventBusName: namespace,
    commandQueue: (target: string) => sqsNames.queue(namespace, target, 'commands'),
    /** Every command queue a worker reads: its own and its partition queues (contracts: partitionBy). */
    commandQueues: (worker: string) =>
      contracts.targetsOf(worker).map((t) => sqsNames.queue(namespace, t, 'commands')),
    eventQueue: (subscriber: string) => sqsNames.queue(namespace, subscriber, 'events'),
    dlq: sqsNames.dlq,
    rule: (subscriber: string) => sqsNames.rule(namespace, subscriber),
    ruleDescription: sqsNames.ruleDescription,
    ruleTargetId: sqsNames.ruleTargetId,
    eventPattern,
    visibilityTimeoutSeconds: sqsQueueSettings.visibilityTimeoutSeconds,
    dlqRetentionSeconds: sqsQueueSettings.dlqRetentionSeconds,
    maxReceiveCount: sqsQueueSettings.maxReceiveCount(DEFAULT_MAX_ATTEMPTS),
    perInstance: (service: ServiceName) => perInstanceNames(namespace, service),
  };
}

const INSTANCE = 'XINSTANCEX';

/**
 * Name patterns (with `*`) of the queues and rules one service's instances create and delete
 * themselves: runService names an instance `<service>-<8 hex>`, and per-instance targets and
 * subscribers start with `<service>.` (gateway.<id>, gateway.<id>.presence, fanout-svc.<id>,
 * chat-svc.<id>.bans), which the bus turns into `<ns>-<service>_…`. Reply queues are
 * `<ns>-reply-<instanceId>`. Throws when a namespace is so long the bus would hash the names.
 */
export function perInstanceNames(namespace: string, service: ServiceName) {
  const longest = `${service}.${service}-12345678.presence`;
  for (const kind of ['commands', 'events'] as const) {
    const name = sqsNames.queue(namespace, longest, kind);
    if (name !== `${namespace}-${longest.replace(/\./g, '_')}-${kind}`)
      throw new Error(`namespace ${namespace} is too long: per-instance queue names would be shortened`);
  }
  const star = (name: string) => name.replace(INSTANCE, '*');
  const who = `${service}.${INSTANCE}`;
  return {
    commandQueue: star(sqsNames.queue(namespace, who, 'commands')),
    eventQueue: star(sqsNames.queue(namespace, who, 'events')),
    rule: star(sqsNames.rule(namespace, who)),
    replyQueue: star(sqsNames.replyQueue(namespace, `${service}-${INSTANCE}`)),
  };
}

/** The `aws.ivs` events each reader gets (EventBridge default bus -> SQS queue it long-polls). */
export const IVS_EVENT_RULES = {
  /** stream-svc applies Stream State Change (services/stream-svc/src/streams/ivs-events.ts). */
  'stream-svc': {
    queue: (ns: string) => `${ns}-ivs-events`,
    detailTypes: ['IVS Stream State Change', 'IVS Stream Health Change'],
    env: 'IVS_EVENTS_QUEUE_URL',
  },
  /** recording-svc turns Recording State Change into IVS recordings (services/recording-svc/src/ivs). */
  'recording-svc': {
    queue: (ns: string) => `${ns}-ivs-recording-events`,
    detailTypes: ['IVS Recording State Change'],
    env: 'IVS_RECORDING_EVENTS_QUEUE_URL',
  },
} as const;

/** Where IVS writes auto-recordings in a bucket: ivs/v1/<account id>/<channel id>/… */
export const IVS_RECORDINGS_PREFIX = (accountId: string) => `ivs/v1/${accountId}/`;
