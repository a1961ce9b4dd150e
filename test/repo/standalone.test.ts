// The repository stands alone: a user has only the repository, so nothing in it may point at
// material kept beside it, and every relative link in the docs must lead somewhere. Plain fs, no
// git: the walk skips what .gitignore keeps out of the repository (node_modules, dist, reports…).

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const SCANNED = ['README.md', 'docs', 'services', 'libs', 'devstack', 'bench', 'test', 'scripts'];
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'coverage', 'reports', '.onair', '.git']);
const BINARY = /\.(mp4|png|jpe?g|gif|ico|webp|woff2?|tgz|gz|zip)$/i;

// Built from parts so this file does not match itself.
const SHARED = 'shared';
const FORBIDDEN = [`../${SHARED}`, `${SHARED}/reference`, `${SHARED}/ARCHITECTURE`, `${SHARED}/seeds`];

function walk(path: string, out: string[] = []): string[] {
  const abs = join(ROOT, path);
  if (!existsSync(abs)) return out;
  if (statSync(abs).isFile()) {
    if (!BINARY.test(path) && !path.endsWith('.log')) out.push(path);
    return out;
  }
  for (const entry of readdirSync(abs, { withFileTypes: true })) {
    if (entry.isDirectory() && SKIPPED_DIRS.has(entry.name)) continue;
    walk(join(path, entry.name), out);
  }
  return out;
}

const files = SCANNED.flatMap((p) => walk(p));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const markdown = files.filter((f) => f === 'README.md' || (f.startsWith('docs/') && f.endsWith('.md')));

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Markdown without fenced code blocks and inline code, where link syntax means nothing. */
function prose(text: string): string {
  return text.replace(/^(```|~~~)[\s\S]*?^\1/gm, '').replace(/`[^`\n]*`/g, '');
}

const anchorCache = new Map<string, Set<string>>();
function anchorsOf(path: string): Set<string> {
  let anchors = anchorCache.get(path);
  if (!anchors) {
    anchors = new Set();
    const counts = new Map<string, number>();
    const text = read(path).replace(/^(```|~~~)[\s\S]*?^\1/gm, '');
    for (const m of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
      const base = slug(m[1]);
      const n = counts.get(base) ?? 0;
      counts.set(base, n + 1);
      anchors.add(n === 0 ? base : `${base}-${n}`);
    }
    anchorCache.set(path, anchors);
  }
  return anchors;
}

describe('the repository stands alone', () => {
  it('scans the repository', () => {
    expect(files).toContain('README.md');
    expect(files).toContain('docs/architecture.md');
    expect(markdown.length).toBeGreaterThan(5);
  });

  it('no file refers to material outside the repository', () => {
    const hits: string[] = [];
    for (const f of files) {
      const lines = read(f).split('\n');
      lines.forEach((line, i) => {
        for (const bad of FORBIDDEN) if (line.includes(bad)) hits.push(`${f}:${i + 1}: ${bad}`);
      });
    }
    expect(hits).toEqual([]);
  });

  it('every relative link in README.md and docs/ leads to a file (and a heading in docs/protocols)', () => {
    const broken: string[] = [];
    for (const f of markdown) {
      for (const m of prose(read(f)).matchAll(/\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
        const target = m[1];
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
        const [pathPart, anchor] = target.split('#');
        const dest = pathPart ? relative(ROOT, resolve(ROOT, dirname(f), decodeURI(pathPart))) : f;
        if (dest.startsWith('..') || !existsSync(join(ROOT, dest))) {
          broken.push(`${f}: ${target} (no such file)`);
          continue;
        }
        if (anchor && dest.startsWith('docs/protocols/') && dest.endsWith('.md')) {
          if (!anchorsOf(dest).has(anchor)) broken.push(`${f}: ${target} (no such heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('every docs/…md#anchor named in code and docs is a heading of that page', () => {
    const broken: string[] = [];
    for (const f of files) {
      if (f === 'test/repo/standalone.test.ts') continue;
      for (const m of read(f).matchAll(/\bdocs\/([\w./-]+\.md)#([\w-]+)/g)) {
        const page = `docs/${m[1]}`;
        if (!existsSync(join(ROOT, page))) broken.push(`${f}: ${page} (no such file)`);
        else if (!anchorsOf(page).has(m[2])) broken.push(`${f}: ${page}#${m[2]} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('computes anchors as GitHub does', () => {
    expect(slug('LiveKit webhook: `POST /v1/webhooks/livekit`')).toBe(
      'livekit-webhook-post-v1webhookslivekit',
    );
    expect(slug('Moderation and limits (room settings)')).toBe('moderation-and-limits-room-settings');
    expect(slug('Running a real server for media')).toBe('running-a-real-server-for-media');
  });
});
