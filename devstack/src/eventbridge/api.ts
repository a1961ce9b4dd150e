// The EventBridge operations: request JSON in, response JSON out, AWS errors thrown as ApiError.
// Field names and shapes follow the EventBridge API reference so the real SDK deserializes them.

import type { DeliveryJob } from './delivery';
import { type EnvelopeContext, type EventEnvelope, entryToEnvelope, targetBody } from './events';
import { ApiError, type EventBus, type Registry, type Rule } from './rules';

type Json = Record<string, unknown>;
export type Operation = (input: Json) => Json;

export interface ApiDeps {
  registry: Registry;
  ctx: EnvelopeContext;
  /** Routes a validated event to matching rules' targets (shared with injectEvent). */
  publish(busName: string | undefined, envelope: EventEnvelope): void;
}

const MAX_PUT_EVENTS_ENTRIES = 10;

export function buildOperations({ registry, ctx, publish }: ApiDeps): Record<string, Operation> {
  return {
    CreateEventBus: (i) => {
      const bus = registry.createEventBus(i.Name, i.Description);
      return compact({ EventBusArn: bus.arn, Description: bus.description });
    },
    DescribeEventBus: (i) => busOut(registry.getBus(optString(i.Name))),
    DeleteEventBus: (i) => {
      registry.deleteEventBus(i.Name);
      return {};
    },
    ListEventBuses: (i) => {
      const page = paginate(registry.listEventBuses(optString(i.NamePrefix)), i);
      return compact({ EventBuses: page.items.map(busOut), NextToken: page.nextToken });
    },

    PutRule: (i) => {
      const rule = registry.putRule({
        Name: optString(i.Name),
        EventPattern: optString(i.EventPattern),
        ScheduleExpression: optString(i.ScheduleExpression),
        State: optString(i.State),
        Description: optString(i.Description),
        RoleArn: optString(i.RoleArn),
        EventBusName: optString(i.EventBusName),
      });
      return { RuleArn: rule.arn };
    },
    DescribeRule: (i) => ({
      ...ruleOut(registry.getRule(i.Name, optString(i.EventBusName))),
      CreatedBy: ctx.account,
    }),
    ListRules: (i) => {
      const rules = registry.listRules(optString(i.EventBusName), optString(i.NamePrefix));
      const page = paginate(rules, i);
      return compact({ Rules: page.items.map(ruleOut), NextToken: page.nextToken });
    },
    DeleteRule: (i) => {
      registry.deleteRule(i.Name, optString(i.EventBusName));
      return {};
    },

    PutTargets: (i) => {
      const failed = registry.putTargets(i.Rule, optString(i.EventBusName), i.Targets);
      return { FailedEntryCount: failed.length, FailedEntries: failed };
    },
    ListTargetsByRule: (i) => {
      const page = paginate(registry.listTargets(i.Rule, optString(i.EventBusName)), i);
      return compact({ Targets: page.items, NextToken: page.nextToken });
    },
    RemoveTargets: (i) => {
      const failed = registry.removeTargets(i.Rule, optString(i.EventBusName), i.Ids);
      return { FailedEntryCount: failed.length, FailedEntries: failed };
    },

    PutEvents: (i) => {
      const entries = i.Entries;
      if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_PUT_EVENTS_ENTRIES) {
        const n = Array.isArray(entries) ? entries.length : 0;
        throw new ApiError(
          'ValidationException',
          `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length ` +
            (n === 0 ? 'greater than or equal to 1' : `less than or equal to ${MAX_PUT_EVENTS_ENTRIES}`),
        );
      }
      let failed = 0;
      const results = entries.map((entry) => {
        const r = entryToEnvelope(entry, ctx);
        if ('ErrorCode' in r) {
          failed++;
          return r;
        }
        publish(r.busName, r.envelope);
        return { EventId: r.envelope.id };
      });
      return { FailedEntryCount: failed, Entries: results };
    },
  };
}

/** Delivery jobs for an event: one per target of every enabled rule that matches it. */
export function jobsFor(registry: Registry, busName: string, envelope: EventEnvelope): DeliveryJob[] {
  return registry.matchingRules(busName, envelope).flatMap((rule) =>
    [...rule.targets.values()].map((target) => ({
      targetArn: target.Arn,
      targetId: target.Id,
      ruleArn: rule.arn,
      eventId: envelope.id,
      body: targetBody(target, envelope),
      messageGroupId: target.SqsParameters?.MessageGroupId,
    })),
  );
}

function busOut(bus: EventBus): Json {
  return compact({
    Name: bus.name,
    Arn: bus.arn,
    Description: bus.description,
    CreationTime: epochSeconds(bus.creationTime),
    LastModifiedTime: epochSeconds(bus.lastModifiedTime),
  });
}

function ruleOut(rule: Rule): Json {
  return compact({
    Name: rule.name,
    Arn: rule.arn,
    EventPattern: rule.eventPattern,
    ScheduleExpression: rule.scheduleExpression,
    State: rule.state,
    Description: rule.description,
    RoleArn: rule.roleArn,
    EventBusName: rule.eventBusName,
  });
}

/** NextToken is an opaque offset; Limit defaults to 100 like the service's page size. */
function paginate<T>(all: T[], input: Json): { items: T[]; nextToken?: string } {
  let start = 0;
  if (input.NextToken !== undefined) {
    const decoded =
      typeof input.NextToken === 'string'
        ? Number(Buffer.from(input.NextToken, 'base64url').toString())
        : NaN;
    if (!Number.isInteger(decoded) || decoded < 0)
      throw new ApiError('ValidationException', 'The NextToken is not valid.');
    start = decoded;
  }
  const limit = typeof input.Limit === 'number' && input.Limit > 0 ? Math.min(input.Limit, 100) : 100;
  const items = all.slice(start, start + limit);
  const end = start + items.length;
  return { items, nextToken: end < all.length ? Buffer.from(String(end)).toString('base64url') : undefined };
}

function epochSeconds(d: Date): number {
  return d.getTime() / 1000;
}

function optString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Drops undefined fields so responses only carry what is set, as AWS's do. */
function compact(o: Json): Json {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
