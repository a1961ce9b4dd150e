import type { Envelope } from '@onair/contracts';
import { AppError, badRequest } from './errors';
import type { Static, TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

function checkerOf<S extends TSchema>(schema: S): TypeCheck<S> {
  const hit = compiled.get(schema) as TypeCheck<S> | undefined;
  if (hit) return hit;
  const check = TypeCompiler.Compile(schema);
  compiled.set(schema, check);
  return check;
}

/** `/settings/moderation/x` as a person writes it: `settings.moderation.x`. */
export function fieldOf(path: string): string {
  return path.replace(/^\//, '').replace(/\//g, '.');
}

/**
 * The data of a message, checked against its contract (the bus checked it on the way in; a
 * handler called any other way is checked here too). A mismatch is a 400 naming the field: the
 * caller's mistake, answered at once, never retried.
 */
export function dataOf<S extends TSchema>(
  def: { type: string; schema: S },
  msg: Pick<Envelope, 'data'>,
): Static<S> {
  const check = checkerOf(def.schema);
  if (check.Check(msg.data)) return msg.data;
  const errors = [...check.Errors(msg.data)].slice(0, 10);
  const first = errors[0];
  const field = first ? fieldOf(first.path) : '';
  const sentence = !first
    ? `Invalid ${def.type} data`
    : first.message === 'Unexpected property'
      ? `Unknown field '${field}' (${def.type} accepts no such field)`
      : `Invalid field '${field || '(data)'}': ${first.message}`;
  throw badRequest(
    sentence,
    errors.map((e) => ({ path: e.path, message: e.message })),
  );
}

/**
 * The data of a reply, checked against the event it must be: a reply of another type or shape
 * is the answering service's fault (502), not the caller's.
 */
export function replyData<S extends TSchema>(
  def: { type: string; schema: S },
  reply: Pick<Envelope, 'type' | 'data'>,
): Static<S> {
  const check = checkerOf(def.schema);
  if (reply.type === def.type && check.Check(reply.data)) return reply.data;
  const first = reply.type === def.type ? check.Errors(reply.data).First() : undefined;
  throw new AppError(
    'BAD_REPLY',
    502,
    `Expected a ${def.type} reply, got ${reply.type}${first ? ` (${fieldOf(first.path)}: ${first.message})` : ''}`,
  );
}
