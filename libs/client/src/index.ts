// @onair/client: the onair API, typed from its /openapi.json (./openapi.ts, generated), on
// openapi-fetch, plus the few things a generator cannot write: bearer tokens on every request,
// errors as exceptions carrying the problem+json, a chat-token provider for
// amazon-ivs-chat-messaging, `Prefer: wait` with 202 polling, cursor paging and signed media URLs.
// Only fetch and URL are used: it runs in browsers and on Node 22 or newer.
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './openapi';

export type { components, paths } from './openapi';

/** The JSON body of an operation's answer with a given status. */
export type Answer<
  P extends keyof paths,
  M extends 'get' | 'post' | 'patch' | 'delete',
  S extends number,
> = paths[P][M] extends { responses: infer R }
  ? S extends keyof R
    ? R[S] extends { content: { 'application/json': infer B } }
      ? B
      : never
    : never
  : never;

export type Problem = components['schemas']['Problem'];
export type Stream = Answer<'/v1/streams/{streamId}', 'get', 200>;
export type StreamStatus = Stream['status'];
export type ChatRoom = Answer<'/v1/chat/rooms/{roomId}', 'get', 200>;
export type ChatMessages = Answer<'/v1/chat/rooms/{roomId}/messages', 'get', 200>;
export type LiveKitRoom = Answer<'/v1/rooms/{roomId}', 'get', 200>;
export type Participant = Answer<'/v1/rooms/{roomId}/participants', 'get', 200>['items'][number];
export type Recording = Answer<'/v1/recordings/{recordingId}', 'get', 200>;

/** A bearer token, or a function that gives the current one (undefined: send none). */
export type TokenSource = string | (() => string | undefined | Promise<string | undefined>);

export interface OnairClientOptions {
  /** The gateway, e.g. http://127.0.0.1:8080 (a path prefix is kept). */
  baseUrl: string;
  token?: TokenSource;
  /** Another fetch (tests, retries); the global one by default. */
  fetch?: typeof globalThis.fetch;
}

export type OnairClient = Client<paths> & {
  /** The gateway URL this client talks to, without a trailing slash. */
  readonly baseUrl: string;
};

/** The typed client: `client.GET('/v1/streams/{streamId}', { params: { path: { streamId } } })`. */
export function createOnairClient(o: OnairClientOptions): OnairClient {
  const baseUrl = o.baseUrl.replace(/\/+$/, '');
  const client = createClient<paths>({ baseUrl, ...(o.fetch ? { fetch: o.fetch } : {}) });
  client.use({
    async onRequest({ request }) {
      const token = typeof o.token === 'function' ? await o.token() : o.token;
      if (token && !request.headers.has('authorization'))
        request.headers.set('authorization', `Bearer ${token}`);
      return request;
    },
  });
  return Object.assign(client, { baseUrl });
}

/** An answer that is not 2xx, with the problem+json (or seed error body) it carried. */
export class OnairApiError extends Error {
  readonly status: number;
  /** problem+json `code` (e.g. NOT_FOUND), when the answer had one. */
  readonly code?: string;
  readonly body: unknown;

