// The HTTP face of the stand-in: Twirp under /twirp (behind the same token middleware as
// livekit-server), a health check at /, and development controls under /_dev that stand in for
// what real clients and a real egress would do (join over WebRTC, fail, lose webhooks).
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ParticipantInfo, Room } from '@livekit/protocol';
import { type ApiKeys, AuthFailure, authenticate, verifyJoinToken } from './auth';
import { EgressManager, egressService, loadRecording } from './egress';
import { type Fault, FaultBook, isFault } from './faults';
import { RoomStore, roomService } from './rooms';
import { TwirpError, handleTwirp, readBody, sendJson, sendTwirpError, toServerJson } from './twirp';
import { type SentWebhook, WebhookSender } from './webhooks';

export interface LiveKitStandInOptions {
  /** 0 (default) = a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  apiKey: string;
  apiSecret: string;
  /** Where webhooks are POSTed; also settable later with setWebhookUrl. Without one they are only recorded. */
  webhookUrl?: string;
}

export interface LiveKitStandIn {
  /** http://HOST:PORT — what RoomServiceClient / EgressClient take as `host` (LIVEKIT_URL). */
  readonly url: string;
  readonly port: number;
  /** Where the server listens (its socket's address), for checks of the binding. */
  address(): AddressInfo;
  /** Every webhook emitted so far, in order, with its delivery outcome. */
  readonly webhooks: readonly SentWebhook[];
  setWebhookUrl(url: string | undefined): void;
  /** A participant joins with an access token (verified as /rtc would). Throws TwirpError. */
  join(token: string): Promise<{ room: Room; participant: ParticipantInfo }>;
  /** The participant disconnects (participant_left). Throws TwirpError if not in the room. */
  leave(room: string, identity: string): void;
  injectFault(fault: Fault): void;
  clearFaults(): void;
  /** Faults still armed. */
  faults(): Array<Fault & { remaining: number }>;
  /** Waits (polling, with a deadline) for a recorded webhook that satisfies `match`. */
  waitForWebhook(match: (w: SentWebhook) => boolean, timeoutMs?: number): Promise<SentWebhook>;
  /** Resolves when no egress upload and no webhook delivery is in progress. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export async function startLiveKitStandIn(opts: LiveKitStandInOptions): Promise<LiveKitStandIn> {
  const keys: ApiKeys = { apiKey: opts.apiKey, apiSecret: opts.apiSecret };
  const faults = new FaultBook();
  const webhooks = new WebhookSender(keys, faults, opts.webhookUrl);
  let egress: EgressManager | undefined;
  const rooms = new RoomStore(webhooks, (room) => egress?.stopRoom(room));
  egress = new EgressManager(rooms, webhooks, faults, loadRecording());
  const services = { ...roomService(rooms), ...egressService(egress) };

  const join = async (token: string) => {
    try {
      return rooms.join(await verifyJoinToken(token, keys));
    } catch (err) {
      if (!(err instanceof AuthFailure)) throw err;
      throw new TwirpError(err.status === 400 ? 'invalid_argument' : 'unauthenticated', err.message);
    }
  };

  const devRoutes: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    'POST /_dev/join': async (body) => {
      const { room, participant } = await join(String(body.token ?? ''));
      return { room: JSON.parse(toServerJson(room)), participant: JSON.parse(toServerJson(participant)) };
    },
    'POST /_dev/leave': async (body) => {
      rooms.leave(String(body.room ?? ''), String(body.identity ?? ''));
      return {};
    },
    'GET /_dev/webhooks': async () => ({ webhooks: webhooks.sent }),
    'POST /_dev/webhook-url': async (body) => {
      webhooks.url = typeof body.url === 'string' && body.url ? body.url : undefined;
      return { url: webhooks.url ?? null };
    },
    'GET /_dev/faults': async () => ({ faults: faults.list() }),
    'POST /_dev/faults': async (body) => {
      if (!isFault(body))
        throw new TwirpError('invalid_argument', 'not a fault, see devstack/src/livekit/faults.ts');
      faults.inject(body);
      return { faults: faults.list() };
    },
    'DELETE /_dev/faults': async () => {
      faults.clear();
      return { faults: [] };
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const pathname = new URL(req.url ?? '/', 'http://stand-in').pathname;
    if (pathname.startsWith('/twirp/')) {
      let claims: Awaited<ReturnType<typeof authenticate>>;
      try {
        claims = await authenticate(req.headers.authorization, keys);
      } catch (err) {
        if (!(err instanceof AuthFailure)) throw err;
        // livekit's middleware writes these as plain text, so the SDK's error has no `code`.
        res.writeHead(err.status, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(err.message);
        return;
      }
      return handleTwirp(req, res, pathname, services, claims);
    }
    if (pathname === '/' && req.method === 'GET') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('OK');
      return;
    }
    const dev = devRoutes[`${req.method} ${pathname}`];
    if (!dev) return sendTwirpError(res, new TwirpError('bad_route', `no route ${req.method} ${pathname}`));
    try {
      const raw = await readBody(req);
      let body: unknown = {};
      try {
        if (raw.length) body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new TwirpError('malformed', 'body is not JSON');
      }
      sendJson(res, 200, await dev((body ?? {}) as Record<string, unknown>));
    } catch (err) {
      sendTwirpError(res, err instanceof TwirpError ? err : new TwirpError('internal', String(err)));
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) sendTwirpError(res, new TwirpError('internal', String(err)));
      else res.destroy();
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const idle = async () => {
    await egress.idle();
    await webhooks.idle();
  };

  // A wildcard address is reached on the loopback.
  const reachable =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${reachable}:${port}`,
    port,
    address: () => server.address() as AddressInfo,
    webhooks: webhooks.sent,
    setWebhookUrl: (url) => {
      webhooks.url = url;
    },
    join,
    leave: (room, identity) => rooms.leave(room, identity),
    injectFault: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),
    faults: () => faults.list(),
    waitForWebhook: async (match, timeoutMs = 5_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = webhooks.sent.find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching webhook within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    idle,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await egress.idle();
      webhooks.close(); // no more retries; deliveries in flight finish or time out
      await webhooks.idle();
    },
  };
}
