// The event envelope: turning a PutEvents entry (or an in-process injection) into the JSON that
// rules match against and that targets receive, plus PutEvents' per-entry validation.

import { randomUUID } from 'node:crypto';
import type { Target } from './rules';

/** The EventBridge envelope, exactly the keys (and key order) AWS delivers. */
export interface EventEnvelope {
  version: string;
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** What an in-process producer (e.g. the IVS stand-in) hands to `injectEvent`. */
export interface InjectedEvent {
  source: string;
  'detail-type': string;
  detail?: Record<string, unknown>;
  resources?: string[];
  time?: string | Date;
  id?: string;
  account?: string;
  region?: string;
  version?: string;
  /** Bus to publish on; AWS service events go to "default". */
  eventBusName?: string;
}

export interface EntryError {
  ErrorCode: string;
  ErrorMessage: string;
}

export interface ValidEntry {
  busName: string | undefined;
  envelope: EventEnvelope;
}

export interface EnvelopeContext {
  account: string;
  region: string;
  now: () => Date;
}

/** EventBridge prints event time at second precision with a Z suffix. */
export function formatTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Validates one PutEvents entry the way AWS does: problems are reported per entry (the request
 * as a whole still succeeds), so one bad event does not reject its batch mates.
 */
export function entryToEnvelope(entry: unknown, ctx: EnvelopeContext): ValidEntry | EntryError {
  if (typeof entry !== 'object' || entry === null) return invalid('Entry', 'Entry must be an object.');
  const e = entry as Record<string, unknown>;
  for (const field of ['Source', 'DetailType', 'Detail'] as const) {
    if (typeof e[field] !== 'string' || e[field] === '')
      return invalid(field, `${field} is a required argument.`);
  }
  const source = e.Source as string;
  if (source.startsWith('aws.')) {
    // Only AWS services may publish aws.* events; in-process stand-ins use injectEvent instead.
    return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
  }
  let detail: unknown;
  try {
    detail = JSON.parse(e.Detail as string);
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  let resources: string[] = [];
  if (e.Resources !== undefined) {
    if (!Array.isArray(e.Resources) || !e.Resources.every((r) => typeof r === 'string')) {
      return invalid('Resources', 'Resources must be a list of strings.');
    }
    resources = e.Resources as string[];
  }
  const time = parseTime(e.Time, ctx.now);
  if (!time) return invalid('Time', 'Time is not a valid timestamp.');
  if (e.EventBusName !== undefined && typeof e.EventBusName !== 'string') {
    return invalid('EventBusName', 'EventBusName must be a string.');
  }
  return {
    busName: e.EventBusName as string | undefined,
    envelope: {
      version: '0',
      id: randomUUID(),
      'detail-type': e.DetailType as string,
      source,
      account: ctx.account,
      time: formatTime(time),
      region: ctx.region,
      resources,
      detail: detail as Record<string, unknown>,
    },
  };
}

/** Fills the fields an injected event may omit; ids and time are generated like PutEvents does. */
export function injectedToEnvelope(e: InjectedEvent, ctx: EnvelopeContext): EventEnvelope {
  const time = e.time === undefined ? ctx.now() : typeof e.time === 'string' ? new Date(e.time) : e.time;
  return {
    version: e.version ?? '0',
    id: e.id ?? randomUUID(),
    'detail-type': e['detail-type'],
    source: e.source,
    account: e.account ?? ctx.account,
    time: typeof e.time === 'string' ? e.time : formatTime(time),
    region: e.region ?? ctx.region,
    resources: e.resources ?? [],
    detail: e.detail ?? {},
  };
}

/**
 * The SQS message body for a target: the whole envelope unless Input/InputPath says otherwise.
 * It is JSON whose characters outside SQS's allowed set are \u-escaped (see sqsSafe).
 */
export function targetBody(target: Target, envelope: EventEnvelope): string {
  if (typeof target.Input === 'string') return sqsSafe(target.Input);
  if (typeof target.InputPath === 'string') {
    const value = selectPath(envelope, target.InputPath);
    // EventBridge sends nothing useful for a path that selects nothing; an empty object is the
    // least surprising stand-in (the consumer sees a valid JSON body).
    return sqsSafe(JSON.stringify(value === undefined ? {} : value));
  }
  return sqsSafe(JSON.stringify(envelope));
}

/** Characters SQS refuses in a body: all but #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD. */
const NOT_SQS = /[^\t\n\r -\uD7FF\uE000-\uFFFD]/g;

/**
 * A JSON text with every character SQS refuses written as a \uXXXX escape (one per UTF-16 code
 * unit, so an emoji becomes its surrogate pair). In JSON such characters can only stand inside
 * strings, where the escape means the same character: a consumer parses the identical value.
 * AWS SQS takes astral characters as they are, but a local SQS (fauxqs) refuses them; a detail
 * that PutEvents accepted (it may quote an emoji) must still reach the queue.
 */
export function sqsSafe(json: string): string {
  return json.replace(NOT_SQS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A JSONPath subset that covers what InputPath is used for: `$`, `$.a.b`, `$.a[0]`, `$['a-b']`. */
export function selectPath(root: unknown, path: string): unknown {
  if (!path.startsWith('$')) return undefined;
  const tokens = path.slice(1).match(/\.[^.[\]]+|\[\d+\]|\['[^']*'\]/g) ?? [];
  if (tokens.join('') !== path.slice(1)) return undefined;
  let cur: unknown = root;
  for (const tok of tokens) {
    if (cur === null || typeof cur !== 'object') return undefined;
    const key = tok.startsWith('.')
      ? tok.slice(1)
      : tok.startsWith("['")
        ? tok.slice(2, -2)
        : Number(tok.slice(1, -1));
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

function parseTime(raw: unknown, now: () => Date): Date | undefined {
  if (raw === undefined || raw === null) return now();
  // The JSON 1.1 protocol sends timestamps as epoch seconds; accept RFC 3339 strings too.
  const d =
    typeof raw === 'number' ? new Date(raw * 1000) : typeof raw === 'string' ? new Date(raw) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
}

function invalid(field: string, reason: string): EntryError {
  return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${field} is not valid. Reason: ${reason}` };
}