  constructor(status: number, body: unknown) {
    super(`HTTP ${status}: ${describe(body)}`);
    this.name = 'OnairApiError';
    this.status = status;
    this.body = body;
    if (isRecord(body) && typeof body.code === 'string') this.code = body.code;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function describe(body: unknown): string {
  if (isRecord(body)) {
    for (const k of ['detail', 'message', 'errorMessage']) {
      const v = body[k];
      if (typeof v === 'string') return v;
    }
  }
  return typeof body === 'string' && body !== '' ? body.slice(0, 200) : 'no details';
}

/**
 * The data of an openapi-fetch result, or an OnairApiError with the answer's status and body:
 * `const stream = await ok(client.GET('/v1/streams/{streamId}', { params: { path: { streamId } } }))`.
 * For an operation that answers 204 (no body), use `done`.
 */
export async function ok<T extends {}>(
  result: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const r = await result;
  if (!r.response.ok) throw new OnairApiError(r.response.status, r.error);
  if (r.data === undefined)
    throw new OnairApiError(r.response.status, 'The answer had no body (for a 204 operation, use done())');
  return r.data;
}

/**
 * Nothing, or an OnairApiError: for the operations that answer 204 No Content (deletes, bans,
 * disconnections, simulated broadcasts). Their data type is `null`, so `done` accepts only them.
 */
export async function done(
  result: Promise<{ data?: null; error?: unknown; response: Response }>,
): Promise<void> {
  const r = await result;
  if (!r.response.ok) throw new OnairApiError(r.response.status, r.error);
}

// ---------------------------------------------------------------------------------------------
// Chat: amazon-ivs-chat-messaging works unchanged against native rooms and IVS Chat rooms.

/** What amazon-ivs-chat-messaging's `tokenProvider` returns (its ChatToken). */
export interface ChatToken {
  token: string;
  sessionExpirationTime?: Date;
  tokenExpirationTime?: Date;
}

export type ChatTokenRequest = NonNullable<
  paths['/v1/chat/rooms/{roomId}/tokens']['post']['requestBody']
>['content']['application/json'];

/**
 * A `tokenProvider` for `new ChatRoom({ regionOrUrl, tokenProvider })`: each call mints a chat
 * token for the room through `POST /v1/chat/rooms/{roomId}/tokens` (capabilities follow the
 * caller's roles). The library calls it again before the token expires.
 */
export function chatTokenProvider(
  client: OnairClient,
  roomId: string,
  body: ChatTokenRequest = {},
): () => Promise<ChatToken> {
  return async () => {
    const t = await ok(client.POST('/v1/chat/rooms/{roomId}/tokens', { params: { path: { roomId } }, body }));
    return {
      token: t.token,
      sessionExpirationTime: new Date(t.sessionExpirationTime),
      tokenExpirationTime: new Date(t.tokenExpirationTime),
    };
  };
}

/**
 * Where `ChatRoom` connects for a room (its `regionOrUrl`): a native room is the gateway's
 * `/v1/chat/ws` (`since` asks for the messages after that sequence number first); an IVS Chat room
 * is AWS in the room ARN's region, or `ivsChatUrl` when one is given (the local IVS Chat stand-in).
 */
export function chatEndpoint(
  baseUrl: string,
  room: { provider: 'ivs' | 'native'; arn?: string },
  o: { since?: number; ivsChatUrl?: string } = {},
): string {
  if (room.provider === 'ivs') {
    if (o.ivsChatUrl) return o.ivsChatUrl;
    const region = /^arn:aws:ivschat:([a-z0-9-]+):/.exec(room.arn ?? '')?.[1];
    if (!region) throw new Error('An IVS Chat room without an ARN: pass ivsChatUrl');
    return region;
  }
  const u = new URL(`${baseUrl.replace(/\/+$/, '')}/v1/chat/ws`);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  if (o.since !== undefined) u.searchParams.set('since', String(o.since));
  return u.toString();
}

// ---------------------------------------------------------------------------------------------
// Waiting: `Prefer: wait=N` answers 201 when the work is done in time, else 202; then poll.

export interface PollOptions {
  /** Between two polls. Default 500 ms. */
  intervalMs?: number;
  /** Give up (and throw) after this long. Default 60 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Calls `read` until `done(value)` holds, and returns that value; throws at the deadline. */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  o: PollOptions & { what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  for (;;) {
    o.signal?.throwIfAborted();
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${o.what ?? 'the condition'}`);
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 500));
  }
}

export type CreateStreamRequest = paths['/v1/streams']['post']['requestBody']['content']['application/json'];

/**
 * Create a stream and answer it once it has left `provisioning` (ready, or failed with its
 * reason): `Prefer: wait=N` first (201 with the stream), then polling if the gateway answered 202.
 */
export async function createStream(
  client: OnairClient,
  body: CreateStreamRequest,
  o: PollOptions & { waitSeconds?: number } = {},
): Promise<Stream> {
  const r = await client.POST('/v1/streams', {
    body,
    headers: { prefer: `wait=${o.waitSeconds ?? 10}` },
  });
  if (!r.response.ok) throw new OnairApiError(r.response.status, r.error);
  if (r.response.status === 201 && r.data && 'channelType' in r.data) return r.data;
  const streamId = r.data?.streamId;
  if (!streamId) throw new OnairApiError(r.response.status, r.data);
  return pollUntil(
    () => ok(client.GET('/v1/streams/{streamId}', { params: { path: { streamId } } })),
    (s) => s.status !== 'provisioning',
    { ...o, what: `stream ${streamId} to be provisioned` },
  );
}

// ---------------------------------------------------------------------------------------------
// Paging: list routes answer `{items, nextCursor?}`; pass nextCursor back as `cursor`.

/**
 * Every item of a list, page after page: `for await (const s of pages((cursor) =>
 * client.GET('/v1/streams', { params: { query: { cursor } } }))) …`
 */
export async function* pages<T>(
  page: (
    cursor: string | undefined,
  ) => Promise<{ data?: { items: T[]; nextCursor?: string }; error?: unknown; response: Response }>,
): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const p = await ok(page(cursor));
    yield* p.items;
    cursor = p.nextCursor;
  } while (cursor);
}

// ---------------------------------------------------------------------------------------------
// Media: `<video src>` cannot send a bearer token; the API signs a URL that needs none.

/**
 * Signed URLs of a recording's media, made absolute against the client's gateway: `url` for
 * `<video src>` (GET, HEAD and Range work until `expiresAt`), `seed001Url` for seed 001's route.
 */
export async function signedMediaUrl(
  client: OnairClient,
  recordingId: string,
): Promise<{ url: string; seed001Url: string; expiresAt: string }> {
  const r = await ok(
    client.GET('/v1/recordings/{recordingId}/media-url', { params: { path: { recordingId } } }),
  );
  const abs = (path: string) => new URL(path, `${client.baseUrl}/`).toString();
  return { url: abs(r.url), seed001Url: abs(r.seed001Url), expiresAt: r.expiresAt };
}
