import { contracts, SERVICE_NAMES, type ServiceName } from '@onair/contracts';
import { eventQueuePolicy } from '@onair/runtime';
import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ivs from 'aws-cdk-lib/aws-ivs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledgeFindings, acknowledgeJustifiedWildcards, render } from './nag';
import { type PermissionContext, type TableRef, taskPolicyStatements } from './permissions';
import type { Settings } from './settings';
import { justifiedWildcards } from './wildcards';
import {
  busTopology,
  CONTAINER_PORT,
  type Env,
  gatewayReadTables,
  IVS_EVENT_RULES,
  IVS_RECORDINGS_PREFIX,
  SUBSCRIPTIONS,
  serviceConfigs,
  type ServiceConfigs,
  tableSpecs,
  type Worker,
  WORKERS,
} from './topology';

export interface OnairStackProps extends StackProps {
  settings: Settings;
  /** The repository root: the Dockerfile's build context. */
  repoRoot: string;
}

/** Task sizes (Fargate cpu units / MiB): the gateway holds the sockets. */
const TASK_SIZE: Record<ServiceName, { cpu: number; memoryLimitMiB: number }> = {
  gateway: { cpu: 1024, memoryLimitMiB: 2048 },
  'stream-svc': { cpu: 256, memoryLimitMiB: 512 },
  'chat-svc': { cpu: 512, memoryLimitMiB: 1024 },
  'recording-svc': { cpu: 256, memoryLimitMiB: 512 },
  'fanout-svc': { cpu: 512, memoryLimitMiB: 1024 },
};

/** The liveness probe the image's HEALTHCHECK uses too (node:24-slim has no curl). */
const probe = (path: string) =>
  `fetch('http://127.0.0.1:${CONTAINER_PORT}${path}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`;

/**
 * onair on AWS: the services' tables, the bus (SQS + EventBridge, or an existing RabbitMQ), the
 * IVS event rules, the recordings bucket and IVS recording configuration, and the five services on
 * ECS Fargate (the gateway behind an Application Load Balancer). Names come from ./topology.
 */
export class OnairStack extends Stack {
  /** What the services compute from the environment their tasks get (tests compare with the template). */
  readonly configs: ServiceConfigs;
  /** The environment each container gets, plain values and resource references. */
  readonly containerEnv: Record<ServiceName, Env>;

