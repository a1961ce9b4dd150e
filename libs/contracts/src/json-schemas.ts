import { EnvelopeSchema } from './envelope';
import type { ContractDef } from './registry';

/** One JSON Schema (draft 2020-12) per contract: the envelope with `type` fixed and `data` typed. */
export function jsonSchemaOf(c: ContractDef): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://onair.dev/schemas/${c.type}.json`,
    title: c.type,
    description: c.description,
    'x-onair-kind': c.kind,
    ...(c.owner ? { 'x-onair-owner': c.owner } : {}),
    ...EnvelopeSchema,
    properties: { ...EnvelopeSchema.properties, type: { const: c.type }, data: c.schema },
  };
}
