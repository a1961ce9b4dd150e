// The chat sockets fuzzed from the outside: the whole local stack as separate processes (so a
// crash is a process that exited, as in production), raw TCP for upgrades that no client library
// would send, and the `ws` client for frames on open sockets of both protocols. Whatever arrives,
// every answer is an HTTP status line or a JSON object, and no process goes down.
import { connect } from 'node:net';
import { illFormedAt, mintChatToken } from '@onair/runtime';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { waitFor } from '../../libs/runtime/test/wait-for';
import { type StackProcess, startStackProcess } from '../support/stack-process';

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const SEED = 20_260_501;
const params = (seed: number) => ({ numRuns: RUNS, seed, endOnFailure: true });

const ENDPOINTS = [
  '/v1/chat/ws',
  '/v1/chat/seed003',
  '/v1/chat/ws/',
  '/V1/CHAT/SEED003',
  '/nope',
  '/',
  '/healthz',
];
/** Close codes the gateway may end a fuzzed socket with: normal, protocol error, bad data, too big. */
const ACCEPTED_CLOSES = new Set([1000, 1002, 1005, 1006, 1007, 1008, 1009, 1011]);

interface Tokens {
  user: string;
  chat: string;
  garbage: string;
  algNone: string;
  wrongSecret: string;
  expiredUser: string;
  expiredChat: string;
  wrongSecretChat: string;
}

/** Send `request` on a fresh TCP connection; resolve with the head of the answer (or '' when closed silently). */
function rawExchange(port: number, request: string | Buffer, after?: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1', () => {
      sock.write(request);
    });
    let got = Buffer.alloc(0);
    let done = false;
    const finish = (v: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => {
      done = true;
      sock.destroy();
      reject(new Error(`no answer within 10 s to ${JSON.stringify(request.toString().slice(0, 200))}`));
    }, 10_000);
    sock.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      const head = got.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      if (/^HTTP\/1\.1 101 /.test(head) && after && !sock.destroyed) {
        // An open socket: throw raw bytes at it, then wait for the server to close or answer.
        sock.write(after);
        after = undefined;
        setTimeout(() => finish(head.slice(0, end)), 50).unref();
        return;
      }
      if (!after) finish(head.slice(0, end));
    });
    sock.on('close', () => finish(got.toString('latin1')));
    sock.on('error', () => finish(got.toString('latin1')));
  });
}

