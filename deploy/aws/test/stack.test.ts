// The CloudFormation template of deploy/aws, synthesized once for this file: every resource the
// services need is there, with the settings the code relies on, under the names the code computes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { contracts, SERVICE_NAMES } from '@onair/contracts';
import { eventQueuePolicy, loadConfig, sqsNames } from '@onair/runtime';
import { Match } from 'aws-cdk-lib/assertions';
import { Config as ChatConfig } from '../../../services/chat-svc/src/config';
import { Config as FanoutConfig } from '../../../services/fanout-svc/src/config';
import { Config as GatewayConfig } from '../../../services/gateway/src/config';
import { Config as RecordingConfig } from '../../../services/recording-svc/src/config';
import { Config as StreamConfig } from '../../../services/stream-svc/src/config';
import { readSettings, SettingsError } from '../src/settings';
import { IVS_EVENT_RULES, SUBSCRIPTIONS, tableSpecs, WORKERS } from '../src/topology';
import { resourcesOf, type Synthesized, synthesize } from './synth';

const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-aaaa-bbbb-cccc-0123456789ab';
let s: Synthesized;
beforeAll(() => {
  s = synthesize({
    certificateArn: CERT,
    domainName: 'api.example.com',
    consoleOrigins: 'https://console.example.com',
    livekitUrl: 'https://livekit.example.com',
    cognitoUserPoolId: 'us-east-1_AbC123',
    cognitoClientId: 'client123',
    recordingsExpireDays: '365',
  });
}, 120_000);
afterAll(() => s?.cleanup());

type Resource = { Type: string; Properties?: Record<string, unknown> };
const props = (r: Resource) => r.Properties ?? {};
const byId = (id: string) => s.json.Resources[id];
/** The logical id of a { Ref } or { Fn::GetAtt } value. */
const refOf = (v: unknown): string | undefined => {
  const o = v as { Ref?: string; 'Fn::GetAtt'?: [string, string] } | undefined;
  return o?.Ref ?? o?.['Fn::GetAtt']?.[0];
};
const queueNamed = (name: string) =>
  resourcesOf(s, 'AWS::SQS::Queue').find(([, q]) => props(q).QueueName === name);

function containerOf(svc: string) {
  const td = resourcesOf(s, 'AWS::ECS::TaskDefinition').find(([, t]) =>
    (props(t).ContainerDefinitions as Array<{ Name: string }>).some((c) => c.Name === svc),
  );
  if (!td) throw new Error(`no task definition for ${svc}`);
  const c = (props(td[1]).ContainerDefinitions as Array<Record<string, unknown>>)[0];
  const env = Object.fromEntries(
    (c.Environment as Array<{ Name: string; Value: unknown }>).map((e) => [e.Name, e.Value]),
  );
  const secrets = Object.fromEntries(
    ((c.Secrets as Array<{ Name: string; ValueFrom: unknown }>) ?? []).map((e) => [e.Name, e.ValueFrom]),
  );
  return { td, c, env, secrets };
}

describe('tables', () => {
  it('one per worker, named by its config, with its indexes, on demand, PITR and deletion protection', () => {
    const specs = tableSpecs(s.stack.configs);
    const tables = resourcesOf(s, 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(WORKERS.length);
    for (const svc of WORKERS) {
      const spec = specs[svc];
      expect(spec.name).toBe(`onair-${svc}`);
      s.template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        Properties: Match.objectLike({
          TableName: spec.name,
          BillingMode: 'PAY_PER_REQUEST',
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          KeySchema: [
            { AttributeName: 'PK', KeyType: 'HASH' },
            { AttributeName: 'SK', KeyType: 'RANGE' },
          ],
          ...(spec.indexes?.length
            ? {
                GlobalSecondaryIndexes: spec.indexes.map((i) => ({
                  IndexName: i.name,
                  KeySchema: [
                    { AttributeName: i.pk, KeyType: 'HASH' },
                    { AttributeName: i.sk, KeyType: 'RANGE' },
                  ],
                  Projection: { ProjectionType: 'ALL' },
                })),
              }
            : {}),
        }),
      });
    }
  });
});

