import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Review webhooks are URLs users give: chat-svc must never become their way into our network
 * (SSRF). The rules, checked when the setting is saved and again at every call:
 *   - https only; http only for hosts in REVIEW_WEBHOOK_ALLOWED_HOSTS (local development);
 *   - no credentials in the URL;
 *   - every address the host resolves to is public (no loopback, private, link-local, CGNAT,
 *     multicast, reserved, nor those written as IPv6), unless the host is allowlisted;
 *   - the connection goes to an address that was checked (no second DNS answer in between);
 *   - no redirects, a deadline, and a cap on the reply size.
 */

/** One REVIEW_WEBHOOK_ALLOWED_HOSTS entry: a host (any port) or host:port. */
export interface AllowedHost {
  host: string;
  port?: number;
}

const ENTRY = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/;

/** REVIEW_WEBHOOK_ALLOWED_HOSTS, e.g. `localhost:8787,review.internal`. Throws on a bad entry. */
export function parseAllowedHosts(list: string | undefined): AllowedHost[] {
  const out: AllowedHost[] = [];
  for (const raw of (list ?? '').split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const m = ENTRY.exec(entry);
    const port = m?.[2] === undefined ? undefined : Number(m[2]);
    if (!m || (port !== undefined && (port < 1 || port > 65535))) {
      throw new Error(`REVIEW_WEBHOOK_ALLOWED_HOSTS: '${entry}' is not a host or host:port`);
    }
    // The URL parser writes hosts as it writes them for a webhook URL (case, IPv6, `127.1`).
    out.push({ host: new URL(`http://${m[1]}`).hostname, ...(port !== undefined ? { port } : {}) });
  }
  return out;
}

/** Pattern of the config value (an empty list is the default). */
export const ALLOWED_HOSTS_PATTERN =
  '^\\s*(?:(?:\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+)(?::\\d{1,5})?\\s*(?:,\\s*|$))*$';

export type UrlCheck = { ok: true; url: URL; allowlisted: boolean } | { ok: false; refusal: string };

function portOf(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** What may be saved as, and called as, a review webhook. */
export class WebhookUrlPolicy {
  constructor(readonly allowed: readonly AllowedHost[] = []) {}

  isAllowlisted(url: URL): boolean {
    const port = portOf(url);
    return this.allowed.some((a) => a.host === url.hostname && (a.port === undefined || a.port === port));
  }

  check(raw: string): UrlCheck {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return { ok: false, refusal: `'${raw.slice(0, 100)}' is not a URL` };
    }
    const allowlisted = this.isAllowlisted(url);
    if (url.protocol === 'http:') {
      if (!allowlisted) {
        return {
          ok: false,
          refusal: `must be https (http is allowed only for the hosts in chat-svc's REVIEW_WEBHOOK_ALLOWED_HOSTS, and ${url.host} is not one)`,
        };
      }
    } else if (url.protocol !== 'https:') {
      return { ok: false, refusal: `must be an https URL, not ${url.protocol}` };
    }
    if (!url.hostname) return { ok: false, refusal: 'has no host' };
    if (url.username || url.password) {
      return { ok: false, refusal: 'must not carry a user name or password' };
    }
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (!allowlisted && isIP(literal) && isForbiddenAddress(literal)) {
      return { ok: false, refusal: `points at ${literal}, which is not a public address` };
    }
    return { ok: true, url, allowlisted };
  }
}

// Addresses a webhook may never reach (RFC 6890 special-purpose ranges that are not the Internet).
// One list per family: a BlockList matches IPv4 addresses against IPv6 rules (as mapped addresses)
// and the other way round, which would make ::/96 swallow every IPv4 address.
const forbiddenV4 = new BlockList();
const forbiddenV6 = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], // "this network", 0.0.0.0 included
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, the cloud metadata address 169.254.169.254 included
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, 255.255.255.255 included
] as const) {
  forbiddenV4.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 96], // unspecified, loopback, IPv4-compatible
  ['::ffff:0:0', 96], // IPv4-mapped: checked by its IPv4 address below, never passed as is
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard-only
  ['2001::', 32], // Teredo
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local, the EC2 metadata address fd00:ec2::254 included
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  forbiddenV6.addSubnet(net, bits, 'ipv6');
}