describe('socket fuzzing the whole stack (gateway and services as separate processes)', () => {
  jest.setTimeout(180_000);
  let stack: StackProcess;
  let port: number;
  let roomId: string;
  let tokens: Tokens;

  beforeAll(async () => {
    stack = await startStackProcess();
    port = Number(new URL(stack.gatewayUrl).port);
    const streamer = await stack.token('fuzz-streamer', ['streamer']);
    const post = async (path: string, body: unknown) => {
      const r = await fetch(`${stack.gatewayUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${streamer}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!r.ok) throw new Error(`POST ${path} answered ${r.status}: ${await r.text()}`);
      return (await r.json()) as Record<string, unknown>;
    };
    roomId = String((await post('/v1/chat/rooms', { name: 'fuzz', provider: 'native' })).roomId);
    const chat = String((await post(`/v1/chat/rooms/${roomId}/tokens`, {})).token);
    const now = Math.floor(Date.now() / 1000);
    const jwt = (secret: string, exp: number) =>
      new SignJWT({ roles: ['streamer'] })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('fuzz-user')
        .setIssuedAt(now - 7200)
        .setExpirationTime(exp)
        .sign(new TextEncoder().encode(secret));
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const grant = {
      roomId,
      userId: 'fuzz-chatter',
      capabilities: ['SEND_MESSAGE' as const],
      attributes: {},
      sessionExpirationTime: new Date(Date.now() + 3_600_000).toISOString(),
    };
    tokens = {
      user: await stack.token('fuzz-user', ['streamer']),
      chat,
      garbage: 'not.a.token',
      algNone: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'fuzz-user', roles: ['admin'], exp: now + 600 })}.`,
      wrongSecret: await jwt('a-secret-the-stack-does-not-know', now + 600),
      expiredUser: await jwt(stack.jwtSecret, now - 3600),
      expiredChat: (
        await mintChatToken(
          stack.chatTokenSecret,
          { ...grant, sessionExpirationTime: new Date(Date.now() - 1000).toISOString() },
          60,
        )
      ).token,
      wrongSecretChat: (await mintChatToken('a-chat-secret-nobody-shares-here', grant, 600)).token,
    };
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const healthy = async () => {
    const why = await stack.unhealthy();
    if (why) throw new Error(`${why}\n${stack.output().slice(-3000)}`);
  };

  // --- upgrades over raw TCP ----------------------------------------------------------------

  const tokenKind = fc.constantFrom<keyof Tokens | 'missing'>(
    'missing',
    'user',
    'chat',
    'garbage',
    'algNone',
    'wrongSecret',
    'expiredUser',
    'expiredChat',
    'wrongSecretChat',
  );
  /** Characters for request targets: no CR/LF, so each case stays one request. */
  const noNewlines = (s: string) => s.replace(/[\r\n]/g, '');
  const targetSuffix = fc.oneof(
    fc.constantFrom(
      '',
      '?',
      '?since=',
      '?since=-1',
      '?since=1e400',
      '?since=0x10',
      '?since=7',
      '#x',
      '?token=',
    ),
    fc.constantFrom('%zz', '%00', '%', '%E0%A4%A', '%ff%fe', '/..', '/%2e%2e/', '?token=%zz', '?token=%00'),
    fc.string({ unit: 'grapheme', maxLength: 30 }).map(noNewlines),
    fc.string({ unit: 'binary', maxLength: 30 }).map(noNewlines),
    fc.integer({ min: 100, max: 20_000 }).map((n) => `?x=${'a'.repeat(n)}`),
  );
  const target = fc.oneof(
    fc.constantFrom('//[', '*', '%zz', '%00', '//', '///[::1', '/\u00e9', 'http://[', '?token='),
    fc.tuple(fc.constantFrom(...ENDPOINTS), targetSuffix).map(([p, s]) => `${p}${s}`),
    fc
      .tuple(
        fc.constantFrom('http://gw', 'http://[::1]:1', 'ws://x', 'http://a@b'),
        fc.constantFrom(...ENDPOINTS),
      )
      .map(([h, p]) => `${h}${p}`),
  );
  const headerValue = fc.oneof(
    fc.string({ maxLength: 40 }).map(noNewlines),
    fc.string({ unit: 'grapheme', maxLength: 20 }).map(noNewlines),
  );
  const anyUpgrade = fc.record({
    target,
    tokenIn: fc.constantFrom('query', 'authorization', 'protocol', 'none'),
    token: tokenKind,
    key: fc.oneof(
      fc.constant('dGhlIHNhbXBsZSBub25jZQ=='),
      fc.constant(undefined),
      fc.constant(''),
      headerValue,
      fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b) => Buffer.from(b).toString('base64')),
    ),
    version: fc.oneof(fc.constantFrom('13', '8', '', '13, 8', undefined), headerValue),
    upgrade: fc.constantFrom('websocket', 'WebSocket', 'h2c', ''),
    protocols: fc.oneof(
      fc.constant(undefined),
      fc.array(fc.string({ maxLength: 12 }).map(noNewlines), { maxLength: 40 }).map((a) => a.join(',')),
      fc.integer({ min: 1, max: 3000 }).map((n) => Array.from({ length: n }, (_, i) => `p${i}`).join(', ')),
      fc.integer({ min: 1000, max: 40_000 }).map((n) => 'x'.repeat(n)),
    ),
    extra: fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z-]{1,20}$/), headerValue), { maxLength: 5 }),
  });

  /** Well-formed upgrades of both endpoints with the right token, so the accepting path is fuzzed too. */
  const nearValid = fc.oneof(
    fc.record({
      target: fc.constantFrom(
        '/v1/chat/ws',
        '/v1/chat/ws?since=0',
        '/v1/chat/ws?since=3',
        '/v1/chat/ws?x=%zz',
      ),
      tokenIn: fc.constant('protocol'),
      token: fc.constant<keyof Tokens>('chat'),
      key: fc.constant('dGhlIHNhbXBsZSBub25jZQ=='),
      version: fc.constant('13'),
      upgrade: fc.constantFrom('websocket', 'WebSocket'),
      protocols: fc.constantFrom(undefined, 'second', 'a, b, c'),
      extra: fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z-]{1,20}$/), headerValue), { maxLength: 3 }),
    }),
    fc.record({
      target: fc.constantFrom('/v1/chat/seed003', '/v1/chat/seed003?x=%00'),
      tokenIn: fc.constantFrom('query', 'authorization'),
      token: fc.constant<keyof Tokens>('user'),
      key: fc.constant('dGhlIHNhbXBsZSBub25jZQ=='),
      version: fc.constant('13'),
      upgrade: fc.constant('websocket'),
      protocols: fc.constantFrom(undefined, 'chat', 'a,b'),
      extra: fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z-]{1,20}$/), headerValue), { maxLength: 3 }),
    }),
  );
  const upgradeCase = fc.oneof({ weight: 4, arbitrary: anyUpgrade }, { weight: 1, arbitrary: nearValid });
  type UpgradeCase = typeof upgradeCase extends fc.Arbitrary<infer T> ? T : never;
  const requestOf = (c: UpgradeCase): string => {
    const tok = c.token === 'missing' ? undefined : tokens[c.token];
    let t = c.target;
    if (tok && c.tokenIn === 'query') t += `${t.includes('?') ? '&' : '?'}token=${tok}`;
    const headers = [
      'Host: gateway',
      'Connection: Upgrade',
      `Upgrade: ${c.upgrade}`,
      ...(c.key === undefined ? [] : [`Sec-WebSocket-Key: ${c.key}`]),
      ...(c.version === undefined ? [] : [`Sec-WebSocket-Version: ${c.version}`]),
      ...(tok && c.tokenIn === 'authorization' ? [`Authorization: Bearer ${tok}`] : []),
      ...(tok && c.tokenIn === 'protocol'
        ? [`Sec-WebSocket-Protocol: ${tok}${c.protocols ? `, ${c.protocols}` : ''}`]
        : c.protocols !== undefined
          ? [`Sec-WebSocket-Protocol: ${c.protocols}`]
          : []),
      ...c.extra.map(([k, v]) => `X-${k}: ${v}`),
    ];
    return `GET ${t} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`;
  };

  it('answers every generated upgrade with an HTTP status line (101, or 4xx for bad input)', async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(upgradeCase, async (c) => {
        const head = await rawExchange(port, Buffer.from(requestOf(c), 'utf8'));
        const status = /^HTTP\/1\.1 (\d{3}) /.exec(head);
        if (!status) throw new Error(`not an HTTP status line: ${JSON.stringify(head.slice(0, 200))}`);
        const code = Number(status[1]);
        seen.set(code, (seen.get(code) ?? 0) + 1);
        // Without an Upgrade value it is a plain request (HTTP routes answer it, never with a 5xx).
        const ok = code === 101 || (code >= 400 && code < 500) || (c.upgrade === '' && code < 500);
        if (!ok) throw new Error(`answered ${head.split('\r\n')[0]}`);
      }),
      params(SEED),
    );
    await healthy();
    // The generator reaches both sides: accepted upgrades and refusals.
    expect([...seen.keys()]).toEqual(expect.arrayContaining([101, 400, 401]));
  });

  it('survives raw bytes thrown at an upgraded socket of either protocol', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('ivs', 'seed003'),
        fc.uint8Array({ minLength: 1, maxLength: 2048 }),
        async (protocol, bytes) => {
          const request =
            protocol === 'ivs'
              ? `GET /v1/chat/ws HTTP/1.1\r\nHost: gw\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: ${tokens.chat}\r\n\r\n`
              : `GET /v1/chat/seed003?token=${tokens.user} HTTP/1.1\r\nHost: gw\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
          const head = await rawExchange(port, request, Buffer.from(bytes));
          expect(head).toMatch(/^HTTP\/1\.1 101 /);
        },
      ),
      params(SEED + 1),
    );
    await healthy();
  });

  // --- frames on open sockets, with the ws client --------------------------------------------

  const deep = fc
    .tuple(fc.integer({ min: 10, max: 6000 }), fc.constantFrom('[', '{"a":'))
    .map(([n, open]) => `${open.repeat(n)}1${(open === '[' ? ']' : '}').repeat(n)}`);
  const weirdString = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 200 }), // astral and control characters
    fc.constantFrom('\ud800', '\udfff', 'a\ud83dz', '\u0000', '\u2028\u2029', '\ufeff', '\u202e'),
    fc.integer({ min: 400, max: 20_000 }).map((n) => '😀'.repeat(n)),
  );
  const ivsRequest = fc.record(
    {
      Action: fc.oneof(fc.constantFrom('SEND_MESSAGE', 'DELETE_MESSAGE', 'DISCONNECT_USER'), weirdString),
      RequestId: fc.oneof(fc.uuid(), weirdString, fc.integer()),
      Content: fc.oneof(weirdString, fc.jsonValue({ maxDepth: 2 })),
      Attributes: fc.oneof(
        fc.dictionary(weirdString, weirdString, { maxKeys: 12 }),
        fc.jsonValue({ maxDepth: 2 }),
      ),
      Id: fc.oneof(weirdString, fc.integer()),
      UserId: fc.oneof(weirdString, fc.boolean()),
      Reason: fc.oneof(weirdString, fc.constant(null)),
    },
    { requiredKeys: ['Action'] },
  );
  const seedRequest = fc.record(
    {
      action: fc.oneof(fc.constantFrom('joinGroup', 'sendMessage'), weirdString),
      groupId: fc.oneof(
        fc.constant('__ROOM__'),
        fc.constantFrom('group1', 'a/b', ''),
        weirdString,
        fc.integer(),
      ),
      message: fc.oneof(weirdString, fc.jsonValue({ maxDepth: 2 })),
    },
    { requiredKeys: ['action'] },
  );
  type Step =
    | { kind: 'text'; data: string }
    | { kind: 'binary'; data: Uint8Array }
    | { kind: 'badUtf8'; data: Uint8Array }
    | { kind: 'fragments'; parts: string[] }
    | { kind: 'ping' }
    | { kind: 'close' }
    | { kind: 'terminate' };
  const step = (request: fc.Arbitrary<unknown>): fc.Arbitrary<Step> =>
    fc.oneof(
      { weight: 4, arbitrary: request.map((r) => ({ kind: 'text' as const, data: JSON.stringify(r) })) },
      {
        weight: 2,
        arbitrary: fc
          .jsonValue({ maxDepth: 4 })
          .map((v) => ({ kind: 'text' as const, data: JSON.stringify(v) })),
      },
      {
        weight: 2,
        arbitrary: fc
          .oneof(
            weirdString,
            deep,
            fc.constantFrom('{', '{"a":', '[1,', 'nul', '{"Action":', '""', '{}', 'null'),
          )
          .map((data) => ({ kind: 'text' as const, data })),
      },
      {
        weight: 1,
        arbitrary: fc.uint8Array({ maxLength: 300 }).map((data) => ({ kind: 'binary' as const, data })),
      },
      {
        weight: 1,
        arbitrary: fc
          .uint8Array({ maxLength: 40 })
          .map((b) => ({ kind: 'badUtf8' as const, data: Uint8Array.from([...b, 0xc3, 0x28, 0xff]) })),
      },
      {
        weight: 1,
        arbitrary: request.chain((r) => {
          const s = JSON.stringify(r);
          return fc.array(fc.nat({ max: s.length }), { minLength: 1, maxLength: 4 }).map((cuts) => {
            const at = [...new Set([0, ...cuts.sort((a, b) => a - b), s.length])];
            return { kind: 'fragments' as const, parts: at.slice(1).map((end, i) => s.slice(at[i], end)) };
          });
        }),
      },
      { weight: 1, arbitrary: fc.constant({ kind: 'ping' as const }) },
      { weight: 1, arbitrary: fc.constantFrom({ kind: 'close' as const }, { kind: 'terminate' as const }) },
    );

  /** Open a socket, play the steps, then (if still open) send a probe and wait for its answer. */
  const play = async (protocol: 'ivs' | 'seed003', steps: Step[]) => {
    const ws =
      protocol === 'ivs'
        ? new WebSocket(`${stack.wsUrl}/v1/chat/ws`, tokens.chat)
        : new WebSocket(`${stack.wsUrl}/v1/chat/seed003?token=${tokens.user}`);
    const replies: string[] = [];
    let closedWith: number | undefined;
    let binaryReplies = 0;
    ws.on('message', (d, isBinary) => {
      if (isBinary) binaryReplies++;
      else replies.push(d.toString());
    });
    ws.on('close', (code) => {
      closedWith = code;
    });
    ws.on('error', () => {}); // a close by the server mid-send is an allowed outcome
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('unexpected-response', (_q, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    let ended = false;
    for (const s of steps) {
      if (ws.readyState !== WebSocket.OPEN) break;
      if (s.kind === 'text') ws.send(s.data.replace('__ROOM__', roomId));
      else if (s.kind === 'binary') ws.send(s.data, { binary: true });
      else if (s.kind === 'badUtf8') ws.send(Buffer.from(s.data), { binary: false });
      else if (s.kind === 'fragments')
        s.parts.forEach((p, i) => {
          ws.send(p, { fin: i === s.parts.length - 1 });
        });
      else if (s.kind === 'ping') ws.ping('fuzz');
      else if (s.kind === 'close') {
        ws.close();
        ended = true;
        break;
      } else {
        ws.terminate();
        ended = true;
        break;
      }
    }
    if (!ended && ws.readyState === WebSocket.OPEN) {
      const probe =
        protocol === 'ivs'
          ? JSON.stringify({ Action: 'PROBE', RequestId: 'fuzz-probe' })
          : JSON.stringify({ action: 'fuzzProbe' });
      ws.send(probe);
      const answered = () =>
        replies.some((r) => r.includes('"fuzz-probe"') || r.includes('"fuzzProbe"')) ||
        closedWith !== undefined;
      await waitFor(answered, { what: `the answer to the probe on a ${protocol} socket`, timeoutMs: 10_000 });
      ws.close();
    }
    await waitFor(() => closedWith !== undefined, { what: 'the socket to close', timeoutMs: 10_000 });
    for (const r of replies) {
      const v: unknown = JSON.parse(r);
      expect(typeof v === 'object' && v !== null && !Array.isArray(v)).toBe(true);
      expect(illFormedAt(v)).toBeUndefined(); // nothing ill-formed comes back either
    }
    expect(binaryReplies).toBe(0);
    expect(ACCEPTED_CLOSES.has(closedWith as number)).toBe(true);
  };

  it('answers every frame on an IVS-protocol socket with JSON objects only', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step(ivsRequest), { minLength: 1, maxLength: 8 }), (steps) =>
        play('ivs', steps),
      ),
      params(SEED + 2),
    );
    await healthy();
  });

  it('answers every frame on a seed 003 socket with JSON objects only', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step(seedRequest), { minLength: 1, maxLength: 8 }), (steps) =>
        play('seed003', steps),
      ),
      params(SEED + 3),
    );
    await healthy();
  });

  it("leaves the room's history well-formed: what the fuzzing got stored, strict JSON clients can read", async () => {
    const res = await fetch(`${stack.gatewayUrl}/v1/chat/rooms/${roomId}/messages?limit=100`, {
      headers: { authorization: `Bearer ${tokens.user}` },
    });
    expect(res.status).toBe(200);
    const page: unknown = JSON.parse(await res.text());
    expect(illFormedAt(page)).toBeUndefined();
  });
});