describe('the bus on SQS + EventBridge', () => {
  it('has the event bus named by the namespace', () => {
    s.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'onair' });
  });

  it('has a command queue per worker with its DLQ, redrive after maxAttempts + 5, and an alarm on the DLQ', () => {
    for (const svc of WORKERS) {
      const name = sqsNames.queue('onair', svc, 'commands');
      const [, q] = queueNamed(name) ?? [];
      const [dlqId, dlq] = queueNamed(sqsNames.dlq(name)) ?? [];
      expect(q && dlq).toBeTruthy();
      expect(props(q as Resource)).toMatchObject({
        VisibilityTimeout: 30,
        RedrivePolicy: { maxReceiveCount: 10, deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
        SqsManagedSseEnabled: true,
      });
      expect(props(dlq as Resource).MessageRetentionPeriod).toBe(14 * 24 * 3600);
      const alarms = resourcesOf(s, 'AWS::CloudWatch::Alarm').filter(([, a]) =>
        (props(a).Dimensions as Array<{ Value: unknown }>).some((d) => refOf(d.Value) === dlqId),
      );
      expect(alarms).toHaveLength(1);
      expect(props(alarms[0][1])).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it('puts an alarm on every DLQ it creates', () => {
    const dlqs = resourcesOf(s, 'AWS::SQS::Queue').filter(([, q]) =>
      String(props(q).QueueName).endsWith('-dlq'),
    );
    const alarmed = new Set(
      resourcesOf(s, 'AWS::CloudWatch::Alarm').flatMap(([, a]) =>
        (props(a).Dimensions as Array<{ Value: unknown }>).map((d) => refOf(d.Value)),
      ),
    );
    const commandQueues = WORKERS.flatMap((w) => contracts.targetsOf(w)).length; // chat-svc: 1 + 16 partitions
    expect(dlqs.length).toBe(commandQueues + SUBSCRIPTIONS.length + 2);
    for (const [id] of dlqs) expect(alarmed).toContain(id);
  });

  it('has each durable subscription: queue, rule with the code pattern and target id, the code queue policy', () => {
    for (const sub of SUBSCRIPTIONS) {
      const [queueId] = queueNamed(sqsNames.queue('onair', sub.subscriber, 'events')) ?? [];
      expect(queueId).toBeDefined();
      const rules = resourcesOf(s, 'AWS::Events::Rule').filter(
        ([, r]) => props(r).Name === sqsNames.rule('onair', sub.subscriber),
      );
      expect(rules).toHaveLength(1);
      const [ruleId, rule] = rules[0];
      const patterns = sub.patterns.map((p) => (p.endsWith('.#') ? { prefix: p.slice(0, -1) } : p));
      expect(props(rule)).toMatchObject({
        EventBusName: { Ref: expect.any(String) },
        Description: sqsNames.ruleDescription(sub.subscriber, sub.patterns),
        EventPattern: { 'detail-type': patterns },
        Targets: [{ Id: 'sqs', Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } }],
      });
      const policies = resourcesOf(s, 'AWS::SQS::QueuePolicy').filter(([, p]) =>
        (props(p).Queues as unknown[]).some((q) => refOf(q) === queueId),
      );
      expect(policies).toHaveLength(1);
      expect(props(policies[0][1]).PolicyDocument).toEqual(
        eventQueuePolicy(
          { 'Fn::GetAtt': [queueId as string, 'Arn'] } as unknown as string,
          { 'Fn::GetAtt': [ruleId, 'Arn'] } as unknown as string,
        ),
      );
    }
  });
});

describe('IVS events', () => {
  it.each(Object.entries(IVS_EVENT_RULES))(
    '%s: an aws.ivs rule to the queue named in its env',
    (reader, r) => {
      const rule = resourcesOf(s, 'AWS::Events::Rule').find(([, x]) => props(x).Name === r.queue('onair'));
      expect(rule).toBeDefined();
      const p = props((rule as [string, Resource])[1]);
      expect(p.EventBusName).toBeUndefined(); // the default bus, where IVS sends its events
      expect(p.EventPattern).toEqual({ source: ['aws.ivs'], 'detail-type': [...r.detailTypes] });
      const targetQueue = refOf((p.Targets as Array<{ Arn: unknown }>)[0].Arn);
      expect(refOf(containerOf(reader).env[r.env])).toBe(targetQueue);
      expect(props(byId(targetQueue as string)).RedrivePolicy).toBeDefined();
    },
  );

  it('forwards the three state changes the issue names', () => {
    const all = Object.values(IVS_EVENT_RULES).flatMap((r) => r.detailTypes);
    expect(all.sort()).toEqual([
      'IVS Recording State Change',
      'IVS Stream Health Change',
      'IVS Stream State Change',
    ]);
  });
});

describe('recordings', () => {
  it('a private, encrypted bucket with CORS for the console, lifecycle and access logs', () => {
    const bucketId = refOf(containerOf('recording-svc').env.S3_BUCKET) as string;
    expect(props(byId(bucketId))).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      CorsConfiguration: {
        CorsRules: [
          expect.objectContaining({
            AllowedOrigins: ['https://console.example.com'],
            AllowedMethods: ['GET', 'HEAD'],
          }),
        ],
      },
      LifecycleConfiguration: {
        Rules: [
          expect.objectContaining({
            ExpirationInDays: 365,
            Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }],
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          }),
        ],
      },
      LoggingConfiguration: expect.objectContaining({ DestinationBucketName: { Ref: expect.any(String) } }),
    });
    // TLS only.
    const policy = resourcesOf(s, 'AWS::S3::BucketPolicy').find(
      ([, p]) => refOf(props(p).Bucket) === bucketId,
    );
    expect(JSON.stringify(policy)).toContain('aws:SecureTransport');
  });

  it('an IVS recording configuration writing to that bucket', () => {
    const bucketId = refOf(containerOf('recording-svc').env.S3_BUCKET);
    s.template.hasResourceProperties('AWS::IVS::RecordingConfiguration', {
      DestinationConfiguration: { S3: { BucketName: { Ref: bucketId } } },
    });
  });
});

