import type { Envelope } from '@onair/contracts';
import { badRequest } from '@onair/runtime';
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
