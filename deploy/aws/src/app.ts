import { join } from 'node:path';
import { App, type AppProps, type Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readSettings } from './settings';
import { OnairStack } from './stack';

/** The repository root (the Dockerfile's build context), from deploy/aws/src. */
export const REPO_ROOT = join(__dirname, '..', '..', '..');

/**
 * The CDK app: one onair stack, settings from context. The stack's region is the one the CDK CLI
 * targets (CDK_DEFAULT_REGION), or context `region`; load balancer access logs need it known.
 */
export function createApp(props: AppProps = {}): { app: App; stack: OnairStack } {
  const app = new App(props);
  const get = (key: string) => app.node.tryGetContext(key);
  const settings = readSettings(get);
  const region = stringOr(get('region'), process.env.CDK_DEFAULT_REGION ?? 'us-east-1');
  const account = stringOr(get('account'), process.env.CDK_DEFAULT_ACCOUNT);
  const stack = new OnairStack(app, stringOr(get('stackName'), 'onair') ?? 'onair', {
    settings,
    repoRoot: REPO_ROOT,
    env: { region, ...(account ? { account } : {}) },
    description:
      'onair: live video backend (IVS, IVS Chat, LiveKit, DynamoDB, SQS + EventBridge, S3) on ECS Fargate',
  });
  return { app, stack };
}

/** The AwsSolutions findings left after acknowledgements, as `rule: resource` lines. */
export function nagFindings(stack: Stack): string[] {
  const report = new AwsSolutionsChecks(stack).validateScope(stack);
  return report.violations.flatMap((v) =>
    v.violatingResources.map((r) => `${v.ruleName}: ${r.constructPath ?? r.resourceLogicalId}`),
  );
}

function stringOr<T extends string | undefined>(v: unknown, fallback: T): string | T {
  return typeof v === 'string' && v !== '' ? v : fallback;
}
