import { CfnResource, type Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { type JustifiedWildcard, NO_RESOURCE_LEVEL_PERMISSIONS } from './wildcards';

export interface Acknowledgement {
  /** A cdk-nag rule id, `AwsSolutions-XYZ` or a single finding `AwsSolutions-IAM5[Resource::…]`. */
  id: string;
  /** Why the finding is right for onair: checked to be a real sentence by the cdk-nag test. */
  reason: string;
}

/** Every acknowledgement made, with where it applies (the cdk-nag test reads this list). */
export const acknowledgements: Array<Acknowledgement & { path: string }> = [];

/** Acknowledge cdk-nag findings on a construct (and its children), each with its reason. */
export function acknowledgeFindings(scope: IConstruct, list: Acknowledgement[]): void {
  for (const a of list) {
    Validations.of(scope).acknowledge(a);
    acknowledgements.push({ ...a, path: scope.node.path });
  }
}

/**
 * A template value as cdk-nag writes it in finding ids: strings as they are, `{ Ref: X }` as
 * `<X>`, `{ 'Fn::GetAtt': [X, Y] }` as `<X.Y>`, joins joined. Tokens are resolved first.
 */
export function render(value: unknown, stack?: Stack): string {
  const v = stack ? stack.resolve(value) : Token.isUnresolved(value) ? undefined : value;
  if (v === undefined) throw new Error('render needs the stack to resolve tokens');
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.Ref === 'string') return `<${o.Ref}>`;
    const att = o['Fn::GetAtt'];
    if (Array.isArray(att)) return `<${att.join('.')}>`;
    const join = o['Fn::Join'];
    if (Array.isArray(join) && Array.isArray(join[1]))
      return join[1].map((p: unknown) => render(p, stack)).join(String(join[0]));
    const sub = o['Fn::Sub'];
    if (typeof sub === 'string') return sub;
  }
  return JSON.stringify(v);
}

interface Statement {
  Action?: string | string[];
  Resource?: unknown;
}

/**
 * Runs the AwsSolutions pack once and acknowledges each IAM5 (wildcard) finding that has a
 * reason: `*` resources whose statements call only APIs without resource-level permissions,
 * and ARN patterns listed in wildcards.ts. Anything else is left for the real check to report.
 */
export function acknowledgeJustifiedWildcards(stack: Stack, justified: JustifiedWildcard[]): void {
  const report = new AwsSolutionsChecks(stack).validateScope(stack);
  const byPath = new Map<string, CfnResource>();
  for (const c of stack.node.findAll()) if (c instanceof CfnResource) byPath.set(c.node.path, c);
  for (const v of report.violations) {
    const m = /^AwsSolutions-IAM5\[Resource::(.*)\]$/.exec(v.ruleName);
    if (!m) continue;
    for (const r of v.violatingResources) {
      const resource = r.constructPath ? byPath.get(r.constructPath) : undefined;
      if (!(resource instanceof iam.CfnPolicy)) continue;
      const reason =
        m[1] === '*' ? starReason(stack, resource) : justified.find((j) => j.matches(m[1]))?.reason;
      if (reason) acknowledgeFindings(resource, [{ id: v.ruleName, reason }]);
    }
  }
}

function starReason(stack: Stack, policy: iam.CfnPolicy): string | undefined {
  const doc = stack.resolve(policy.policyDocument) as { Statement?: Statement[] };
  const actions = (doc.Statement ?? [])
    .filter((s) => s.Resource === '*' || (Array.isArray(s.Resource) && s.Resource.includes('*')))
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : s.Action ? [s.Action] : []));
  if (actions.length === 0 || actions.some((a) => !(a in NO_RESOURCE_LEVEL_PERMISSIONS))) return undefined;
  return `No resource-level permissions: ${actions.map((a) => `${a} (${NO_RESOURCE_LEVEL_PERMISSIONS[a]})`).join('; ')}`;
}
