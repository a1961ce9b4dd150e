import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export const API_KEY = 'devkey';
export const API_SECRET = 'devsecret-that-is-long-enough-for-hs256';

export interface ReceivedWebhook {
  body: string;
  authorization: string | undefined;
  contentType: string | undefined;
  userAgent: string | undefined;
}

export interface Receiver {
  url: string;
  received: ReceivedWebhook[];
  /** HTTP status to answer with (e.g. 500 to force retries). */
  status: number;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: ReceivedWebhook[] = [];
  const state = { status: 200 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (state.status < 300) {
        received.push({
          body: Buffer.concat(chunks).toString('utf8'),
          authorization: req.headers.authorization,
          contentType: req.headers['content-type'],
          userAgent: req.headers['user-agent'],
        });
      }
      res.writeHead(state.status);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    get status() {
      return state.status;
    },
    set status(s: number) {
      state.status = s;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Polls `check` until it returns a truthy value or the deadline passes. */
export async function waitFor<T>(
  check: () => T | undefined | false,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Raw POST, for what the SDK cannot send (bad routes, wrong methods, garbage tokens). */
export async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body,
  });
  return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
}

export interface FauxqsProcess {
  /** S3 (and SQS/SNS) endpoint, e.g. http://127.0.0.1:PORT. */
  address: string;
  stop(): Promise<void>;
}

export { startFauxqsProcess } from './eventbridge-fauxqs';