/** The eight 16-bit groups of an IPv6 address, or undefined when it is not one. */
function ipv6Groups(address: string): number[] | undefined {
  let s = address.toLowerCase();
  const colon = s.lastIndexOf(':');
  const tail = s.slice(colon + 1);
  if (tail.includes('.')) {
    if (isIP(tail) !== 4) return undefined;
    const b = tail.split('.').map(Number);
    s = `${s.slice(0, colon + 1)}${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length === 2 ? (halves[1] ? halves[1].split(':') : []) : undefined;
  const groups =
    rest === undefined ? head : [...head, ...new Array(8 - head.length - rest.length).fill('0'), ...rest];
  if (groups.length !== 8) return undefined;
  const n = groups.map((g) => Number.parseInt(g, 16));
  return n.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffff) ? n : undefined;
}

const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

/** The IPv4 address an IPv6 address stands for (mapped, NAT64, 6to4), if any. */
function embeddedIPv4(g: readonly number[]): { address: string; mapped: boolean } | undefined {
  const zero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zero(0, 5) && g[5] === 0xffff) return { address: v4(g[6], g[7]), mapped: true }; // ::ffff:a.b.c.d
  if (g[0] === 0x64 && g[1] === 0xff9b && zero(2, 6)) return { address: v4(g[6], g[7]), mapped: false };
  if (g[0] === 0x2002) return { address: v4(g[1], g[2]), mapped: false }; // 6to4
  return undefined;
}

/** Whether a webhook may not connect to this address (anything that is not a public address). */
export function isForbiddenAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''); // brackets, IPv6 zone id
  const family = isIP(bare);
  if (family === 4) return forbiddenV4.check(bare, 'ipv4');
  const groups = family === 6 ? ipv6Groups(bare) : undefined;
  if (!groups) return true; // not an address we can vet
  const inner = embeddedIPv4(groups);
  if (inner) {
    if (forbiddenV4.check(inner.address, 'ipv4')) return true;
    if (inner.mapped) return false; // ::ffff: of a public IPv4 address is that address
  }
  return forbiddenV6.check(bare, 'ipv6');
}

export interface ResolvedAddress {
  address: string;
  family: number;
}
export type Resolver = (host: string) => Promise<ResolvedAddress[]>;

const systemResolver: Resolver = (host) => dnsLookup(host, { all: true, order: 'verbatim' });

/** A webhook call that did not produce a reply to act on; the room's fallbackResult decides. */
export class ReviewCallError extends Error {
  override name = 'ReviewCallError';
}

export interface HttpReviewOptions {
  policy: WebhookUrlPolicy;
  /** Largest reply read, in bytes (default 64 KiB); a longer one is a failure. */
  maxReplyBytes?: number;
  /** Name resolution (tests); node's dns.lookup, every address, by default. */
  resolve?: Resolver;
}

export const MAX_REPLY_BYTES = 64 * 1024;

function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new ReviewCallError('timed out'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new ReviewCallError('timed out'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** A lookup that answers only the addresses already checked, whatever DNS says now. */
function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (_host, opts, cb) => {
    if (opts.all)
      cb(
        null,
        addresses.map((a) => ({ address: a.address, family: a.family })),
      );
    else cb(null, addresses[0].address, addresses[0].family);
  };
}

/**
 * Keep-alive agents per checked target (scheme, host, port and the addresses it was vetted at),
 * so a busy room does not pay a TLS handshake per message. Few, and the oldest goes first.
 */
class Agents {
  private readonly agents = new Map<string, http.Agent>();

  get(url: URL, addresses: readonly ResolvedAddress[]): http.Agent {
    const key = `${url.protocol}//${url.host}|${addresses.map((a) => a.address).join(',')}`;
    let agent = this.agents.get(key);
    if (agent) {
      this.agents.delete(key);
    } else {
      const opts = { keepAlive: true, maxSockets: 32, timeout: 10_000 };
      agent = url.protocol === 'https:' ? new https.Agent(opts) : new http.Agent(opts);
      if (this.agents.size >= 32) {
        const [oldest, a] = this.agents.entries().next().value ?? [];
        if (oldest !== undefined) this.agents.delete(oldest);
        a?.destroy();
      }
    }
    this.agents.set(key, agent);
    return agent;
  }

  destroy(): void {
    for (const a of this.agents.values()) a.destroy();
    this.agents.clear();
  }
}

