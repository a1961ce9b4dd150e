/**
 * What the chat fanout benchmark reads from /proc (Linux): a process tree, a process's CPU time
 * and resident memory, the machine's busy time, and the open-files limit.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { type PortPlan, stackPorts } from '../../devstack/src/cli/ports';

const CLK_TCK = 100; // USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK)

function readStat(pid: number): string[] | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: split after its last ')'.
    return s.slice(s.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** Every live process under `root` (not root itself). */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    const pid = Number(d);
    if (!Number.isInteger(pid)) continue;
    const st = readStat(pid);
    if (!st) continue;
    const ppid = Number(st[1]); // field 4 (after pid, comm and state)
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(root);
  return out;
}

/**
 * The process under `root` whose command line contains `needle` and that has no descendant
 * matching it too: the Node process that actually runs a script (tsx's CLI wraps each script
 * in a child Node process with the same arguments).
 */
export function findLeaf(root: number, needle: string): number | undefined {
  const matches = descendants(root).filter((p) => cmdline(p).includes(needle));
  return matches.find((p) => !descendants(p).some((d) => matches.includes(d)));
}

/** User + system CPU time of a process, in microseconds (0 once it is gone). */
export function cpuMicros(pid: number): number {
  const st = readStat(pid);
  if (!st) return 0;
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat; st starts at field 3.
  return ((Number(st[11]) + Number(st[12])) * 1e6) / CLK_TCK;
}

/** Resident set size of a process in bytes (VmRSS). */
export function rssBytes(pid: number): number {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)\s+kB/m);
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Machine-wide CPU time from /proc/stat: busy and total jiffies over all CPUs. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = f[3] + f[4]; // idle + iowait
  return { busy: total - idle, total };
}

/** The pid of the RabbitMQ node on this machine (beam.smp), if any: its CPU is read, never touched. */
export function rabbitPid(): number | undefined {
  for (const d of readdirSync('/proc')) {
    const pid = Number(d);
    if (!Number.isInteger(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'beam.smp' && cmdline(pid).includes('rabbit'))
        return pid;
    } catch {
      // gone
    }
  }
  return undefined;
}

/** Soft and hard limits on open files of this process. */
export function openFilesLimit(): { soft: number; hard: number } {
  const m = readFileSync('/proc/self/limits', 'utf8').match(/^Max open files\s+(\S+)\s+(\S+)/m);
  const n = (s: string | undefined) => (s === 'unlimited' ? Number.POSITIVE_INFINITY : Number(s));
  return { soft: n(m?.[1]), hard: n(m?.[2]) };
}

/**
 * Make sure this process (and the children it spawns from now on, which inherit it) may open
 * `need` files: raise the soft limit with prlimit(1) when the hard limit allows. Returns a line
 * for the report.
 */
export function ensureOpenFiles(need: number): string {
  const { soft, hard } = openFilesLimit();
  if (soft >= need) return `open files limit ${soft} (needs about ${need})`;
  if (hard < need) {
    throw new Error(
      `open files limit is ${soft} (hard ${hard}); this benchmark holds about ${need} sockets: raise it (ulimit -n ${need})`,
    );
  }
  execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${need}:${hard}`]);
  const after = openFilesLimit().soft;
  if (after < need) throw new Error(`could not raise the open files limit to ${need} (still ${after})`);
  return `open files limit raised from ${soft} to ${after} with prlimit (needs about ${need})`;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/**
 * A stack number (`npm start -- --port-offset N`: stack N owns ten consecutive ports) whose
 * ports, and the two inspector ports beside it, are all free.
 */
export async function freeStack(): Promise<{ stack: number; ports: PortPlan; inspectors: [number, number] }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const stack = 100 + Math.floor(Math.random() * 2300);
    const ports = stackPorts(stack);
    const inspectors: [number, number] = [40_000 + 2 * stack, 40_001 + 2 * stack];
    let ok = true;
    for (const p of [...Object.values(ports), ...inspectors]) if (!(await portFree(p))) ok = false;
    if (ok) return { stack, ports, inspectors };
  }
  throw new Error('no free stack number for the benchmark');
}