  constructor(scope: Construct, id: string, props: OnairStackProps) {
    super(scope, id, props);
    const s = props.settings;
    const ns = s.namespace;
    const sqsBus = !s.rabbitmqUrlSecret;
    const topo = busTopology(ns);
    const alarmTopic = s.alarmTopicArn
      ? sns.Topic.fromTopicArn(this, 'AlarmTopic', s.alarmTopicArn)
      : undefined;
    const alarmOnDepth = (id: string, queue: sqs.IQueue, what: string) => {
      const alarm = new cloudwatch.Alarm(this, id, {
        alarmDescription: `${what}: messages are waiting in ${queue.queueName}; see docs/deploy-aws.md#dead-letters`,
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      if (alarmTopic) alarm.addAlarmAction(new cwActions.SnsAction(alarmTopic));
    };

    // --- secrets ----------------------------------------------------------------------------------
    const imported = (id: string, nameOrArn: string) =>
      nameOrArn.startsWith('arn:')
        ? secretsmanager.Secret.fromSecretCompleteArn(this, id, nameOrArn)
        : secretsmanager.Secret.fromSecretNameV2(this, id, nameOrArn);
    const generated = (id: string, description: string) =>
      new secretsmanager.Secret(this, id, {
        description,
        generateSecretString: { passwordLength: 48, excludePunctuation: true },
      });
    const chatTokenSecret = generated(
      'ChatTokenSecret',
      'onair CHAT_TOKEN_SECRET: signs native chat tokens (gateway and chat-svc)',
    );
    const jwtSecret = s.auth
      ? undefined
      : generated(
          'JwtSecret',
          'onair JWT_SECRET: HS256 bearer tokens (set jwksUrl or cognitoUserPoolId instead)',
        );
    const livekitSecret = s.livekit
      ? s.livekit.secret
        ? imported('LiveKitSecret', s.livekit.secret)
        : new secretsmanager.Secret(this, 'LiveKitSecret', {
            description:
              'onair LiveKit API key and secret (JSON: apiKey, apiSecret); put your LiveKit values here',
            generateSecretString: {
              secretStringTemplate: JSON.stringify({ apiKey: `${ns}-api-key` }),
              generateStringKey: 'apiSecret',
              passwordLength: 48,
              excludePunctuation: true,
            },
          })
      : undefined;
    const egressSecret = s.livekit?.egressS3Secret
      ? imported('EgressS3Secret', s.livekit.egressS3Secret)
      : undefined;
    const amqpSecret = s.rabbitmqUrlSecret ? imported('RabbitMqUrl', s.rabbitmqUrlSecret) : undefined;
    const redisSecret = s.redisUrlSecret ? imported('RedisUrl', s.redisUrlSecret) : undefined;
    for (const secret of [chatTokenSecret, jwtSecret, livekitSecret])
      if (secret instanceof secretsmanager.Secret)
        acknowledgeFindings(secret, [
          {
            id: 'AwsSolutions-SMG4',
            reason:
              'Rotating these means restarting the services that share them at once (signing keys, LiveKit keys); docs/deploy-aws.md#rotate-secrets describes the manual rotation',
          },
        ]);

    const ecsSecrets: Record<ServiceName, Record<string, ecs.Secret>> = {
      gateway: {},
      'stream-svc': {},
      'chat-svc': {},
      'recording-svc': {},
      'fanout-svc': {},
    };
    const fromSecret = (secret: secretsmanager.ISecret, field?: string) =>
      ecs.Secret.fromSecretsManager(secret, field);
    for (const svc of SERVICE_NAMES) if (amqpSecret) ecsSecrets[svc].AMQP_URL = fromSecret(amqpSecret);
    ecsSecrets.gateway.CHAT_TOKEN_SECRET = fromSecret(chatTokenSecret);
    ecsSecrets['chat-svc'].CHAT_TOKEN_SECRET = fromSecret(chatTokenSecret);
    if (jwtSecret) ecsSecrets.gateway.JWT_SECRET = fromSecret(jwtSecret);
    if (livekitSecret)
      for (const svc of ['gateway', 'stream-svc', 'recording-svc'] as const) {
        ecsSecrets[svc].LIVEKIT_API_KEY = fromSecret(livekitSecret, 'apiKey');
        ecsSecrets[svc].LIVEKIT_API_SECRET = fromSecret(livekitSecret, 'apiSecret');
      }
    if (egressSecret) {
      ecsSecrets['recording-svc'].EGRESS_S3_ACCESS_KEY = fromSecret(egressSecret, 'accessKey');
      ecsSecrets['recording-svc'].EGRESS_S3_SECRET = fromSecret(egressSecret, 'secret');
    }
    if (redisSecret)
      for (const svc of ['gateway', 'chat-svc'] as const) ecsSecrets[svc].REDIS_URL = fromSecret(redisSecret);

    // --- configuration: plain values first, so the services' own schemas compute every name -----
    const common: Env = {
      BUS_NAMESPACE: ns,
      HOST: '0.0.0.0',
      PORT: String(CONTAINER_PORT),
      LOG_LEVEL: 'info',
    };
    const livekitEnv: Env = s.livekit ? { LIVEKIT_URL: s.livekit.url } : {};
    const plain: Record<ServiceName, Env> = {
      gateway: {
        ...common,
        ...livekitEnv,
        ...(s.livekit?.publicUrl ? { LIVEKIT_PUBLIC_URL: s.livekit.publicUrl } : {}),
        ...(s.auth
          ? {
              JWT_JWKS_URL: s.auth.jwksUrl,
              JWT_ISSUER: s.auth.issuer,
              ...(s.auth.audience ? { JWT_AUDIENCE: s.auth.audience } : {}),
            }
          : {}),
        CORS_ORIGINS: s.consoleOrigins.join(','),
      },
      'stream-svc': { ...common, ...livekitEnv },
      'chat-svc': { ...common },
      'recording-svc': { ...common, ...livekitEnv },
      'fanout-svc': { ...common },
    };
    this.configs = serviceConfigs(plain);
    const configs = this.configs;

    // --- tables -----------------------------------------------------------------------------------
    const specs = tableSpecs(configs);
    const tables = {} as Record<Worker, dynamodb.Table>;
    const tableRefs = {} as Record<Worker, TableRef>;
    for (const svc of WORKERS) {
      const spec = specs[svc];
      const table = new dynamodb.Table(this, `Table-${svc}`, {
        tableName: spec.name,
        partitionKey: { name: 'PK', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'SK', type: dynamodb.AttributeType.STRING },
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: s.tableDeletionProtection,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      for (const index of spec.indexes ?? [])
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: { name: index.pk, type: dynamodb.AttributeType.STRING },
          sortKey: { name: index.sk, type: dynamodb.AttributeType.STRING },
          projectionType: dynamodb.ProjectionType.ALL,
        });
      tables[svc] = table;
      tableRefs[svc] = {
        name: spec.name,
        arn: table.tableArn,
        indexArns: (spec.indexes ?? []).map((i) => `${table.tableArn}/index/${i.name}`),
      };
    }
    const gatewayReads = gatewayReadTables(configs).map((name) => {
      const ref = Object.values(tableRefs).find((t) => t.name === name);
      if (!ref) throw new Error(`the gateway reads table ${name}, which no service owns`);
      return ref;
    });

    // --- the bus: SQS + EventBridge ---------------------------------------------------------------
    const queueWithDlq = (id: string, name: string, o: { policyFromCode?: boolean } = {}) => {
      const dlq = new sqs.Queue(this, `${id}-dlq`, {
        queueName: topo.dlq(name),
        retentionPeriod: Duration.seconds(topo.dlqRetentionSeconds),
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      const queue = new sqs.Queue(this, id, {
        queueName: name,
        visibilityTimeout: Duration.seconds(topo.visibilityTimeoutSeconds),
        deadLetterQueue: { queue: dlq, maxReceiveCount: topo.maxReceiveCount },
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: !o.policyFromCode,
      });
      alarmOnDepth(`${id}-dlq-depth`, dlq, 'Dead letters');
      return { queue, dlq };
    };
    const workerQueues: Record<Worker, sqs.Queue[]> = {
      'stream-svc': [],
      'chat-svc': [],
      'recording-svc': [],
      'fanout-svc': [],
    };
    if (sqsBus) {
      const bus = new events.EventBus(this, 'EventBus', { eventBusName: topo.eventBusName });
      for (const svc of WORKERS)
        for (const target of contracts.targetsOf(svc))
          workerQueues[svc].push(queueWithDlq(`Commands-${target}`, topo.commandQueue(target)).queue);
      for (const sub of SUBSCRIPTIONS) {
        const { queue } = queueWithDlq(`Events-${sub.subscriber}`, topo.eventQueue(sub.subscriber), {
          policyFromCode: true,
        });
        workerQueues[sub.service].push(queue);
        const rule = new events.CfnRule(this, `Rule-${sub.subscriber}`, {
          name: topo.rule(sub.subscriber),
          eventBusName: bus.eventBusName,
          description: topo.ruleDescription(sub.subscriber, sub.patterns),
          eventPattern: topo.eventPattern(sub.patterns),
          state: 'ENABLED',
          targets: [{ id: topo.ruleTargetId, arn: queue.queueArn }],
        });
        // The same policy the subscriber writes at start-up (libs/runtime eventQueuePolicy).
        new sqs.CfnQueuePolicy(this, `Events-${sub.subscriber}-policy`, {
          queues: [queue.queueUrl],
          policyDocument: eventQueuePolicy(queue.queueArn, rule.attrArn),
        });
        acknowledgeFindings(queue, [
          {
            id: 'AwsSolutions-SQS4',
            reason:
              'The subscribing service sets this queue policy at every start (SetQueueAttributes Policy replaces the whole policy), so it is exactly the one the code writes: EventBridge on behalf of this rule only. Every client is the AWS SDK over HTTPS',
          },
        ]);
      }
    }

    // --- IVS events: aws.ivs on the default bus -> the queues stream-svc and recording-svc poll ---
    const ivsQueues = {} as Record<'stream-svc' | 'recording-svc', sqs.Queue>;
    for (const reader of ['stream-svc', 'recording-svc'] as const) {
      const r = IVS_EVENT_RULES[reader];
      const name = r.queue(ns);
      const { queue } = queueWithDlq(`Ivs-${reader}`, name);
      new events.Rule(this, `IvsRule-${reader}`, {
        ruleName: name,
        description: `onair: ${r.detailTypes.join(', ')} -> ${reader}`,
        eventPattern: { source: ['aws.ivs'], detailType: [...r.detailTypes] },
        targets: [new eventTargets.SqsQueue(queue)],
      });
      ivsQueues[reader] = queue;
      workerQueues[reader].push(queue);
    }

    // --- buckets and the IVS recording configuration -----------------------------------------------
    const logsBucket = new s3.Bucket(this, 'LogsBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeFindings(logsBucket, [
      {
        id: 'AwsSolutions-S1',
        reason: 'This bucket receives the access logs of the recordings bucket and the load balancer',
      },
    ]);
    const recordingsPrefix = configs['recording-svc'].RECORDINGS_PATH;
    const recordings = new s3.Bucket(this, 'RecordingsBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: logsBucket,
      serverAccessLogsPrefix: 'recordings-bucket/',
      cors: s.consoleOrigins.length
        ? [
            {
              allowedOrigins: s.consoleOrigins,
              allowedMethods: [s3.HttpMethods.GET, s3.HttpMethods.HEAD],
              allowedHeaders: ['Range'],
              exposedHeaders: ['Accept-Ranges', 'Content-Length', 'Content-Range', 'ETag'],
              maxAge: 3600,
            },
          ]
        : undefined,
      lifecycleRules: [
        {
          id: 'recordings',
          abortIncompleteMultipartUploadAfter: Duration.days(7),
          ...(s.recordingsInfrequentAccessDays > 0
            ? {
                transitions: [
                  {
                    storageClass: s3.StorageClass.INFREQUENT_ACCESS,
                    transitionAfter: Duration.days(s.recordingsInfrequentAccessDays),
                  },
                ],
              }
            : {}),
          ...(s.recordingsExpireDays > 0 ? { expiration: Duration.days(s.recordingsExpireDays) } : {}),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const recordingConfiguration = new ivs.CfnRecordingConfiguration(this, 'IvsRecordingConfiguration', {
      name: `${ns}-recordings`,
      destinationConfiguration: { s3: { bucketName: recordings.bucketName } },
      recordingReconnectWindowSeconds: 60,
    });

    // --- network, cluster, image ---------------------------------------------------------------------
    const flowLogs = new logs.LogGroup(this, 'VpcFlowLogs', {
      retention: s.logRetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: s.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      ],
      flowLogs: {
        all: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
          trafficType: ec2.FlowLogTrafficType.ALL,
        },
      },
      gatewayEndpoints: {
        s3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
        dynamodb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      },
    });
    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    const image = containerImage(this, s.image, props.repoRoot);

    // --- the services --------------------------------------------------------------------------------
    const permissionContext: PermissionContext = {
      namespace: ns,
      sqsBus,
      tables: tableRefs,
      gatewayReads,
      ivsEventQueueArns: {
        'stream-svc': ivsQueues['stream-svc'].queueArn,
        'recording-svc': ivsQueues['recording-svc'].queueArn,
      },
      bucketArn: recordings.bucketArn,
      recordingPrefixes: [recordingsPrefix, IVS_RECORDINGS_PREFIX(Aws.ACCOUNT_ID)],
      recordingConfigurationArn: recordingConfiguration.attrArn,
    };
    const resourceEnv: Record<ServiceName, Env> = {
      gateway: { AWS_REGION: Aws.REGION },
      'stream-svc': {
        AWS_REGION: Aws.REGION,
        [IVS_EVENT_RULES['stream-svc'].env]: ivsQueues['stream-svc'].queueUrl,
      },
      'chat-svc': { AWS_REGION: Aws.REGION },
      'recording-svc': {
        AWS_REGION: Aws.REGION,
        S3_BUCKET: recordings.bucketName,
        [IVS_EVENT_RULES['recording-svc'].env]: ivsQueues['recording-svc'].queueUrl,
      },
      'fanout-svc': { AWS_REGION: Aws.REGION },
    };
    this.containerEnv = {} as Record<ServiceName, Env>;
    const albSg = new ec2.SecurityGroup(this, 'AlbSecurityGroup', {
      vpc,
      description: 'onair load balancer: HTTPS (and HTTP redirect) from anywhere',
      allowAllOutbound: false,
    });
    const services = {} as Record<ServiceName, ecs.FargateService>;
    for (const svc of SERVICE_NAMES) {
      const logGroup = new logs.LogGroup(this, `Logs-${svc}`, {
        logGroupName: `/${ns}/${svc}`,
        retention: s.logRetentionDays,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const role = new iam.Role(this, `TaskRole-${svc}`, {
        assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
        description: `onair ${svc}: only its own table, queues and AWS APIs`,
      });
      const policy = new iam.Policy(this, `TaskPolicy-${svc}`, {
        statements: taskPolicyStatements(this, svc, permissionContext),
      });
      role.attachInlinePolicy(policy);
      const taskDefinition = new ecs.FargateTaskDefinition(this, `Task-${svc}`, {
        ...TASK_SIZE[svc],
        taskRole: role,
        runtimePlatform: {
          cpuArchitecture: ecs.CpuArchitecture.X86_64,
          operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        },
      });
      const environment = { ...plain[svc], ...resourceEnv[svc], SERVICE: svc };
      this.containerEnv[svc] = environment;
      taskDefinition.addContainer(svc, {
        containerName: svc,
        image,
        environment,
        secrets: ecsSecrets[svc],
        logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: svc }),
        portMappings: [{ containerPort: CONTAINER_PORT }],
        // Liveness only: a service whose bus or table is away stays up (and says so on /readyz).
        healthCheck: {
          command: ['CMD', 'node', '-e', probe('/healthz')],
          interval: Duration.seconds(15),
          timeout: Duration.seconds(5),
          retries: 3,
          startPeriod: Duration.seconds(30),
        },
        // tini as PID 1 forwards SIGTERM to node, which drains (closeWithGrace, 15 s) before it exits.
        linuxParameters: new ecs.LinuxParameters(this, `Linux-${svc}`, { initProcessEnabled: true }),
        stopTimeout: Duration.seconds(30),
        readonlyRootFilesystem: true,
      });
      acknowledgeFindings(taskDefinition, [
        {
          id: 'AwsSolutions-ECS2',
          reason:
            'Only settings that are not secret are environment variables (namespace, URLs, resource names); every secret is an ECS secret from Secrets Manager',
        },
      ]);
      const sg = new ec2.SecurityGroup(this, `ServiceSecurityGroup-${svc}`, {
        vpc,
        description: `onair ${svc}: no inbound except the gateway from its load balancer`,
      });
      const service = new ecs.FargateService(this, `Service-${svc}`, {
        cluster,
        taskDefinition,
        desiredCount: s.minTasks,
        minHealthyPercent: 100,
        maxHealthyPercent: 200,
        circuitBreaker: { rollback: true },
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        securityGroups: [sg],
        assignPublicIp: false,
      });
      services[svc] = service;
    }

    // --- the gateway behind the load balancer ----------------------------------------------------------
    // Above the chat sockets' ping interval, so an idle socket is never cut by the load balancer.
    const idleTimeoutSeconds = Math.ceil(configs.gateway.WS_PING_INTERVAL_MS / 1000) * 2 + 30;
    const alb = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: true,
      securityGroup: albSg,
      idleTimeout: Duration.seconds(idleTimeoutSeconds),
      dropInvalidHeaderFields: true,
    });
    alb.logAccessLogs(logsBucket, 'alb');
    acknowledgeFindings(albSg, [
      {
        id: 'AwsSolutions-EC23',
        reason: 'The public API: clients connect from anywhere on 443 (and 80, redirected)',
      },
    ]);
    const listener = s.certificateArn
      ? alb.addListener('Https', {
          port: 443,
          certificates: [elbv2.ListenerCertificate.fromArn(s.certificateArn)],
          sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
          open: true,
        })
      : alb.addListener('Http', { port: 80, open: true });
    if (s.certificateArn) alb.addRedirect({ sourcePort: 80, targetPort: 443 });
    listener.addTargets('Gateway', {
      port: CONTAINER_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [services.gateway],
      healthCheck: {
        path: '/readyz',
        interval: Duration.seconds(10),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
      deregistrationDelay: Duration.seconds(30),
    });
    if (s.hostedZone && s.domainName) {
      const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
        hostedZoneId: s.hostedZone.id,
        zoneName: s.hostedZone.name,
      });
      new route53.ARecord(this, 'ApiAlias', {
        zone,
        recordName: s.domainName,
        target: route53.RecordTarget.fromAlias(new route53Targets.LoadBalancerTarget(alb)),
      });
    }

    // --- autoscaling ---------------------------------------------------------------------------------
    const runningTasks = (svc: ServiceName) => ({
      id: 'tasks',
      metricStat: {
        metric: {
          namespace: 'ECS/ContainerInsights',
          metricName: 'RunningTaskCount',
          dimensions: [
            { name: 'ClusterName', value: cluster.clusterName },
            { name: 'ServiceName', value: services[svc].serviceName },
          ],
        },
        stat: 'Average',
      },
      returnData: false,
    });
    for (const svc of SERVICE_NAMES) {
      const scaling = services[svc].autoScaleTaskCount({ minCapacity: s.minTasks, maxCapacity: s.maxTasks });
      scaling.scaleOnCpuUtilization('Cpu', {
        targetUtilizationPercent: 60,
        scaleInCooldown: Duration.minutes(2),
        scaleOutCooldown: Duration.minutes(1),
      });
      const target = scaling.node.findChild('Target');
      if (!(target instanceof appscaling.ScalableTarget)) throw new Error('no scalable target');
      const perTask = (
        id: string,
        label: string,
        metrics: appscaling.CfnScalingPolicy.TargetTrackingMetricDataQueryProperty[],
        targetValue: number,
      ) =>
        new appscaling.CfnScalingPolicy(this, id, {
          policyName: `${ns}-${svc}-${label}`,
          policyType: 'TargetTrackingScaling',
          scalingTargetId: target.scalableTargetId,
          targetTrackingScalingPolicyConfiguration: {
            targetValue,
            scaleInCooldown: 120,
            scaleOutCooldown: 60,
            customizedMetricSpecification: {
              metrics: [
                ...metrics,
                runningTasks(svc),
                {
                  id: 'perTask',
                  label,
                  expression: `(${metrics.map((m) => m.id).join(' + ')}) / tasks`,
                  returnData: true,
                },
              ],
            },
          },
        });
      if (svc === 'gateway') {
        perTask(
          `Scaling-${svc}-connections`,
          'connections-per-task',
          [
            {
              id: 'connections',
              metricStat: {
                metric: {
                  namespace: 'AWS/ApplicationELB',
                  metricName: 'ActiveConnectionCount',
                  dimensions: [{ name: 'LoadBalancer', value: alb.loadBalancerFullName }],
                },
                stat: 'Sum',
              },
              returnData: false,
            },
          ],
          s.gatewayConnectionsPerTask,
        );
        continue;
      }
      const queues = workerQueues[svc];
      perTask(
        `Scaling-${svc}-backlog`,
        'backlog-per-task',
        queues.map((q, i) => ({
          id: `q${i}`,
          metricStat: {
            metric: {
              namespace: 'AWS/SQS',
              metricName: 'ApproximateNumberOfMessagesVisible',
              dimensions: [{ name: 'QueueName', value: q.queueName }],
            },
            stat: 'Sum',
          },
          returnData: false,
        })),
        s.backlogPerTask,
      );
    }

    // --- outputs ---------------------------------------------------------------------------------------
    const scheme = s.certificateArn ? 'https' : 'http';
    new CfnOutput(this, 'ApiUrl', {
      value: `${scheme}://${s.domainName ?? alb.loadBalancerDnsName}`,
      description: 'The gateway (REST, WebSockets, /docs)',
    });
    new CfnOutput(this, 'LoadBalancerDns', { value: alb.loadBalancerDnsName });
    new CfnOutput(this, 'RecordingConfigurationArn', {
      value: recordingConfiguration.attrArn,
      description: 'Pass as recordingConfigurationArn when creating a stream to record it to S3',
    });
    new CfnOutput(this, 'RecordingsBucketName', { value: recordings.bucketName });
    new CfnOutput(this, 'ChatTokenSecretArn', { value: chatTokenSecret.secretArn });
    if (jwtSecret) new CfnOutput(this, 'JwtSecretArn', { value: jwtSecret.secretArn });
    if (livekitSecret) new CfnOutput(this, 'LiveKitSecretArn', { value: livekitSecret.secretArn });
    new CfnOutput(this, 'ClusterName', { value: cluster.clusterName });

    // Last, when every policy is complete: each IAM wildcard finding is acknowledged with the reason
    // deploy/aws/src/wildcards.ts gives for it, or stays open (and fails the synthesis).
    acknowledgeJustifiedWildcards(
      this,
      justifiedWildcards(
        ns,
        permissionContext.recordingPrefixes.map((p) => render(p, this)),
      ),
    );
  }
}

/** ./Dockerfile built by CDK, or an image the deployer names (an ECR URI gets pull rights). */
function containerImage(scope: Construct, uri: string | undefined, repoRoot: string): ecs.ContainerImage {
  if (!uri) {
    const asset = new ecrAssets.DockerImageAsset(scope, 'Image', {
      directory: repoRoot,
      file: 'Dockerfile',
      platform: ecrAssets.Platform.LINUX_AMD64,
      // .dockerignore applies too; these keep the CDK's own copy of the context small.
      exclude: ['**/node_modules', '.git', '**/cdk.out', 'reports', 'coverage', '.onair', '**/dist'],
    });
    return ecs.ContainerImage.fromDockerImageAsset(asset);
  }
  const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:@]+)(?::([^@]+))?$/.exec(uri);
  if (!m) return ecs.ContainerImage.fromRegistry(uri);
  const repo = ecr.Repository.fromRepositoryAttributes(scope, 'ImageRepository', {
    repositoryName: m[3],
    repositoryArn: `arn:aws:ecr:${m[2]}:${m[1]}:repository/${m[3]}`,
  });
  return ecs.ContainerImage.fromEcrRepository(repo, m[4] ?? 'latest');
}
