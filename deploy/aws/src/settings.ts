/**
 * What a deployment chooses, read from CDK context (`cdk deploy -c key=value`, or `context` in
 * cdk.json). Every key, its default and what it changes is listed in docs/deploy-aws.md.
 * A bad value stops the synthesis with a message naming the key and what it accepts.
 */
export interface Settings {
  /** BUS_NAMESPACE of every service: prefix of queues, rules and the event bus. */
  namespace: string;
  /** Secrets Manager secret (name or ARN) holding an amqp(s):// URL: the bus is then RabbitMQ. */
  rabbitmqUrlSecret?: string;
  livekit?: {
    /** The LiveKit server's API (https://…), LiveKit Cloud or self-hosted. */
    url: string;
    /** What clients connect to (wss://…); default: the API URL with http -> ws. */
    publicUrl?: string;
    /** Existing secret with JSON keys apiKey, apiSecret; default: one the stack creates. */
    secret?: string;
    /** Existing secret with JSON keys accessKey, secret that LiveKit egress uploads to S3 with. */
    egressS3Secret?: string;
  };
  /** Bearer tokens: a JWKS and issuer (Cognito or another provider); without it, HS256 with a generated secret. */
  auth?: { jwksUrl: string; issuer: string; audience?: string };
  /** The public name of the API and its ACM certificate (HTTPS on 443; without a certificate, HTTP on 80). */
  domainName?: string;
  certificateArn?: string;
  /** Route 53 zone to write the domain's alias record in. */
  hostedZone?: { id: string; name: string };
  /** Origins allowed by the gateway (CORS_ORIGINS) and the recordings bucket's CORS. */
  consoleOrigins: string[];
  /** Recordings move to S3 Infrequent Access after this many days, and expire after that many (0 = never). */
  recordingsInfrequentAccessDays: number;
  recordingsExpireDays: number;
  /** An image to run instead of building ./Dockerfile (e.g. an ECR URI built by your pipeline). */
  image?: string;
  logRetentionDays: number;
  /** DynamoDB deletion protection (default on). */
  tableDeletionProtection: boolean;
  minTasks: number;
  maxTasks: number;
  /** Gateway target: open connections per task (the load balancer's, both sides). */
  gatewayConnectionsPerTask: number;
  /** Worker target: messages waiting in its queues per task. */
  backlogPerTask: number;
  natGateways: number;
  /** Secret with a redis(s):// URL for shared rate limits (gateway, chat-svc). */
  redisUrlSecret?: string;
  /** An existing SNS topic the alarms notify. */
  alarmTopicArn?: string;
}

