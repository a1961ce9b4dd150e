// How `npm start` keeps a service running: one supervised child process per service, restarted
// with exponential backoff when it exits unasked, and stopped as a whole process tree.
//
// Every service runs in a process group of its own (`detached: true`), so:
// - Ctrl-C in a terminal (SIGINT to the terminal's foreground group) reaches only the CLI, and a
//   service gets exactly one signal, the CLI's SIGTERM, and drains;
// - stopping signals the whole group (`process.kill(-pid, …)`), so nothing the service started
//   stays behind, and after any exit the group is swept with SIGKILL.
// The service's stdin is a pipe from the CLI: `exit-with-parent` (preloaded into the service)
// stops it when that pipe closes, so even a CLI killed with SIGKILL leaves no service behind.
import { type ChildProcess, spawn } from 'node:child_process';

/** How long to wait before restarting a service that exited unasked. */
export interface BackoffPolicy {
  /** Delay before the first restart after a healthy run. */
  initialMs: number;
  /** The longest delay: each crash in a row doubles the delay up to this. */
  maxMs: number;
  /** A run that stayed up this long was healthy: the next crash starts again from initialMs. */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 10_000, resetAfterMs: 30_000 };

/** The delay before restart number `streak` of a crash streak (1 = the first crash in a row). */
export function restartDelay(streak: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const n = Math.max(1, Math.floor(streak));
  // 2 ** 30 is far past any cap; it keeps the arithmetic finite for absurd streaks.
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(n - 1, 30));
}

/** Counts crashes in a row and gives the delay before each restart. */
export class RestartBackoff {
  private streak = 0;

  constructor(private readonly policy: BackoffPolicy = DEFAULT_BACKOFF) {}

  /** A run that lasted `upMs` crashed: how long to wait before starting it again. */
  next(upMs: number): number {
    this.streak = upMs >= this.policy.resetAfterMs ? 1 : this.streak + 1;
    return restartDelay(this.streak, this.policy);
  }
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** An exit the supervisor did not ask for. */
export interface Crash extends Exit {
  name: string;
  /** How long that run was up. */
  upMs: number;
  /** The restart that would follow (1 = the first restart of this service). */
  restart: number;
  /** How long the supervisor waits before that restart. */
  delayMs: number;
  /** The last lines the run printed (stdout and stderr). */
  lastLines: string[];
}

export interface Run {
  pid: number;
  /** 0 for the first start, then 1, 2… */
  restart: number;
  /** Aborted when this run exits. */
  exited: AbortSignal;
}

export interface SupervisorOptions {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** One line of the service's output (stdout or stderr), without the newline. */
  onLine(line: string): void;
  /** A crash: 'restart' restarts after crash.delayMs; 'give-up' leaves it stopped. */
  onCrash(crash: Crash): 'restart' | 'give-up';
  /** A run started (the first or a restart). */
  onStart?(run: Run): void;
  backoff?: BackoffPolicy;
}

/** How a stop ended: the service's exit, and whether it had to be killed. */
export interface Stopped extends Exit {
  /** It was not running (never started, or already gone). */
  notRunning: boolean;
  /** It did not exit within the stop timeout and was killed with SIGKILL. */
  killed: boolean;
}

interface Current {
  child: ChildProcess;
  pid: number;
  startedAt: number;
  /** Resolves once the process exited and its output is drained. */
  closed: Promise<Exit>;
  done: boolean;
}

const TAIL_LINES = 30;

export class Supervisor {
  private current: Current | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private restarts = 0;
  private readonly backoff: RestartBackoff;

  constructor(private readonly o: SupervisorOptions) {
    this.backoff = new RestartBackoff(o.backoff);
  }

  /** The pid of the running service process (its process group has the same id). */
  get pid(): number | undefined {
    return this.current && !this.current.done ? this.current.pid : undefined;
  }

  start(): void {
    if (this.stopping || this.pid !== undefined) return;
    const child = spawn(this.o.command, this.o.args, {
      cwd: this.o.cwd,
      env: this.o.env,
      // stdin: the pipe exit-with-parent watches; nothing is ever written to it.
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const startedAt = Date.now();
    const tail: string[] = [];
    const exited = new AbortController();
    const closed = new Promise<Exit>((resolveClosed) => {
      let exit: Exit | undefined;
      child.once('exit', (code, signal) => {
        exit = { code, signal };
        // Anything the service left in its group goes with it; its output then ends.
        signalGroup(child.pid, 'SIGKILL');
      });
      child.once('close', (code, signal) => resolveClosed(exit ?? { code, signal }));
      child.once('error', (err) => {
        // Spawning failed (no 'exit' follows): report it as a crash of this run.
        this.o.onLine(`could not start: ${err.message}`);
        if (child.pid === undefined) resolveClosed({ code: null, signal: null });
      });
    });
    const current: Current = { child, pid: child.pid ?? -1, startedAt, closed, done: false };
    this.current = current;
    child.stdin?.on('error', () => {}); // EPIPE once it is gone: nothing to do
    for (const stream of [child.stdout, child.stderr]) {
      let buf = '';
      const emit = (line: string) => {
        if (!line.trim()) return;
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
        this.o.onLine(line);
      };
      stream?.on('data', (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split('\n');
        buf = lines.pop() ?? '';
        for (const l of lines) emit(l);
      });
      stream?.on('end', () => {
        if (buf) emit(buf);
        buf = '';
      });
    }
    if (child.pid !== undefined)
      this.o.onStart?.({ pid: child.pid, restart: this.restarts, exited: exited.signal });
    void closed.then((exit) => {
      current.done = true;
      exited.abort();
      child.stdin?.destroy();
      if (this.stopping) return;
      const upMs = Date.now() - startedAt;
      const delayMs = this.backoff.next(upMs);
      const decision = this.o.onCrash({
        name: this.o.name,
        ...exit,
        upMs,
        restart: this.restarts + 1,
        delayMs,
        lastLines: [...tail],
      });
      if (decision !== 'restart' || this.stopping) return;
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        if (this.stopping) return;
        this.restarts++;
        this.start();
      }, delayMs);
    });
  }

  /**
   * Stop for good (no restart): SIGTERM to the service's process group, then SIGKILL to the
   * group if it has not exited within `timeoutMs`.
   */
  async stop(timeoutMs: number): Promise<Stopped> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const current = this.current;
    if (!current || current.done) return { code: null, signal: null, notRunning: true, killed: false };
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      signalGroup(current.pid, 'SIGKILL');
    }, timeoutMs);
    signalGroup(current.pid, 'SIGTERM');
    const exit = await current.closed;
    clearTimeout(timer);
    return { ...exit, notRunning: false, killed };
  }

  /** SIGKILL the service's group at once (synchronous: for process 'exit' handlers). */
  killNow(): void {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.current && !this.current.done) signalGroup(this.current.pid, 'SIGKILL');
  }
}

/** Signal every process of the group led by `pid`; a group that is gone already is fine. */
function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined || pid <= 0) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: nothing left in the group
  }
}
