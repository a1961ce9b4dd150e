// Writes one JSON Schema file per contract (the CloudEvents envelope with `type` fixed and
// `data` typed) to libs/contracts/schemas/, for non-TypeScript consumers.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_CONTRACTS, EnvelopeSchema } from '../src';

const dir = join(__dirname, '..', 'schemas');
mkdirSync(dir, { recursive: true });
for (const c of ALL_CONTRACTS) {
  const schema = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://onair.dev/schemas/${c.type}.json`,
    title: c.type,
    description: c.description,
    'x-onair-kind': c.kind,
    ...(c.owner ? { 'x-onair-owner': c.owner } : {}),
    ...EnvelopeSchema,
    properties: { ...EnvelopeSchema.properties, type: { const: c.type }, data: c.schema },
  };
  writeFileSync(join(dir, `${c.type}.json`), `${JSON.stringify(schema, null, 2)}\n`);
}
console.log(`wrote ${ALL_CONTRACTS.length} schemas to ${dir}`);