/** CloudWatch Logs accepts only these retention periods. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192];

export class SettingsError extends Error {
  constructor(problems: string[]) {
    super(`Invalid deploy settings (CDK context):\n  ${problems.join('\n  ')}`);
    this.name = 'SettingsError';
  }
}

/** Reads the settings from a context lookup (`node.tryGetContext`), collecting every problem. */
export function readSettings(get: (key: string) => unknown): Settings {
  const problems: string[] = [];
  const str = (key: string, pattern?: RegExp, hint?: string): string | undefined => {
    const v = get(key);
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') {
      problems.push(`${key} must be a string (got ${JSON.stringify(v)})`);
      return undefined;
    }
    if (pattern && !pattern.test(v)) {
      problems.push(`${key}=${JSON.stringify(v)} is invalid: ${hint ?? `expected ${pattern}`}`);
      return undefined;
    }
    return v;
  };
  const int = (key: string, def: number, min: number, max: number): number => {
    const v = get(key);
    if (v === undefined || v === null || v === '') return def;
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${key}=${JSON.stringify(v)} is invalid: an integer from ${min} to ${max}`);
      return def;
    }
    return n;
  };
  const bool = (key: string, def: boolean): boolean => {
    const v = get(key);
    if (v === undefined || v === null || v === '') return def;
    if (v === true || v === 'true') return true;
    if (v === false || v === 'false') return false;
    problems.push(`${key}=${JSON.stringify(v)} is invalid: true or false`);
    return def;
  };

  const namespace =
    str('namespace', /^[a-z0-9-]{1,20}$/, 'lowercase letters, digits and -, at most 20') ?? 'onair';

  const livekitUrl = str('livekitUrl', /^https?:\/\//, 'the LiveKit API URL, https://…');
  const livekitPublicUrl = str('livekitPublicUrl', /^wss?:\/\//, 'what clients connect to, wss://…');
  const livekitSecret = str('livekitSecret');
  const egressS3Secret = str('egressS3Secret');
  if (!livekitUrl && (livekitPublicUrl || livekitSecret || egressS3Secret))
    problems.push('livekitPublicUrl, livekitSecret and egressS3Secret need livekitUrl');

  const poolId = str(
    'cognitoUserPoolId',
    /^[a-z]{2}(-[a-z]+)+-\d_[A-Za-z0-9]+$/,
    'a user pool id, us-east-1_AbC123',
  );
  const clientId = str('cognitoClientId');
  let jwksUrl = str('jwksUrl', /^https:\/\//, 'an https:// URL');
  let issuer = str('jwtIssuer');
  const audience = str('jwtAudience') ?? clientId;
  if (poolId) {
    if (jwksUrl || issuer) problems.push('set either cognitoUserPoolId or jwksUrl + jwtIssuer, not both');
    const poolRegion = poolId.split('_')[0];
    issuer = `https://cognito-idp.${poolRegion}.amazonaws.com/${poolId}`;
    jwksUrl = `${issuer}/.well-known/jwks.json`;
  }
  if (Boolean(jwksUrl) !== Boolean(issuer)) problems.push('jwksUrl and jwtIssuer go together');

  const domainName = str('domainName', /^[a-z0-9.-]+\.[a-z]{2,}$/, 'a DNS name, api.example.com');
  const certificateArn = str('certificateArn', /^arn:aws[a-z-]*:acm:/, 'an ACM certificate ARN');
  const zoneId = str('hostedZoneId');
  const zoneName = str('hostedZoneName');
  if (Boolean(zoneId) !== Boolean(zoneName)) problems.push('hostedZoneId and hostedZoneName go together');
  if (zoneId && !domainName) problems.push('hostedZoneId needs domainName');
  if (domainName && !certificateArn)
    problems.push('domainName needs certificateArn (the API is served on HTTPS)');

  const origins = (str('consoleOrigins') ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const o of origins)
    if (!/^https?:\/\/[^/\s]+$/.test(o))
      problems.push(`consoleOrigins: ${JSON.stringify(o)} is not an origin (https://console.example.com)`);

  const logRetentionDays = int('logRetentionDays', 30, 1, 2192);
  if (!LOG_RETENTION_DAYS.includes(logRetentionDays))
    problems.push(`logRetentionDays=${logRetentionDays} is invalid: one of ${LOG_RETENTION_DAYS.join(', ')}`);

  const minTasks = int('minTasks', 2, 1, 100);
  const maxTasks = int('maxTasks', 10, 1, 1000);
  if (maxTasks < minTasks) problems.push(`maxTasks (${maxTasks}) is below minTasks (${minTasks})`);
  const infrequentAccess = int('recordingsInfrequentAccessDays', 30, 0, 3650);
  const expire = int('recordingsExpireDays', 0, 0, 36500);
  if (infrequentAccess > 0 && infrequentAccess < 30)
    problems.push(
      'recordingsInfrequentAccessDays: S3 allows Infrequent Access after 30 days at the earliest',
    );
  if (expire > 0 && infrequentAccess > 0 && expire <= infrequentAccess)
    problems.push('recordingsExpireDays must be after recordingsInfrequentAccessDays (or 0)');

  const settings: Settings = {
    namespace,
    rabbitmqUrlSecret: str('rabbitmqUrlSecret'),
    livekit: livekitUrl
      ? { url: livekitUrl, publicUrl: livekitPublicUrl, secret: livekitSecret, egressS3Secret }
      : undefined,
    auth: jwksUrl && issuer ? { jwksUrl, issuer, audience } : undefined,
    domainName,
    certificateArn,
    hostedZone: zoneId && zoneName ? { id: zoneId, name: zoneName } : undefined,
    consoleOrigins: origins,
    recordingsInfrequentAccessDays: infrequentAccess,
    recordingsExpireDays: expire,
    image: str('image'),
    logRetentionDays,
    tableDeletionProtection: bool('tableDeletionProtection', true),
    minTasks,
    maxTasks,
    gatewayConnectionsPerTask: int('gatewayConnectionsPerTask', 4000, 10, 1_000_000),
    backlogPerTask: int('backlogPerTask', 100, 1, 1_000_000),
    natGateways: int('natGateways', 1, 1, 3),
    redisUrlSecret: str('redisUrlSecret'),
    alarmTopicArn: str('alarmTopicArn', /^arn:aws[a-z-]*:sns:/, 'an SNS topic ARN'),
  };
  if (problems.length > 0) throw new SettingsError(problems);
  return settings;
}
