// In-memory control plane: event buses, rules and their targets. It knows nothing about HTTP or
// SQS, so the server stays a thin protocol adapter and the state rules (what AWS refuses, and
// with which error) live in one place.

import { type CompiledPattern, compilePattern, InvalidEventPatternError } from './pattern';

/** An error AWS would return; `type` becomes the wire `__type`. */
export class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

export type RuleState = 'ENABLED' | 'DISABLED' | 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
const RULE_STATES: ReadonlySet<string> = new Set([
  'ENABLED',
  'DISABLED',
  'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
]);

/** A target as the API shapes it; unknown fields are kept so ListTargetsByRule echoes them. */
export interface Target {
  Id: string;
  Arn: string;
  Input?: string;
  InputPath?: string;
  SqsParameters?: { MessageGroupId?: string };
  [extra: string]: unknown;
}

export interface Rule {
  name: string;
  arn: string;
  eventBusName: string;
  eventPattern?: string;
  compiled?: CompiledPattern;
  scheduleExpression?: string;
  state: RuleState;
  description?: string;
  roleArn?: string;
  targets: Map<string, Target>;
}

export interface EventBus {
  name: string;
  arn: string;
  description?: string;
  creationTime: Date;
  lastModifiedTime: Date;
  rules: Map<string, Rule>;
}

export interface PutRuleInput {
  Name?: string;
  EventPattern?: string;
  ScheduleExpression?: string;
  State?: string;
  Description?: string;
  RoleArn?: string;
  EventBusName?: string;
}

export interface FailedTargetEntry {
  TargetId: string;
  ErrorCode: string;
  ErrorMessage: string;
}

const NAME_RE = /^[.\-_A-Za-z0-9]{1,64}$/;
const BUS_NAME_RE = /^[/.\-_A-Za-z0-9]{1,256}$/;
const MAX_TARGETS_PER_RULE = 5;
const MAX_TARGETS_PER_REQUEST = 10;

export class Registry {
  private readonly buses = new Map<string, EventBus>();

  constructor(
    readonly region: string,
    readonly accountId: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    // Every account has a "default" bus that can be neither created nor deleted.
    const t = now();
    this.buses.set('default', {
      name: 'default',
      arn: this.busArn('default'),
      creationTime: t,
      lastModifiedTime: t,
      rules: new Map(),
    });
  }

  busArn(name: string): string {
    return `arn:aws:events:${this.region}:${this.accountId}:event-bus/${name}`;
  }

  /** Rules on the default bus have no bus segment in their ARN; others do (as in AWS). */
  ruleArn(busName: string, ruleName: string): string {
    const path = busName === 'default' ? ruleName : `${busName}/${ruleName}`;
    return `arn:aws:events:${this.region}:${this.accountId}:rule/${path}`;
  }

  /** Accepts a bus name or a bus ARN, as every EventBusName parameter does. */
  resolveBusName(nameOrArn: string | undefined): string {
    if (nameOrArn === undefined || nameOrArn === '') return 'default';
    const m = /^arn:aws[\w-]*:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(nameOrArn);
    return m ? m[1] : nameOrArn;
  }

  getBus(nameOrArn: string | undefined): EventBus {
    const name = this.resolveBusName(nameOrArn);
    const bus = this.buses.get(name);
    if (!bus) throw new ApiError('ResourceNotFoundException', `Event bus ${name} does not exist.`);
    return bus;
  }

  // --- buses ------------------------------------------------------------------------------------

  createEventBus(name: unknown, description?: unknown): EventBus {
    const n = requireString(name, 'name');
    if (!BUS_NAME_RE.test(n)) throw validation('name', n, 'Member must satisfy regular expression pattern');
    if (n.startsWith('aws.')) {
      // Names under aws. are reserved for partner event sources, which this stand-in has none of.
      throw new ApiError('ValidationException', `Event source ${n} does not exist.`);
    }
    if (this.buses.has(n))
      throw new ApiError('ResourceAlreadyExistsException', `Event bus ${n} already exists.`);
    const t = this.now();
    const bus: EventBus = {
      name: n,
      arn: this.busArn(n),
      description: typeof description === 'string' ? description : undefined,
      creationTime: t,
      lastModifiedTime: t,
      rules: new Map(),
    };
    this.buses.set(n, bus);
    return bus;
  }

