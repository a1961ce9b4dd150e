// Writes one JSON Schema file per contract to libs/contracts/schemas/, for consumers that do
// not use TypeScript. A test fails when the files and the TypeBox schemas disagree.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_CONTRACTS } from '../src';
import { jsonSchemaOf } from '../src/json-schemas';

const dir = join(__dirname, '..', 'schemas');
mkdirSync(dir, { recursive: true });
for (const f of readdirSync(dir)) rmSync(join(dir, f));
for (const c of ALL_CONTRACTS) {
  writeFileSync(join(dir, `${c.type}.json`), `${JSON.stringify(jsonSchemaOf(c), null, 2)}\n`);
}
console.log(`wrote ${ALL_CONTRACTS.length} schemas to ${dir}`);
