// The gateway reads other services' data only through their table modules (and chat-svc's
// message log, where native messages are stored: the table or a local file): it never imports a
// service's internals (neither by package nor by relative path). And its route files only register
// routes: what two of them share lives in actions/ (or http/), never in another route file.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = join(__dirname, '..', 'src');
const SERVICES = ['stream-svc', 'chat-svc', 'recording-svc', 'fanout-svc'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

describe('gateway imports of other services', () => {
  it('are only their table modules (and the message log), through the package', () => {
    const wrong: string[] = [];
    for (const file of sources(SRC)) {
      for (const spec of specifiers(file)) {
        const names = SERVICES.some(
          (s) => spec.includes(`/${s}/`) || spec === `@onair/${s}` || spec.startsWith(`@onair/${s}/`),
        );
        const allowed =
          SERVICES.some((s) => spec === `@onair/${s}/table`) || spec === '@onair/chat-svc/message-log';
        if (names && !allowed) wrong.push(`${relative(SRC, file)}: ${spec}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('finds the table imports it allows (the scan reads the files)', () => {
    const all = sources(SRC).flatMap(specifiers);
    expect(all).toContain('@onair/stream-svc/table');
    expect(all).toContain('@onair/chat-svc/table');
    expect(all).toContain('@onair/recording-svc/table');
  });
});

describe('gateway route files', () => {
  const ROUTES = join(SRC, 'routes');
  const routeFiles = [...sources(join(ROUTES, 'v1')), ...sources(join(ROUTES, 'seed'))];

  it('import no other route file (shared steps live in actions/)', () => {
    const wrong: string[] = [];
    for (const file of routeFiles) {
      for (const spec of specifiers(file).filter((s) => s.startsWith('.'))) {
        const target = resolve(dirname(file), spec);
        if (target.startsWith(ROUTES)) wrong.push(`${relative(SRC, file)}: ${spec}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('finds the actions they share (the scan reads the files)', () => {
    const specs = routeFiles.flatMap(specifiers);
    for (const a of ['streams', 'chat', 'rooms', 'recordings']) expect(specs).toContain(`../../actions/${a}`);
  });
});
