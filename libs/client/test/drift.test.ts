// The committed types (libs/client/src/openapi.ts) are what the gateway's routes generate now:
// a route whose schema changed without `npm run generate -w libs/client` fails here.
import { readFileSync } from 'node:fs';
import { GENERATED_FILE, generatedTypes } from '../scripts/generate';

describe('@onair/client generated types', () => {
  it('match the OpenAPI document the gateway builds from its routes', async () => {
    const committed = readFileSync(GENERATED_FILE, 'utf8');
    const fresh = await generatedTypes();
    // A line-level hint first: a 6000-line string diff is unreadable.
    const a = committed.split('\n');
    const b = fresh.split('\n');
    const first = a.findIndex((line, i) => line !== b[i]);
    expect({ firstDifferentLine: first === -1 && a.length === b.length ? null : first + 1 }).toEqual({
      firstDifferentLine: null,
    });
    expect(committed).toBe(fresh);
  }, 60_000);
});
