/**
 * A DevTools-protocol session with another Node process, for memory measurements: a full GC
 * before reading its RSS, so that what is compared is what the process keeps, not garbage it has
 * not collected yet. Nothing in the measured process is changed for this: Node opens its inspector
 * on SIGUSR1, on the port its `--inspect-port` names (127.0.0.1 only).
 */
import { WebSocket } from 'ws';

export class InspectorSession {
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: { result?: unknown; error?: unknown }) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: unknown };
      if (m.id !== undefined) {
        this.waiting.get(m.id)?.(m);
        this.waiting.delete(m.id);
      }
    });
  }

  /** Signal `pid` to open its inspector on `port`, then attach to it. */
  static async open(pid: number, port: number, timeoutMs = 15_000): Promise<InspectorSession> {
    process.kill(pid, 'SIGUSR1');
    const deadline = performance.now() + timeoutMs;
    let url: string | undefined;
    while (!url) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/json/list`);
        const targets = (await res.json()) as Array<{ webSocketDebuggerUrl?: string }>;
        url = targets.find((t) => t.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
      } catch {
        // not listening yet
      }
      if (!url) {
        if (performance.now() > deadline) throw new Error(`pid ${pid} opened no inspector on :${port}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const ws = new WebSocket(url, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new InspectorSession(ws);
  }

  private call(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method}: no answer in 60 s`)), 60_000);
      this.waiting.set(id, (m) => {
        clearTimeout(timer);
        if (m.error) reject(new Error(`${method}: ${JSON.stringify(m.error)}`));
        else resolve(m.result);
      });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Two full collections (the second picks up what finalizers of the first released). */
  async collectGarbage(): Promise<void> {
    await this.call('HeapProfiler.collectGarbage');
    await this.call('HeapProfiler.collectGarbage');
  }

  /** Bytes of live objects on the V8 heap. */
  async heapUsed(): Promise<number> {
    const r = (await this.call('Runtime.getHeapUsage')) as { usedSize: number };
    return r.usedSize;
  }

  close(): void {
    this.ws.close();
  }
}
