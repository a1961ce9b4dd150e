import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_CONTRACTS } from '../src';
import { jsonSchemaOf } from '../src/json-schemas';

describe('JSON Schema files', () => {
  const dir = join(__dirname, '..', 'schemas');
  it('exist for every contract and match the TypeBox schemas (run `npm run schemas` after a change)', () => {
    expect(readdirSync(dir).sort()).toEqual(ALL_CONTRACTS.map((c) => `${c.type}.json`).sort());
    for (const c of ALL_CONTRACTS) {
      const onDisk = JSON.parse(readFileSync(join(dir, `${c.type}.json`), 'utf8'));
      expect({ type: c.type, schema: onDisk }).toEqual({
        type: c.type,
        schema: JSON.parse(JSON.stringify(jsonSchemaOf(c))),
      });
    }
  });
});
