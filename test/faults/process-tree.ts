import { readdirSync, readFileSync } from 'node:fs';

/**
 * The processes below `root` (children, grandchildren…) read from /proc, with their command
 * lines. The fault suite uses it to find a service's real node process under `npm start` (and
 * under tsx's wrapper, if there is one) so it can kill -9 exactly that one.
 */
export function descendants(root: number): Array<{ pid: number; ppid: number; cmd: string }> {
  const all: Array<{ pid: number; ppid: number; cmd: string }> = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isSafeInteger(pid)) continue;
    try {
      // stat is "pid (comm) state ppid …"; comm may hold spaces and parentheses.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      all.push({ pid, ppid, cmd });
    } catch {
      // gone meanwhile
    }
  }
  const out: typeof all = [];
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

/** The innermost process under `root` running `services/<svc>/…/main` (the service itself). */
export function servicePid(root: number, svc: string): number | undefined {
  const mine = descendants(root).filter((p) => p.cmd.includes(`services/${svc}/`));
  const innermost = mine.filter((p) => !mine.some((q) => q.ppid === p.pid));
  return innermost[0]?.pid;
}