export interface HttpReview {
  (url: string, body: unknown, timeoutMs: number): Promise<unknown>;
  /** Close kept-alive connections (shutdown). */
  close(): void;
}

/**
 * POST the review request to a webhook under the rules above. Resolves to the parsed JSON reply
 * (the caller validates it); rejects with a ReviewCallError saying why on any failure.
 */
export function createHttpReview(o: HttpReviewOptions): HttpReview {
  const resolve = o.resolve ?? systemResolver;
  const maxBytes = o.maxReplyBytes ?? MAX_REPLY_BYTES;
  const agents = new Agents();

  const call = async (raw: string, body: unknown, timeoutMs: number): Promise<unknown> => {
    const checked = o.policy.check(raw);
    if (!checked.ok) throw new ReviewCallError(`review webhook URL ${checked.refusal}`);
    const { url, allowlisted } = checked;
    const signal = AbortSignal.timeout(timeoutMs);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const literal = isIP(host);
    const addresses = literal
      ? [{ address: host, family: literal }]
      : await abortable(resolve(host), signal).catch((e: unknown) => {
          throw e instanceof ReviewCallError
            ? e
            : new ReviewCallError(`cannot resolve ${host}: ${e instanceof Error ? e.message : String(e)}`);
        });
    if (addresses.length === 0) throw new ReviewCallError(`${host} has no address`);
    if (!allowlisted) {
      const bad = addresses.find((a) => isForbiddenAddress(a.address));
      if (bad) {
        throw new ReviewCallError(
          `${host} is (or resolves to) ${bad.address}, which is not a public address; only hosts in REVIEW_WEBHOOK_ALLOWED_HOSTS may be private`,
        );
      }
    }
    return post(url, host, addresses, JSON.stringify(body), signal);
  };

  const post = (
    url: URL,
    host: string,
    addresses: readonly ResolvedAddress[],
    payload: string,
    signal: AbortSignal,
  ): Promise<unknown> =>
    new Promise<unknown>((done, fail) => {
      let settled = false;
      const finish = (e: ReviewCallError | undefined, value?: unknown) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        if (e) {
          req.destroy();
          fail(e);
        } else done(value);
      };
      const onAbort = () => finish(new ReviewCallError('timed out'));
      const https_ = url.protocol === 'https:';
      const req = (https_ ? https : http).request({
        method: 'POST',
        protocol: url.protocol,
        hostname: host,
        port: portOf(url),
        path: `${url.pathname}${url.search}`,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          accept: 'application/json',
        },
        agent: agents.get(url, addresses),
        lookup: pinnedLookup(addresses),
        ...(https_ && !isIP(host) ? { servername: host } : {}),
      });
      signal.addEventListener('abort', onAbort, { once: true });
      req.on('error', (e) => finish(new ReviewCallError(`request failed: ${e.message}`)));
      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          res.resume();
          return finish(new ReviewCallError(`answered ${status}; redirects are not followed`));
        }
        if (status < 200 || status >= 300) {
          res.resume();
          return finish(new ReviewCallError(`answered ${status}`));
        }
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes) {
          return finish(new ReviewCallError(`reply of ${declared} bytes is over ${maxBytes}`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) finish(new ReviewCallError(`reply is over ${maxBytes} bytes`));
          else chunks.push(c);
        });
        res.on('error', (e) => finish(new ReviewCallError(`reply failed: ${e.message}`)));
        res.on('aborted', () => finish(new ReviewCallError('reply cut short')));
        res.on('end', () => {
          if (settled) return;
          try {
            finish(undefined, JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch {
            finish(new ReviewCallError('reply is not JSON'));
          }
        });
      });
      req.end(payload);
    });

  return Object.assign(call, { close: () => agents.destroy() });
}
