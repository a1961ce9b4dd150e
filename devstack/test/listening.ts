// The listening TCP sockets of a set of processes, read from /proc (Linux): which address each
// is bound to, whatever the program says about itself.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface ListeningSocket {
  pid: number;
  address: string;
  port: number;
}

/** Socket inodes per pid, then LISTEN entries (state 0A) of /proc/net/tcp and tcp6 among them. */
export function listeningSockets(pids: number[]): ListeningSocket[] {
  const owner = new Map<string, number>();
  for (const pid of pids) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) owner.set(m[1], pid);
      } catch {
        // closed meanwhile
      }
    }
  }
  const out: ListeningSocket[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '0A') continue;
      const pid = owner.get(f[9]);
      if (pid === undefined) continue;
      const [hex, port] = f[1].split(':');
      out.push({ pid, address: procAddress(hex), port: Number.parseInt(port, 16) });
    }
  }
  return out;
}

/** Every process whose process group is `pgid` (a detached child and all it started). */
export function processGroup(pgid: number): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      // Fields after the command name (which may hold spaces) start at the last ')'.
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(rest[2]) === pgid) pids.push(Number(d));
    } catch {
      // gone
    }
  }
  return pids;
}

/** /proc/net/tcp{,6} write an address as little-endian 32-bit words in hex. */
export function procAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => (w.match(/../g) ?? []).reverse().map((b) => Number.parseInt(b, 16)));
  if (bytes.length === 4) return bytes.join('.');
  const zeros = (a: number[]) => a.every((b) => b === 0);
  // IPv4-mapped (::ffff:a.b.c.d) as the IPv4 address; then :: and ::1; any other IPv6 in full.
  if (zeros(bytes.slice(0, 10)) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12).join('.');
  if (zeros(bytes)) return '::';
  if (zeros(bytes.slice(0, 15)) && bytes[15] === 1) return '::1';
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  return groups.join(':');
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** The command line, arguments joined by spaces. */
  cmd: string;
}

/** The processes below `root` (children, grandchildren…), whatever process group they are in. */
export function processTree(root: number): ProcessInfo[] {
  const all: ProcessInfo[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ').trim();
      all.push({ pid: Number(d), ppid, cmd });
    } catch {
      // gone
    }
  }
  const out: ProcessInfo[] = [];
  const walk = (parent: number) => {
    for (const p of all)
      if (p.ppid === parent) {
        out.push(p);
        walk(p.pid);
      }
  };
  walk(root);
  return out;
}

/** Whether process `pid` still exists (a zombie counts as gone). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