describe('services on ECS Fargate', () => {
  it('five services, each its own task definition, task role, log group with retention and the one image', () => {
    expect(resourcesOf(s, 'AWS::ECS::Service')).toHaveLength(5);
    const images = new Set<string>();
    const roles = new Set<string>();
    for (const svc of SERVICE_NAMES) {
      const { td, c, env } = containerOf(svc);
      expect(env.SERVICE).toBe(svc);
      images.add(JSON.stringify(c.Image));
      roles.add(refOf(props(td[1]).TaskRoleArn) as string);
      expect(props(td[1])).toMatchObject({ RequiresCompatibilities: ['FARGATE'], NetworkMode: 'awsvpc' });
      const logGroup = refOf(
        (c.LogConfiguration as { Options: Record<string, unknown> }).Options['awslogs-group'],
      );
      expect(props(byId(logGroup as string))).toMatchObject({
        LogGroupName: `/onair/${svc}`,
        RetentionInDays: 30,
      });
      expect(c).toMatchObject({
        LinuxParameters: { InitProcessEnabled: true },
        ReadonlyRootFilesystem: true,
        HealthCheck: { Command: ['CMD', 'node', '-e', expect.stringContaining('/healthz')] },
      });
    }
    expect(images.size).toBe(1);
    expect(roles.size).toBe(5);
  });

  it('secrets are ECS secrets from Secrets Manager, never plain environment values', () => {
    const secretNames = [
      'CHAT_TOKEN_SECRET',
      'LIVEKIT_API_KEY',
      'LIVEKIT_API_SECRET',
      'JWT_SECRET',
      'AMQP_URL',
    ];
    for (const svc of SERVICE_NAMES) {
      const { env } = containerOf(svc);
      for (const n of secretNames) expect(env).not.toHaveProperty(n);
      expect(JSON.stringify(env)).not.toMatch(/SecretString|secretsmanager/);
    }
    expect(Object.keys(containerOf('gateway').secrets).sort()).toEqual([
      'CHAT_TOKEN_SECRET',
      'LIVEKIT_API_KEY',
      'LIVEKIT_API_SECRET',
    ]);
    expect(Object.keys(containerOf('chat-svc').secrets)).toEqual(['CHAT_TOKEN_SECRET']);
    // Cognito: the gateway checks tokens against the pool's JWKS (public values, plain env).
    expect(containerOf('gateway').env).toMatchObject({
      JWT_ISSUER: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123',
      JWT_JWKS_URL: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123/.well-known/jwks.json',
      JWT_AUDIENCE: 'client123',
      CORS_ORIGINS: 'https://console.example.com',
    });
  });

  it('the gateway is behind an ALB on HTTPS whose idle timeout is above the socket ping interval', () => {
    const ping = s.stack.configs.gateway.WS_PING_INTERVAL_MS / 1000;
    const [, alb] = resourcesOf(s, 'AWS::ElasticLoadBalancingV2::LoadBalancer')[0];
    const attrs = props(alb).LoadBalancerAttributes as Array<{ Key: string; Value: string }>;
    const idle = Number(attrs.find((a) => a.Key === 'idle_timeout.timeout_seconds')?.Value);
    expect(idle).toBeGreaterThan(ping);
    expect(props(alb).Scheme).toBe('internet-facing');
    s.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: CERT }],
    });
    s.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [Match.objectLike({ Type: 'redirect' })],
    });
    s.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8080,
      HealthCheckPath: '/readyz',
      TargetType: 'ip',
    });
  });

  it('scales the gateway on connections and CPU, workers on queue depth and CPU', () => {
    const policies = resourcesOf(s, 'AWS::ApplicationAutoScaling::ScalingPolicy').map(([, p]) => props(p));
    const cpu = policies.filter(
      (p) =>
        (
          p.TargetTrackingScalingPolicyConfiguration as {
            PredefinedMetricSpecification?: { PredefinedMetricType: string };
          }
        ).PredefinedMetricSpecification?.PredefinedMetricType === 'ECSServiceAverageCPUUtilization',
    );
    expect(cpu).toHaveLength(5);
    const custom = policies.map((p) => JSON.stringify(p.TargetTrackingScalingPolicyConfiguration));
    expect(custom.filter((c) => c.includes('ActiveConnectionCount'))).toHaveLength(1);
    expect(custom.filter((c) => c.includes('ApproximateNumberOfMessagesVisible'))).toHaveLength(
      WORKERS.length,
    );
    expect(custom.filter((c) => c.includes('RunningTaskCount'))).toHaveLength(5);
  });
});

