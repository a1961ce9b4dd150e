/**
 * `npm run build`: compiles each service to one JavaScript file, dist/<service>/main.js, that
 * `node` runs directly (the production image does; so does deploy/image/build.test.ts), and
 * the web console to dist/console, which the gateway serves at /console.
 *
 * esbuild bundles the service's own code and the workspace libraries (@onair/*, which are
 * TypeScript sources) and leaves every npm package external: the image installs those from
 * the lockfile with `npm ci --omit=dev`. Source maps are written next to each file.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { build, type Plugin } from 'esbuild';

export const SERVICES = ['gateway', 'stream-svc', 'chat-svc', 'recording-svc', 'fanout-svc'] as const;
export const ROOT = join(__dirname, '..', '..');

/** Bare imports stay require() calls, except the workspace's own @onair/* packages. */
const externalPackages: Plugin = {
  name: 'external-packages',
  setup(b) {
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@onair/')) return undefined;
      if (builtins.has(args.path) || /^[@a-z0-9]/i.test(args.path))
        return { path: args.path, external: true };
      return undefined;
    });
  },
};

export async function buildServices(outdir = join(ROOT, 'dist')): Promise<string[]> {
  rmSync(outdir, { recursive: true, force: true });
  const outputs: string[] = [];
  for (const svc of SERVICES) {
    const outfile = join(outdir, svc, 'main.js');
    await build({
      entryPoints: [join(ROOT, 'services', svc, 'src', 'main.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node24',
      format: 'cjs',
      sourcemap: true,
      logLevel: 'warning',
      plugins: [externalPackages],
    });
    outputs.push(outfile);
  }
  // The web console the gateway serves at /console (found next to the gateway's bundle).
  execFileSync(
    process.execPath,
    [join(ROOT, 'console', 'build.mjs'), '--force', '--out', join(outdir, 'console')],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  outputs.push(join(outdir, 'console', 'index.html'));
  return outputs;
}

if (require.main === module) {
  buildServices().then(
    (files) => process.stdout.write(`built ${files.map((f) => relative(ROOT, f)).join(', ')}\n`),
    (err: unknown) => {
      process.stderr.write(`build failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
