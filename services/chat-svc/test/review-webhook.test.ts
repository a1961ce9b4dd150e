// Review webhooks may not become a way into our network (SSRF). A local server on 127.0.0.1 stands
// for everything private: unless a test allowlists it, it must see no connection at all.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Envelope, makeEnvelope } from '@onair/contracts';
import { createDocumentClient, ensureTable, silentLogger } from '@onair/runtime';
import { recordingBus, startDynalite } from '../../../test/support';
import { buildService } from '../src/app';
import { FakeIvsChat } from '../src/ivs-chat/fake';
import { moderate, type ReviewCall } from '../src/messages/moderation';
import {
  createHttpReview,
  type HttpReview,
  isForbiddenAddress,
  MAX_REPLY_BYTES,
  parseAllowedHosts,
  type Resolver,
  WebhookUrlPolicy,
} from '../src/messages/review-webhook';
import { CHAT_TABLE_INDEXES } from '../src/rooms/store';

interface Seen {
  connections: number;
  requests: Array<{ method?: string; url?: string; host?: string; body: string }>;
}

/** A server on 127.0.0.1 that counts every TCP connection and request it gets. */
async function startServer(
  handle: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): Promise<{ port: number; seen: Seen; server: Server; close(): Promise<void> }> {
  const seen: Seen = { connections: 0, requests: [] };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.requests.push({ method: req.method, url: req.url, host: req.headers.host, body });
      handle(req, res, body);
    });
  });
  server.on('connection', () => {
    seen.connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    seen,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const json = (res: ServerResponse, value: unknown, status = 200) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
};

describe('review webhook URL rules and the SSRF-safe client', () => {
  let target: Awaited<ReturnType<typeof startServer>>; // stands for anything private
  let other: Awaited<ReturnType<typeof startServer>>; // where a redirect points
  const slowTimers = new Set<NodeJS.Timeout>();
  const clients: HttpReview[] = [];

  beforeAll(async () => {
    other = await startServer((_req, res) => json(res, { ReviewResult: 'ALLOW', Content: 'from the other' }));
    target = await startServer((req, res, body) => {
      const path = req.url ?? '/';
      if (path.startsWith('/redirect')) {
        res.writeHead(302, { location: `http://127.0.0.1:${other.port}/` });
        res.end();
      } else if (path === '/big') {
        json(res, { ReviewResult: 'ALLOW', Content: 'x'.repeat(MAX_REPLY_BYTES) });
      } else if (path === '/big-chunked') {
        res.writeHead(200, { 'content-type': 'application/json' });
        const piece = Buffer.alloc(8192, 0x20);
        for (let i = 0; i < 16; i++) res.write(piece);
        res.end('{}');
      } else if (path === '/slow') {
        const t = setTimeout(() => {
          slowTimers.delete(t);
          json(res, { ReviewResult: 'ALLOW' });
        }, 2000);
        slowTimers.add(t);
      } else if (path === '/500') {
        json(res, { error: 'down' }, 500);
      } else {
        const content = (JSON.parse(body || '{}') as { Content?: string }).Content ?? '';
        json(res, {
          ReviewResult: 'ALLOW',
          Content: `${content} (reviewed)`,
          Attributes: { reviewed: 'yes' },
        });
      }
    });
  });
  afterAll(async () => {
    for (const t of slowTimers) clearTimeout(t);
    for (const c of clients) c.close();
    await target.close();
    await other.close();
  });
  beforeEach(() => {
    target.seen.connections = 0;
    target.seen.requests.length = 0;
    other.seen.connections = 0;
    other.seen.requests.length = 0;
  });

  const client = (allowed = '', resolve?: Resolver) => {
    const c = createHttpReview({ policy: new WebhookUrlPolicy(parseAllowedHosts(allowed)), resolve });
    clients.push(c);
    return c;
  };
  const body = { Content: 'hi', MessageId: 'm1', RoomArn: 'r1', Attributes: {}, Sender: { UserId: 'bob' } };

  describe('refuses, without connecting, every URL that is not a public https address', () => {
    const forbidden = (port: number) => [
      `http://127.0.0.1:${port}/`,
      `https://127.0.0.1:${port}/`,
      `https://127.1:${port}/`,
      `https://2130706433:${port}/`,
      `https://0.0.0.0:${port}/`,
      'http://169.254.169.254/latest/meta-data/',
      'https://169.254.169.254/latest/meta-data/',
      'https://[fd00:ec2::254]/latest/meta-data/',
      `http://[::1]:${port}/`,
      `https://[::1]:${port}/`,
      `https://[::ffff:127.0.0.1]:${port}/`,
      `https://[::ffff:a9fe:a9fe]/`,
      `https://[64:ff9b::7f00:1]:${port}/`,
      `https://[2002:7f00:1::]:${port}/`,
      'http://10.0.0.1/',
      'https://10.0.0.1/',
      'https://172.16.5.4/',
      'https://192.168.1.1/',
      'https://100.64.0.1/',
      'https://[fe80::1]/',
      'https://[fc00::1]/',
      'https://224.0.0.1/',
      'https://[ff02::1]/',
      'https://[::]/',
      `https://localhost:${port}/`,
      `http://localhost:${port}/`,
      'file:///etc/passwd',
      `gopher://127.0.0.1:${port}/_SET%20x%201`,
      'data:application/json,{"ReviewResult":"ALLOW"}',
      `https://user:pass@127.0.0.1:${port}/`,
    ];

    it.each(forbidden(0).map((_, i) => i))('case %i', async (i) => {
      const url = forbidden(target.port)[i];
      const err = await client()(url, body, 500).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(
        /not a public address|must be https|must be an https URL|user name or password/,
      );
      expect(target.seen.connections).toBe(0);
    });
  });

  it('refuses a host that resolves to a private address (any of its addresses), and connects to none', async () => {
    const toLoopback: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
    await expect(client('', toLoopback)(`https://review.example:${target.port}/`, body, 500)).rejects.toThrow(
      /resolves to\) 127\.0\.0\.1/,
    );
    const mixed: Resolver = async () => [
      { address: '93.184.216.34', family: 4 }, // public: fine alone
      { address: '::ffff:10.1.2.3', family: 6 },
    ];
    await expect(client('', mixed)('https://review.example/', body, 500)).rejects.toThrow(/10\.1\.2\.3/);
    expect(target.seen.connections).toBe(0);
  });

  it('classifies addresses with the IPv4 rules also when written as IPv6', () => {
    expect(isForbiddenAddress('93.184.216.34')).toBe(false);
    expect(isForbiddenAddress('2606:2800:220:1:248:1893:25c8:1946')).toBe(false);
    expect(isForbiddenAddress('::ffff:93.184.216.34')).toBe(false);
    for (const a of [
      '::ffff:169.254.169.254',
      '::ffff:0a00:0001',
      '::ffff:100.64.0.1',
      'fe80::1%eth0',
      '::1',
    ]) {
      expect([a, isForbiddenAddress(a)]).toEqual([a, true]);
    }
    expect(isForbiddenAddress('not-an-address')).toBe(true);
  });

  it('calls an allowlisted host over http, at the address it checked (DNS is asked once, then pinned)', async () => {
    let lookups = 0;
    const resolve: Resolver = async () => {
      lookups++;
      return [{ address: '127.0.0.1', family: 4 }];
    };
    // review.test exists in no DNS: the request can only arrive through the pinned address.
    const reply = await client(`review.test:${target.port}`, resolve)(
      `http://review.test:${target.port}/hook`,
      body,
      1000,
    );
    expect(reply).toMatchObject({ ReviewResult: 'ALLOW', Content: 'hi (reviewed)' });
    expect(lookups).toBe(1);
    expect(target.seen.requests).toEqual([
      expect.objectContaining({ method: 'POST', url: '/hook', host: `review.test:${target.port}` }),
    ]);
    expect(JSON.parse(target.seen.requests[0].body)).toEqual(body);
    // The allowlist is per host:port: another port of the same host is not allowed over http.
    await expect(
      client(`review.test:${target.port}`, resolve)('http://review.test:1/', body, 500),
    ).rejects.toThrow(/must be https/);
  });

  it('does not follow a redirect, even from an allowlisted host to another', async () => {
    const err = await client(`127.0.0.1:${target.port}`)(
      `http://127.0.0.1:${target.port}/redirect`,
      body,
      1000,
    ).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/answered 302; redirects are not followed/);
    expect(target.seen.requests).toHaveLength(1);
    expect(other.seen.connections).toBe(0);
  });

  it('stops reading a reply over 64 KiB (declared or not), fails a non-2xx, and times out a slow one', async () => {
    const call = client(`127.0.0.1:${target.port}`);
    const base = `http://127.0.0.1:${target.port}`;
    await expect(call(`${base}/big`, body, 1000)).rejects.toThrow(/over 65536/);
    await expect(call(`${base}/big-chunked`, body, 1000)).rejects.toThrow(/over 65536 bytes/);
    await expect(call(`${base}/500`, body, 1000)).rejects.toThrow(/answered 500/);
    const started = Date.now();
    await expect(call(`${base}/slow`, body, 200)).rejects.toThrow(/timed out/);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  describe('replies are checked before they rewrite a message', () => {
    const settings = (fallbackResult: 'ALLOW' | 'DENY') => ({
      maximumMessageLength: 10,
      moderation: { wordFilter: [], reviewWebhookUrl: 'https://review.example/', fallbackResult },
    });
    const m = { content: 'hello', roomId: 'r', userId: 'u', messageId: 'm' };
    const answering =
      (reply: unknown): ReviewCall =>
      async () =>
        reply;

    it.each([
      ['no ReviewResult', {}],
      ['an unknown ReviewResult', { ReviewResult: 'MAYBE' }],
      ['Content not a string', { ReviewResult: 'ALLOW', Content: 42 }],
      ['Content longer than the room allows', { ReviewResult: 'ALLOW', Content: 'x'.repeat(11) }],
      ['empty Content', { ReviewResult: 'ALLOW', Content: '' }],
      ['Attributes values not strings', { ReviewResult: 'ALLOW', Attributes: { a: 1 } }],
      ['Attributes not an object', { ReviewResult: 'ALLOW', Attributes: 'x' }],
      ['not an object', 'ALLOW'],
    ])('%s: the fallback decides', async (_what, reply) => {
      const reasons: string[] = [];
      await expect(moderate(settings('DENY'), m, answering(reply), (r) => reasons.push(r))).resolves.toEqual({
        result: 'DENY',
        reason: 'review handler unavailable (fallback DENY)',
      });
      expect(reasons[0]).toMatch(/invalid reply/);
      await expect(moderate(settings('ALLOW'), m, answering(reply))).resolves.toEqual({
        result: 'ALLOW',
        content: 'hello',
      });
    });

    it('a valid reply rewrites (code points counted, as for messages)', async () => {
      await expect(
        moderate(
          settings('DENY'),
          m,
          answering({ ReviewResult: 'ALLOW', Content: '🎉'.repeat(10), Attributes: { k: 'v' } }),
        ),
      ).resolves.toEqual({ result: 'ALLOW', content: '🎉'.repeat(10), attributes: { k: 'v' } });
    });
  });

  describe('in chat-svc: saving the setting, and calling it', () => {
    let db: Awaited<ReturnType<typeof startDynalite>>;
    let tableName: string;
    let ddb: ReturnType<typeof createDocumentClient>;
    const services: Array<ReturnType<typeof buildService>> = [];
    const ctx = { attempt: 1, log: silentLogger };
    const owner = { userId: 'owner', roles: ['streamer' as const] };
    const viewer = { userId: 'vic', roles: ['viewer' as const] };

    beforeAll(async () => {
      db = await startDynalite();
      ddb = createDocumentClient({ region: 'us-east-1', endpoint: db.endpoint });
    });
    afterAll(async () => {
      await Promise.all(services.map((s) => s.stop()));
      await db.close();
    });
    beforeEach(async () => {
      tableName = `chat-${Math.random().toString(36).slice(2)}`;
      await ensureTable(ddb, { name: tableName, indexes: CHAT_TABLE_INDEXES });
    });

    const make = (allowed = '') => {
      const svc = buildService({
        bus: recordingBus(),
        logger: silentLogger,
        instanceId: 'c1',
        ddb,
        tableName,
        ivsChat: new FakeIvsChat(),
        reviewWebhookAllowedHosts: allowed,
      });
      services.push(svc);
      const run = (type: string, data: unknown) =>
        svc.router.handle(makeEnvelope({ type, source: 'test', data }), ctx) as Promise<Envelope>;
      return {
        run,
        room: (roomId: string, url: string | undefined, fallbackResult: 'ALLOW' | 'DENY' = 'DENY') =>
          run('onair.chat.room.create.v1', {
            roomId,
            actor: owner,
            provider: 'native',
            name: roomId,
            settings: {
              maximumMessageRatePerSecond: 100,
              moderation: { wordFilter: [], fallbackResult, ...(url ? { reviewWebhookUrl: url } : {}) },
            },
          }),
        send: (roomId: string, content: string) =>
          run('onair.chat.message.send.v1', {
            roomId,
            sender: { userId: 'bob' },
            connectionId: 'c1',
            gatewayId: 'gw-1',
            requestId: `req-${Math.random()}`,
            content,
          }),
      };
    };

    it('refuses to save a URL that breaks the rules (400 naming the field)', async () => {
      const chat = make();
      const p = target.port;
      let n = 0;
      for (const url of [
        `http://127.0.0.1:${p}/`,
        'http://169.254.169.254/latest/meta-data/',
        `https://[::1]:${p}/`,
        `https://[::ffff:127.0.0.1]:${p}/`,
        'https://10.0.0.1/',
        `http://localhost:${p}/`,
        'file:///etc/passwd',
        `gopher://127.0.0.1:${p}/_x`,
        'data:application/json,{}',
        'https://review.example.com@127.0.0.1/',
      ]) {
        const err = await chat.room(`bad${++n}`, url).catch((e: unknown) => e);
        expect([url, err]).toEqual([
          url,
          expect.objectContaining({
            status: 400,
            message: expect.stringContaining('settings.moderation.reviewWebhookUrl'),
          }),
        ]);
      }
      expect(target.seen.connections).toBe(0);
    });

    it('a viewer who is not the owner may not set the URL (403); the owner may, under the rules', async () => {
      const chat = make();
      await chat.room('lobby', undefined);
      const update = (actor: typeof owner | typeof viewer, url: string) =>
        chat.run('onair.chat.room.update.v1', {
          roomId: 'lobby',
          actor,
          settings: { moderation: { wordFilter: [], fallbackResult: 'ALLOW', reviewWebhookUrl: url } },
        });
      await expect(update(viewer, 'https://review.example/hook')).rejects.toMatchObject({
        status: 403,
        message: expect.stringMatching(/may set moderation\.reviewWebhookUrl/),
      });
      await expect(update(owner, `http://127.0.0.1:${target.port}/`)).rejects.toMatchObject({ status: 400 });
      const ok = await update(owner, 'https://review.example/hook');
      expect(ok.data).toMatchObject({
        settings: { moderation: { reviewWebhookUrl: 'https://review.example/hook' } },
      });
      expect(target.seen.connections).toBe(0);
    });

    it('the owner with an allowlisted http URL: every message is reviewed and rewritten, end to end', async () => {
      const chat = make(`127.0.0.1:${target.port}`);
      await chat.room('reviewed', `http://127.0.0.1:${target.port}/hook`);
      const sent = await chat.send('reviewed', 'hello');
      expect(sent.data).toMatchObject({ content: 'hello (reviewed)', attributes: { reviewed: 'yes' } });
      expect(target.seen.requests).toHaveLength(1);
      expect(JSON.parse(target.seen.requests[0].body)).toMatchObject({
        Content: 'hello',
        RoomArn: 'reviewed',
        Sender: { UserId: 'bob' },
      });
    });

    it('checks again at call time: a stored URL this instance does not allow is never called', async () => {
      await make(`127.0.0.1:${target.port}`).room('saved-earlier', `http://127.0.0.1:${target.port}/hook`);
      const strict = make(); // the allowlist is gone (production)
      await expect(strict.send('saved-earlier', 'hello')).rejects.toMatchObject({ status: 406 });
      expect(target.seen.connections).toBe(0);
    });

    it('a redirect, an oversized or a slow reply fall back to the room fallbackResult', async () => {
      const chat = make(`127.0.0.1:${target.port}`);
      const base = `http://127.0.0.1:${target.port}`;
      await chat.room('redirect', `${base}/redirect`, 'DENY');
      await chat.room('big', `${base}/big`, 'DENY');
      await chat.room('slow', `${base}/slow`, 'ALLOW');
      await expect(chat.send('redirect', 'hi')).rejects.toMatchObject({ status: 406 });
      await expect(chat.send('big', 'hi')).rejects.toMatchObject({ status: 406 });
      await expect(chat.send('slow', 'hi')).resolves.toMatchObject({ data: { content: 'hi' } });
      expect(other.seen.connections).toBe(0);
    });
  });
});
