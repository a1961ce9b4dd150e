/**
 * Where a stack process's CPU time goes, from a V8 .cpuprofile written by `--cpu-prof`: self
 * time by package / area and by function, counting only the samples inside a time window (the
 * fanout scenarios, not start-up). Window bounds are CLOCK_MONOTONIC microseconds
 * (process.hrtime), the clock V8 stamps profiles with on Linux.
 */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export function summarizeProfile(
  who: string,
  p: CpuProfile,
  window?: { fromUs: number; toUs: number },
  top = 25,
): void {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const hits = new Map<number, number>();
  let t = p.startTime;
  let total = 0;
  let usSum = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    t += dt;
    if (window && (t < window.fromUs || t > window.toUs)) continue;
    hits.set(p.samples[i], (hits.get(p.samples[i]) ?? 0) + 1);
    total++;
    usSum += dt;
  }
  if (total === 0) {
    console.log(`\n--- ${who}: no samples in the window`);
    return;
  }
  const usPerHit = usSum / total;
  const byFn = new Map<string, number>();
  const byPkg = new Map<string, number>();
  for (const [id, n] of hits) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '');
    const where = file.endsWith('.ts')
      ? file.replace(/^.*\/work\/main\//, '')
      : file
        ? `${file}:${lineNumber + 1}`
        : '';
    const fn = `${functionName || '(anonymous)'} ${where}`.trim();
    byFn.set(fn, (byFn.get(fn) ?? 0) + n);
    const pkg = pkgOf(url, functionName);
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + n);
  }
  const idle = byPkg.get('(idle)') ?? 0;
  const busyMs = ((total - idle) * usPerHit) / 1000;
  console.log(
    `\n--- ${who}: ${total} samples in the window, busy ${(((total - idle) / total) * 100).toFixed(0)}% (${busyMs.toFixed(0)} ms of CPU on the JS thread)`,
  );
  const show = (title: string, m: Map<string, number>, n: number) => {
    console.log(`  ${title} (% of busy samples):`);
    for (const [k, h] of [...m]
      .filter(([k]) => !k.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n))
      console.log(`    ${((h / Math.max(1, total - idle)) * 100).toFixed(1).padStart(5)}%  ${k}`);
  };
  show('self time by package / area', byPkg, 15);
  show('self time by function', byFn, top);
}

function pkgOf(url: string, fn: string): string {
  if (!url) return fn === '(idle)' ? '(idle)' : fn === '(garbage collector)' ? '(gc)' : `(${fn || 'native'})`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const nm = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (nm) return nm[1];
  const m = url.match(
    /\/work\/main\/((?:libs|services)\/[^/]+\/src\/(?:[^/]+\/)?[^/]+|devstack\/src\/[^/]+)/,
  );
  return m ? m[1] : url;
}

/** Live heap by kind of object, from a .heapsnapshot: `name` -> count and self size. */
export type HeapCensus = Map<string, { count: number; bytes: number }>;

interface HeapSnapshotFile {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Objects by constructor (closures by function name, everything else by V8 node type). */
export function heapCensus(snapshot: HeapSnapshotFile): { census: HeapCensus; total: number } {
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const iType = fields.indexOf('type');
  const iName = fields.indexOf('name');
  const iSize = fields.indexOf('self_size');
  const census: HeapCensus = new Map();
  let total = 0;
  const { nodes, strings } = snapshot;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + iType]];
    const size = nodes[i + iSize];
    total += size;
    const name = strings[nodes[i + iName]];
    const key = type === 'object' ? name : type === 'closure' ? `${name || '(anonymous)'}()` : `(${type})`;
    const e = census.get(key) ?? { count: 0, bytes: 0 };
    e.count++;
    e.bytes += size;
    census.set(key, e);
  }
  return { census, total };
}

/** What `n` connections added to the live heap, by kind of object, per connection. */
export function printHeapDiff(
  who: string,
  before: { census: HeapCensus; total: number },
  after: { census: HeapCensus; total: number },
  n: number,
  top = 30,
): void {
  const rows = [...after.census].map(([k, a]) => {
    const b = before.census.get(k) ?? { count: 0, bytes: 0 };
    return { k, count: a.count - b.count, bytes: a.bytes - b.bytes };
  });
  console.log(
    `\n--- ${who}: live heap ${(before.total / 1048576).toFixed(1)} -> ${(after.total / 1048576).toFixed(1)} MiB with ${n} more connections = ${Math.round((after.total - before.total) / n)} B/connection; by kind (per connection):`,
  );
  for (const r of rows.sort((a, b) => b.bytes - a.bytes).slice(0, top)) {
    console.log(
      `    ${String(Math.round(r.bytes / n)).padStart(6)} B  ${(r.count / n).toFixed(2).padStart(6)} objects  ${r.k}`,
    );
  }
}
