/**
 * One task role per service, granting only what that service's code calls: its own table, its
 * own queues, the queues it sends to, and the AWS APIs of its adapters. deploy/aws/test/iam.test.ts
 * walks every statement (no `*` action; `*` resources only where the API has no resource-level
 * permissions) and checks each service's SDK calls in its source are granted here.
 */
import { SERVICE_NAMES, type ServiceName } from '@onair/contracts';
import { ArnFormat, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { busTopology, REQUESTERS, SENDS_TO, SUBSCRIPTIONS, type Worker, WORKERS } from './topology';

/** The SQS calls of a consumer (libs/runtime/src/bus/sqs/: declare, receive, retry, dead-letter, ack). */
export const SQS_CONSUME = [
  'sqs:ChangeMessageVisibility',
  'sqs:CreateQueue',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  'sqs:ReceiveMessage',
  'sqs:SendMessage',
  'sqs:SetQueueAttributes',
];
/** A sender declares the target queue and its DLQ when missing, then sends. */
export const SQS_SEND = ['sqs:CreateQueue', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'];
/** A requester's own reply queue (made on the first request, deleted on close). */
export const SQS_REPLY_QUEUE = [
  'sqs:CreateQueue',
  'sqs:DeleteMessage',
  'sqs:DeleteQueue',
  'sqs:GetQueueUrl',
  'sqs:ReceiveMessage',
];

/** DynamoDB calls of each worker on its own table (the document client's Get/Put/Update/Delete/Query/BatchWrite). */
export const TABLE_ACTIONS: Record<Worker, string[]> = {
  'stream-svc': ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  'chat-svc': [
    'dynamodb:BatchGetItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:DeleteItem',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
  ],
  'recording-svc': ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem'],
  // The gateways heard from lately (services/fanout-svc/src/gateways.ts).
  'fanout-svc': ['dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:Scan'],
};

/** Which services create per-instance queues and rules, and of which kind (see perInstanceNames). */
export const PER_INSTANCE: Record<ServiceName, Array<'commands' | 'events'>> = {
  gateway: ['commands', 'events'],
  'fanout-svc': ['events'],
  'chat-svc': ['events'],
  'stream-svc': [],
  'recording-svc': [],
};

export interface TableRef {
  name: string;
  arn: string;
  indexArns: string[];
}

export interface PermissionContext {
  namespace: string;
  /** False when the bus is RabbitMQ: no SQS bus queues and no EventBridge bus then. */
  sqsBus: boolean;
  tables: Record<Worker, TableRef>;
  gatewayReads: TableRef[];
  ivsEventQueueArns: Record<'stream-svc' | 'recording-svc', string>;
  bucketArn: string;
  /** Key prefixes (each ending in /) recordings are written under: egress and IVS. */
  recordingPrefixes: string[];
  recordingConfigurationArn: string;
}

const ROOM_TAG = 'onair:roomId';
const STREAM_TAG = 'onair:streamId';

export function taskPolicyStatements(
  scope: Stack,
  service: ServiceName,
  ctx: PermissionContext,
): iam.PolicyStatement[] {
  const out: iam.PolicyStatement[] = [];
  const allow = (sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>) =>
    out.push(
      new iam.PolicyStatement({
        sid: sid.replace(/[^A-Za-z0-9]/g, ''),
        effect: iam.Effect.ALLOW,
        actions: [...new Set(actions)].sort(),
        resources,
        ...(conditions ? { conditions } : {}),
      }),
    );
  const sqsArn = (name: string) =>
    scope.formatArn({ service: 'sqs', resource: name, arnFormat: ArnFormat.NO_RESOURCE_NAME });
  const withDlq = (name: string) => [sqsArn(name), sqsArn(`${name}-dlq`)];

  if (ctx.sqsBus) {
    const topo = busTopology(ctx.namespace);
    const busArn = scope.formatArn({
      service: 'events',
      resource: 'event-bus',
      resourceName: topo.eventBusName,
    });
    const ruleArn = (rule: string) =>
      scope.formatArn({ service: 'events', resource: 'rule', resourceName: `${topo.eventBusName}/${rule}` });
    const mine = busTopology(ctx.namespace).perInstance(service);

    // /readyz asks ListQueues (QueueNamePrefix = namespace): ListQueues has no resource-level permissions.
    allow('BusReadiness', ['sqs:ListQueues'], ['*']);
    allow('BusPublish', ['events:DescribeEventBus', 'events:PutEvents'], [busArn]);

    if ((WORKERS as readonly string[]).includes(service)) {
      allow('OwnCommands', SQS_CONSUME, topo.commandQueues(service).flatMap(withDlq));
      // Replies go to the requester's reply queue, named in the command (gateway and stream-svc instances).
      allow(
        'AnswerRequests',
        ['sqs:SendMessage'],
        REQUESTERS.map((r) => sqsArn(topo.perInstance(r).replyQueue)),
      );
    }
    for (const s of SUBSCRIPTIONS.filter((x) => x.service === service)) {
      allow(`Subscription${s.subscriber}`, SQS_CONSUME, withDlq(topo.eventQueue(s.subscriber)));
      // The subscriber writes its rule and target again at every start (same values as here).
      allow(
        `SubscriptionRule${s.subscriber}`,
        ['events:PutRule', 'events:PutTargets'],
        [ruleArn(topo.rule(s.subscriber))],
      );
    }
    const perInstance = PER_INSTANCE[service];
    if (perInstance.includes('commands'))
      allow('InstanceCommands', [...SQS_CONSUME, 'sqs:DeleteQueue'], withDlq(mine.commandQueue));
    if (perInstance.includes('events')) {
      allow('InstanceEvents', [...SQS_CONSUME, 'sqs:DeleteQueue'], withDlq(mine.eventQueue));
      allow(
        'InstanceEventRules',
        ['events:DeleteRule', 'events:PutRule', 'events:PutTargets', 'events:RemoveTargets'],
        [ruleArn(mine.rule)],
      );
    }
    const targets = SENDS_TO[service].flatMap((t) => topo.commandQueues(t).flatMap(withDlq));
    if (targets.length) allow('SendCommands', SQS_SEND, targets);
    // fanout-svc delivers to each gateway instance's own queue.
    if (service === 'fanout-svc')
      allow('DeliverToGateways', SQS_SEND, withDlq(topo.perInstance('gateway').commandQueue));
    if (REQUESTERS.includes(service)) allow('OwnReplyQueue', SQS_REPLY_QUEUE, [sqsArn(mine.replyQueue)]);

    // The gateway's admin dead-letter API (libs/runtime/src/bus/dead-letters/sqs.ts): it reads,
    // deletes and purges the namespace's DLQs, and replays a dead letter to its source queue.
    if (service === 'gateway') {
      const sources = [
        ...WORKERS.flatMap((w) => topo.commandQueues(w)),
        ...SUBSCRIPTIONS.map((x) => topo.eventQueue(x.subscriber)),
        ...(SERVICE_NAMES as readonly ServiceName[]).flatMap((s) =>
          PER_INSTANCE[s].map((kind) =>
            kind === 'commands' ? topo.perInstance(s).commandQueue : topo.perInstance(s).eventQueue,
          ),
        ),
      ];
      allow(
        'DeadLetterAdmin',
        [
          'sqs:ChangeMessageVisibility',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
          'sqs:GetQueueUrl',
          'sqs:PurgeQueue',
          'sqs:ReceiveMessage',
        ],
        sources.map((q) => sqsArn(`${q}-dlq`)),
      );
      allow(
        'DeadLetterReplay',
        ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
        sources.map((q) => sqsArn(q)),
      );
    }

    // The sweeper (libs/runtime instance-queues.ts): every instance tags its per-instance and
    // reply queues with an expiry it renews, and sweeps the expired ones of any instance that
    // died (with their rules). Only those queues and rules: the durable ones carry no tag.
    const everyInstance = (SERVICE_NAMES as readonly ServiceName[]).map((s) => topo.perInstance(s));
    const instanceQueues = [
      ...(SERVICE_NAMES as readonly ServiceName[]).flatMap((s, i) =>
        PER_INSTANCE[s].flatMap((kind) =>
          withDlq(kind === 'commands' ? everyInstance[i].commandQueue : everyInstance[i].eventQueue),
        ),
      ),
      ...REQUESTERS.map((r) => sqsArn(topo.perInstance(r).replyQueue)),
    ];
    allow('SweepInstanceQueues', ['sqs:DeleteQueue', 'sqs:ListQueueTags', 'sqs:TagQueue'], instanceQueues);
    const instanceRules = (SERVICE_NAMES as readonly ServiceName[])
      .filter((s) => PER_INSTANCE[s].includes('events'))
      .map((s) => ruleArn(topo.perInstance(s).rule));
    if (instanceRules.length)
      allow('SweepInstanceRules', ['events:DeleteRule', 'events:RemoveTargets'], instanceRules);
  }

  const objectArns = ctx.recordingPrefixes.map((p) => `${ctx.bucketArn}/${p}*`);
  const listOnlyRecordings = { StringLike: { 's3:prefix': ctx.recordingPrefixes.map((p) => `${p}*`) } };

  switch (service) {
    case 'gateway': {
      const tableArns = ctx.gatewayReads.flatMap((t) => [t.arn]);
      allow('ReadModels', ['dynamodb:GetItem', 'dynamodb:Query'], tableArns);
      const indexArns = ctx.gatewayReads.flatMap((t) => t.indexArns);
      if (indexArns.length) allow('ReadModelIndexes', ['dynamodb:Query'], indexArns);
      // Recording media and presigned URLs (HeadObject is s3:GetObject); listing makes a missing key 404, not 403.
      allow('ReadRecordings', ['s3:GetObject'], objectArns);
      allow('ListRecordings', ['s3:ListBucket'], [ctx.bucketArn], listOnlyRecordings);
      break;
    }
    case 'stream-svc':
    case 'chat-svc':
    case 'recording-svc':
    case 'fanout-svc': {
      const t = ctx.tables[service];
      allow('OwnTable', ['dynamodb:DescribeTable', 'dynamodb:Query', ...TABLE_ACTIONS[service]], [t.arn]);
      if (t.indexArns.length) allow('OwnTableIndexes', ['dynamodb:Query'], t.indexArns);
      break;
    }
  }

  if (service === 'stream-svc') {
    const ivs = (resource: string) => scope.formatArn({ service: 'ivs', resource, resourceName: '*' });
    allow('IvsEvents', ['sqs:DeleteMessage', 'sqs:ReceiveMessage'], [ctx.ivsEventQueueArns['stream-svc']]);
    // ListChannels (find a channel by name) and ListStreams (the reconciler) have no resource-level permissions.
    allow('IvsList', ['ivs:ListChannels', 'ivs:ListStreams'], ['*']);
    // Channels are created with the tag onair:streamId (services/stream-svc/src/streams/saga.ts).
    allow(
      'IvsCreateChannel',
      ['ivs:CreateChannel', 'ivs:TagResource'],
      [ivs('channel'), ivs('stream-key'), ctx.recordingConfigurationArn],
      { Null: { [`aws:RequestTag/${STREAM_TAG}`]: 'false' } },
    );
    allow('IvsStreamKeys', ['ivs:CreateStreamKey'], [ivs('channel'), ivs('stream-key')]);
    allow('IvsRead', ['ivs:BatchGetChannel', 'ivs:GetChannel', 'ivs:ListStreamKeys'], [ivs('channel')]);
    allow('IvsReadStreamKey', ['ivs:GetStreamKey'], [ivs('stream-key')]);
    // Only onair's own channels may be stopped or deleted.
    allow('IvsOwnChannels', ['ivs:DeleteChannel', 'ivs:StopStream'], [ivs('channel')], {
      Null: { [`aws:ResourceTag/${STREAM_TAG}`]: 'false' },
    });
  }
  if (service === 'chat-svc') {
    const room = scope.formatArn({ service: 'ivschat', resource: 'room', resourceName: '*' });
    // ListRooms (find a room by name after a crash) has no resource-level permissions.
    allow('IvsChatList', ['ivschat:ListRooms'], ['*']);
    // Rooms are created with the tag onair:roomId (services/chat-svc/src/rooms/handlers.ts).
    allow('IvsChatCreateRoom', ['ivschat:CreateRoom', 'ivschat:TagResource'], [room], {
      Null: { [`aws:RequestTag/${ROOM_TAG}`]: 'false' },
    });
    allow(
      'IvsChatOwnRooms',
      [
        'ivschat:CreateChatToken',
        'ivschat:DeleteMessage',
        'ivschat:DeleteRoom',
        'ivschat:DisconnectUser',
        'ivschat:SendEvent',
        'ivschat:UpdateRoom',
      ],
      [room],
      { Null: { [`aws:ResourceTag/${ROOM_TAG}`]: 'false' } },
    );
  }
  if (service === 'recording-svc') {
    allow(
      'IvsRecordingEvents',
      ['sqs:DeleteMessage', 'sqs:ReceiveMessage'],
      [ctx.ivsEventQueueArns['recording-svc']],
    );
    // Deleting a recording deletes its object, or every object under an IVS recording's prefix.
    allow('DeleteRecordings', ['s3:DeleteObject'], objectArns);
    allow('ListRecordings', ['s3:ListBucket'], [ctx.bucketArn], listOnlyRecordings);
  }
  return out;
}