describe('names in the template are the names the services compute from their config', () => {
  /** A container's env as the service reads it; resource references become sample values. */
  const envFor = (svc: string) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(containerOf(svc).env))
      out[k] = typeof v === 'string' ? v : k.endsWith('_URL') ? 'https://sqs.example.com/1/q' : 'resource';
    return out;
  };
  const configsOf = () => ({
    gateway: loadConfig(GatewayConfig, envFor('gateway')),
    'stream-svc': loadConfig(StreamConfig, envFor('stream-svc')),
    'chat-svc': loadConfig(ChatConfig, envFor('chat-svc')),
    'recording-svc': loadConfig(RecordingConfig, envFor('recording-svc')),
    'fanout-svc': loadConfig(FanoutConfig, envFor('fanout-svc')),
  });
  const tableNames = () => resourcesOf(s, 'AWS::DynamoDB::Table').map(([, t]) => props(t).TableName);

  it('every worker table, and every table the gateway reads', () => {
    const configs = configsOf();
    for (const svc of WORKERS) expect(tableNames()).toContain(configs[svc].TABLE_NAME);
    const g = configs.gateway;
    for (const t of [g.STREAMS_TABLE, g.CHAT_TABLE, g.ROOMS_TABLE, g.RECORDINGS_TABLE])
      expect(tableNames()).toContain(t);
  });

  it('every queue and rule the bus computes for the namespace the services get', () => {
    const configs = configsOf();
    for (const c of Object.values(configs)) expect(c.BUS_NAMESPACE).toBe('onair');
    const queues = resourcesOf(s, 'AWS::SQS::Queue').map(([, q]) => props(q).QueueName);
    // Every command owner in the contracts has its queue.
    const owners = new Set(
      contracts
        .all()
        .filter((d) => d.kind === 'command' && d.owner && d.owner !== 'addressed')
        .map((d) => d.owner as string),
    );
    for (const o of owners) expect(queues).toContain(sqsNames.queue('onair', o, 'commands'));
    for (const sub of SUBSCRIPTIONS)
      expect(queues).toContain(sqsNames.queue('onair', sub.subscriber, 'events'));
  });

  it('the recordings prefix recording-svc writes under is the one the policies name', () => {
    const prefix = configsOf()['recording-svc'].RECORDINGS_PATH;
    expect(JSON.stringify(s.json)).toContain(`/${prefix}*`);
  });

  it('every subscription and command queue in the services’ code is durable here or per instance', () => {
    const durable = new Set(SUBSCRIPTIONS.map((x) => x.subscriber));
    const exported: Record<string, string> = {
      ROUTED_SUBSCRIBER: 'fanout-svc',
      EGRESS_WEBHOOK_SUBSCRIBER: 'recording-svc',
      ROOMS_SUBSCRIBER: 'stream-svc-rooms',
    };
    for (const svc of SERVICE_NAMES) {
      for (const file of sourceFiles(join(__dirname, '..', '..', '..', 'services', svc, 'src'))) {
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(/\.(subscribe|consumeCommands)\(\s*([^,]+),/g)) {
          const arg = m[2].trim();
          const where = `${file}: ${m[0]}`;
          if (arg.startsWith('`')) {
            // Per-instance: must start with `<service>.` (the IAM patterns rely on it).
            expect({ where, ok: arg.startsWith(`\`${svc}.`) }).toEqual({ where, ok: true });
          } else if (m[1] === 'consumeCommands') {
            expect({ where, arg }).toEqual({ where, arg: `'${svc}'` });
          } else {
            const name = arg.startsWith("'") ? arg.slice(1, -1) : exported[arg];
            expect({ where, durable: durable.has(name) }).toEqual({ where, durable: true });
          }
        }
      }
    }
  });
});

describe('settings (CDK context)', () => {
  const read = (ctx: Record<string, unknown>) => readSettings((k) => ctx[k]);

  it('defaults: SQS bus, namespace onair, deletion protection on, HS256 without a JWKS', () => {
    const d = read({});
    expect(d).toMatchObject({
      namespace: 'onair',
      tableDeletionProtection: true,
      minTasks: 2,
      logRetentionDays: 30,
    });
    expect(d.rabbitmqUrlSecret).toBeUndefined();
    expect(d.auth).toBeUndefined();
  });

  it('refuses bad values, naming each key', () => {
    let err: unknown;
    try {
      read({
        logRetentionDays: '2',
        domainName: 'api.example.com',
        jwksUrl: 'http://x',
        namespace: 'Bad_NS',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SettingsError);
    const msg = (err as Error).message;
    for (const key of ['logRetentionDays', 'domainName needs certificateArn', 'jwksUrl', 'namespace'])
      expect(msg).toContain(key);
  });

  it('tableDeletionProtection=false turns it off', () => {
    expect(read({ tableDeletionProtection: 'false' }).tableDeletionProtection).toBe(false);
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}
