// npm run generate -w libs/client: writes src/openapi.ts, the TypeScript types of every path,
// operation and schema of the gateway's /openapi.json (openapi-typescript), formatted as the
// repository formats code (Biome). `--check` writes nothing and exits 1 when the committed file
// differs from what the gateway's routes generate now (libs/client/test/drift.test.ts runs it too).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { gatewayOpenApiDocument } from './openapi-document';

const root = resolve(__dirname, '../../..');
export const GENERATED_FILE = resolve(__dirname, '../src/openapi.ts');

const HEADER = `// Generated from the gateway's /openapi.json by libs/client/scripts/generate.ts: do not edit.
// Regenerate with \`npm run generate -w libs/client\` after changing a route's schema.
`;

/** The file's text as the gateway's current routes generate it. */
export async function generatedTypes(): Promise<string> {
  const doc = await gatewayOpenApiDocument();
  // A string is the document's own text (a URL would be read from a file or the network).
  const ast = await openapiTS(JSON.stringify(doc), {
    alphabetize: true,
    // Optional parameters that have a default are still optional to send.
    defaultNonNullable: false,
  });
  const source = HEADER + astToString(ast);
  // The formatter the repository uses, so `biome check` passes on the committed file.
  return execFileSync(
    resolve(root, 'node_modules/.bin/biome'),
    ['format', `--stdin-file-path=${GENERATED_FILE}`],
    { cwd: root, input: source, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
}

async function main(): Promise<void> {
  const text = await generatedTypes();
  if (process.argv.includes('--check')) {
    const committed = readFileSync(GENERATED_FILE, 'utf8');
    if (committed !== text) {
      process.stderr.write(
        'libs/client/src/openapi.ts is out of date with the gateway routes: run `npm run generate -w libs/client`\n',
      );
      process.exit(1);
    }
    process.stdout.write('libs/client/src/openapi.ts matches the gateway routes\n');
    return;
  }
  writeFileSync(GENERATED_FILE, text);
  process.stdout.write(`wrote ${GENERATED_FILE}\n`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
