// Builds the web console into console/dist (served by the gateway at /console; `npm run build`
// puts it in dist/console for the production image with `--out`), with esbuild:
// one bundled, minified ES module and one stylesheet, named by content hash, and index.html that
// names them. `npm start` runs this first (the root `prestart` script); it rebuilds only when a
// source changed (a hash of every input is kept in dist/.build-hash), so a fresh console costs a
// few milliseconds. `--force` rebuilds anyway. Parallel runs are safe: each builds into its own
// folder and the first to finish puts it in place.
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const defaultDist = join(here, 'dist');
/** Everything the bundle is made of: the console's sources and the typed client it uses. */
const INPUTS = [
  join(here, 'src'),
  join(here, 'index.html'),
  fileURLToPath(import.meta.url),
  join(root, 'libs/client/src'),
];

function files(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => files(join(path, name)));
}

function inputHash() {
  const h = createHash('sha256');
  const esbuildPkg = JSON.parse(readFileSync(join(root, 'node_modules/esbuild/package.json'), 'utf8'));
  h.update(`esbuild ${esbuildPkg.version}\n`);
  for (const f of INPUTS.flatMap(files)) h.update(`${relative(root, f)}\n`).update(readFileSync(f));
  return h.digest('hex');
}

export async function buildConsole({ force = false, quiet = false, dist = defaultDist } = {}) {
  const hash = inputHash();
  const stamp = join(dist, '.build-hash');
  if (!force && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return { built: false, dir: dist };
  const started = Date.now();
  const { build } = await import('esbuild');
  mkdirSync(dirname(dist), { recursive: true });
  const out = join(dirname(dist), `.dist-${process.pid}-${Date.now()}`);
  rmSync(out, { recursive: true, force: true });
  const result = await build({
    entryPoints: [join(here, 'src/main.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome120', 'firefox120', 'safari17'],
    minify: true,
    sourcemap: true,
    outdir: join(out, 'assets'),
    entryNames: '[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
  });
  const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
  const js = outputs.find((n) => n.endsWith('.js'));
  const css = outputs.find((n) => n.endsWith('.css'));
  if (!js || !css) throw new Error(`esbuild wrote no ${js ? 'stylesheet' : 'script'}`);
  const html = readFileSync(join(here, 'index.html'), 'utf8')
    .replace('%STYLESHEET%', `/console/assets/${css}`)
    .replace('%SCRIPT%', `/console/assets/${js}`);
  writeFileSync(join(out, 'index.html'), html);
  writeFileSync(join(out, '.build-hash'), hash);
  // Put it in place: the old build aside first (a directory cannot replace a non-empty one).
  const old = join(dirname(dist), `.dist-old-${process.pid}-${Date.now()}`);
  try {
    renameSync(dist, old);
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  try {
    renameSync(out, dist);
  } catch (e) {
    // Another build finished first and is in place: keep it, drop ours.
    if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') throw e;
    rmSync(out, { recursive: true, force: true });
  }
  rmSync(old, { recursive: true, force: true });
  if (!quiet)
    process.stdout.write(`onair: console built in ${Date.now() - started} ms (${relative(root, dist)})\n`);
  return { built: true, dir: dist };
}

// node console/build.mjs [--force] [--out DIR]   (DIR: where to build it; default console/dist)
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const at = process.argv.indexOf('--out');
  const out = at > 0 ? process.argv[at + 1] : undefined;
  if (at > 0 && !out) {
    process.stderr.write('onair: --out needs a folder\n');
    process.exit(2);
  }
  buildConsole({ force: process.argv.includes('--force'), ...(out ? { dist: resolve(out) } : {}) }).catch(
    (e) => {
      process.stderr.write(`onair: the console did not build: ${e.stack ?? e}\n`);
      process.exit(1);
    },
  );
}