  deleteEventBus(name: unknown): void {
    const n = this.resolveBusName(requireString(name, 'name'));
    if (n === 'default') throw new ApiError('ValidationException', 'Cannot delete event bus default.');
    // Deleting a bus that does not exist succeeds in AWS (the operation has no NotFound error).
    this.buses.delete(n);
  }

  listEventBuses(namePrefix?: string): EventBus[] {
    return [...this.buses.values()]
      .filter((b) => !namePrefix || b.name.startsWith(namePrefix))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  // --- rules ------------------------------------------------------------------------------------

  putRule(input: PutRuleInput): Rule {
    const name = requireString(input.Name, 'name');
    if (!NAME_RE.test(name)) throw validation('name', name, 'Member must satisfy regular expression pattern');
    const bus = this.getBus(input.EventBusName);
    if (input.EventPattern === undefined && input.ScheduleExpression === undefined) {
      throw new ApiError(
        'ValidationException',
        'Parameter(s) EventPattern or ScheduleExpression must be specified.',
      );
    }
    if (input.ScheduleExpression !== undefined && bus.name !== 'default') {
      throw new ApiError(
        'ValidationException',
        'ScheduleExpression is supported only on the default event bus.',
      );
    }
    const state = input.State ?? 'ENABLED';
    if (!RULE_STATES.has(state)) {
      throw validation('state', state, 'Member must satisfy enum value set: [ENABLED, DISABLED]');
    }
    let compiled: CompiledPattern | undefined;
    if (input.EventPattern !== undefined) {
      try {
        compiled = compilePattern(input.EventPattern);
      } catch (err) {
        if (err instanceof InvalidEventPatternError)
          throw new ApiError('InvalidEventPatternException', err.message);
        throw err;
      }
    }
    // PutRule is an upsert: an existing rule keeps its targets and ARN.
    const existing = bus.rules.get(name);
    const rule: Rule = {
      name,
      arn: this.ruleArn(bus.name, name),
      eventBusName: bus.name,
      eventPattern: input.EventPattern,
      compiled,
      scheduleExpression: input.ScheduleExpression,
      state: state as RuleState,
      description: input.Description,
      roleArn: input.RoleArn,
      targets: existing?.targets ?? new Map(),
    };
    bus.rules.set(name, rule);
    return rule;
  }

  getRule(name: unknown, busNameOrArn: string | undefined): Rule {
    const n = requireString(name, 'name');
    const bus = this.getBus(busNameOrArn);
    const rule = bus.rules.get(n);
    if (!rule)
      throw new ApiError('ResourceNotFoundException', `Rule ${n} does not exist on EventBus ${bus.name}.`);
    return rule;
  }

  listRules(busNameOrArn: string | undefined, namePrefix?: string): Rule[] {
    const bus = this.getBus(busNameOrArn);
    return [...bus.rules.values()]
      .filter((r) => !namePrefix || r.name.startsWith(namePrefix))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  deleteRule(name: unknown, busNameOrArn: string | undefined): void {
    const n = requireString(name, 'name');
    const bus = this.getBus(busNameOrArn);
    const rule = bus.rules.get(n);
    // A missing rule is not an error in AWS: DeleteRule is idempotent.
    if (!rule) return;
    if (rule.targets.size > 0)
      throw new ApiError('ValidationException', "Rule can't be deleted since it has targets.");
    bus.rules.delete(n);
  }

  // --- targets ----------------------------------------------------------------------------------

  putTargets(ruleName: unknown, busNameOrArn: string | undefined, targets: unknown): FailedTargetEntry[] {
    const rule = this.getRule(ruleName, busNameOrArn);
    if (!Array.isArray(targets) || targets.length === 0)
      throw validation('targets', targets, 'Member must have length greater than or equal to 1');
    if (targets.length > MAX_TARGETS_PER_REQUEST) {
      throw validation(
        'targets',
        `[${targets.length} items]`,
        'Member must have length less than or equal to 10',
      );
    }
    const newIds = new Set(
      targets
        .map((t) => (isRecord(t) ? t.Id : undefined))
        .filter((id) => typeof id === 'string' && !rule.targets.has(id)),
    );
    if (rule.targets.size + newIds.size > MAX_TARGETS_PER_RULE) {
      throw new ApiError(
        'LimitExceededException',
        `The requested resource exceeds the maximum number allowed.`,
      );
    }
    const failed: FailedTargetEntry[] = [];
    for (const t of targets) {
      const id = isRecord(t) && typeof t.Id === 'string' ? t.Id : '';
      const problem = checkTarget(t);
      if (problem) {
        failed.push({ TargetId: id, ErrorCode: 'ValidationException', ErrorMessage: problem });
        continue;
      }
      rule.targets.set(id, { ...(t as Target) });
    }
    return failed;
  }

  listTargets(ruleName: unknown, busNameOrArn: string | undefined): Target[] {
    return [...this.getRule(ruleName, busNameOrArn).targets.values()];
  }

  removeTargets(ruleName: unknown, busNameOrArn: string | undefined, ids: unknown): FailedTargetEntry[] {
    const rule = this.getRule(ruleName, busNameOrArn);
    if (!Array.isArray(ids) || ids.length === 0)
      throw validation('ids', ids, 'Member must have length greater than or equal to 1');
    if (ids.length > MAX_TARGETS_PER_REQUEST) {
      throw validation('ids', `[${ids.length} items]`, 'Member must have length less than or equal to 10');
    }
    // Unknown ids are silently ignored, as in AWS.
    for (const id of ids) if (typeof id === 'string') rule.targets.delete(id);
    return [];
  }

  // --- data plane -------------------------------------------------------------------------------

  /** Enabled rules on the bus whose pattern matches the event envelope. */
  matchingRules(busName: string, envelope: unknown): Rule[] {
    const bus = this.buses.get(busName);
    if (!bus) return [];
    return [...bus.rules.values()].filter(
      (r) => r.state !== 'DISABLED' && r.compiled !== undefined && r.compiled.matches(envelope),
    );
  }
}

/** Returns why a target is unacceptable, or undefined. Only SQS targets can be delivered here. */
function checkTarget(t: unknown): string | undefined {
  if (!isRecord(t)) return 'Target must be an object.';
  if (typeof t.Id !== 'string' || !NAME_RE.test(t.Id)) return 'Target Id is not valid.';
  if (typeof t.Arn !== 'string') return 'Target Arn is required.';
  if (!parseSqsArn(t.Arn)) {
    return `Target ${t.Arn} is not supported by the local EventBridge stand-in: only SQS queue ARNs can be targets.`;
  }
  if (t.Input !== undefined && t.InputPath !== undefined)
    return 'Only one of Input, InputPath or InputTransformer may be set.';
  if (t.Input !== undefined) {
    if (typeof t.Input !== 'string') return 'Input must be a string.';
    try {
      JSON.parse(t.Input);
    } catch {
      return 'Input is not valid JSON.';
    }
  }
  if (t.InputTransformer !== undefined)
    return 'InputTransformer is not supported by the local EventBridge stand-in.';
  if (t.Arn.endsWith('.fifo')) {
    const params = t.SqsParameters;
    if (!isRecord(params) || typeof params.MessageGroupId !== 'string') {
      return 'Parameter(s) SqsParameters must be specified for target: FIFO queue requires MessageGroupId.';
    }
  }
  return undefined;
}

export interface SqsArn {
  region: string;
  accountId: string;
  queueName: string;
}

export function parseSqsArn(arn: string): SqsArn | undefined {
  const m = /^arn:aws[\w-]*:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,80}(?:\.fifo)?)$/.exec(arn);
  return m ? { region: m[1], accountId: m[2], queueName: m[3] } : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function requireString(v: unknown, field: string): string {
  if (typeof v !== 'string' || v === '') throw validation(field, v, 'Member must not be null');
  return v;
}

/** The message shape AWS uses for request-validation failures. */
function validation(field: string, value: unknown, constraint: string): ApiError {
  return new ApiError(
    'ValidationException',
    `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}
