import { createHash, randomUUID } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';

/**
 * CloudEvents 1.0, JSON structured mode. Every command and event on the bus travels in this
 * envelope. `correlationid` and `causationid` are CloudEvents extension attributes (lowercase,
 * alphanumeric, as the spec requires for extension names).
 */
export const EnvelopeSchema = Type.Object({
  specversion: Type.Literal('1.0'),
  id: Type.String({ minLength: 1, maxLength: 200 }),
  type: Type.String({ pattern: '^onair\\.[a-z0-9-]+(\\.[a-z0-9-]+)+\\.v[0-9]+$' }),
  source: Type.String({ minLength: 1 }),
  time: Type.String({ format: 'date-time' }),
  subject: Type.Optional(Type.String()),
  datacontenttype: Type.Optional(Type.Literal('application/json')),
  correlationid: Type.String({ minLength: 1 }),
  causationid: Type.Optional(Type.String()),
  data: Type.Unknown(),
});

export type Envelope<T = unknown> = Omit<Static<typeof EnvelopeSchema>, 'data'> & { data: T };

export interface EnvelopeInit<T> {
  type: string;
  source: string;
  data: T;
  subject?: string;
  /** Set to make the id deterministic (see deriveId). Defaults to a random UUID. */
  id?: string;
  correlationid?: string;
  causationid?: string;
  time?: Date;
}

export function makeEnvelope<T>(init: EnvelopeInit<T>): Envelope<T> {
  const id = init.id ?? randomUUID();
  const env: Envelope<T> = {
    specversion: '1.0',
    id,
    type: init.type,
    source: init.source,
    time: (init.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    correlationid: init.correlationid ?? id,
    data: init.data,
  };
  if (init.subject !== undefined) env.subject = init.subject;
  if (init.causationid !== undefined) env.causationid = init.causationid;
  return env;
}

/**
 * A deterministic id for a message caused by another one. A redelivered command re-publishes
 * events with the same ids, so consumers that remember ids they have handled skip the copies.
 */
export function deriveId(causeId: string, ...parts: string[]): string {
  const h = createHash('sha256')
    .update([causeId, ...parts].join('\u0000'))
    .digest('hex');
  // Formatted as a UUID (version nibble 5-like) so it reads like every other id.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** An envelope for a message caused by `cause`: same correlation, causation = cause.id, derived id. */
export function follow<T>(
  cause: Pick<Envelope, 'id' | 'correlationid'>,
  init: Omit<EnvelopeInit<T>, 'correlationid' | 'causationid'> & { idParts?: string[] },
): Envelope<T> {
  const { idParts, ...rest } = init;
  return makeEnvelope({
    ...rest,
    id: init.id ?? deriveId(cause.id, init.type, ...(idParts ?? [])),
    correlationid: cause.correlationid,
    causationid: cause.id,
  });
}
