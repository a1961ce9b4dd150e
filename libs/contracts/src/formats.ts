import { FormatRegistry } from '@sinclair/typebox';

// TypeBox's compiler knows no string formats until they are registered. Fastify (ajv with
// ajv-formats) knows them already; these keep the bus checks equal to the HTTP checks.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

if (!FormatRegistry.Has('date-time')) {
  FormatRegistry.Set('date-time', (v) => DATE_TIME.test(v) && !Number.isNaN(Date.parse(v)));
}
if (!FormatRegistry.Has('uri')) {
  FormatRegistry.Set('uri', (v) => {
    try {
      return Boolean(new URL(v).protocol);
    } catch {
      return false;
    }
  });
}
