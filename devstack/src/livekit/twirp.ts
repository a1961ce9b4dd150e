// Twirp v8 framing as livekit-server speaks it: POST only, JSON or protobuf bodies, and errors as
// `{code, msg, meta?}`. Requests and responses are the @livekit/protocol message classes, so the
// field names and int64/enum encodings are the generated ones, not hand-written guesses.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Twirp error code -> HTTP status (twirp v8 `ServerHTTPStatusFromErrorCode`). */
const STATUS_BY_CODE = {
  canceled: 408,
  unknown: 500,
  invalid_argument: 400,
  malformed: 400,
  deadline_exceeded: 408,
  not_found: 404,
  bad_route: 404,
  already_exists: 409,
  permission_denied: 403,
  unauthenticated: 401,
  resource_exhausted: 429,
  failed_precondition: 412,
  aborted: 409,
  out_of_range: 400,
  unimplemented: 501,
  internal: 500,
  unavailable: 503,
  data_loss: 500,
} as const;

export type TwirpCode = keyof typeof STATUS_BY_CODE;

export class TwirpError extends Error {
  readonly status: number;
  constructor(
    readonly code: TwirpCode,
    msg: string,
    readonly meta?: Record<string, string>,
  ) {
    super(msg);
    this.name = 'TwirpError';
    this.status = STATUS_BY_CODE[code];
  }
}

/**
 * The SDK only parses an error body as JSON when the content type is exactly `application/json`
 * (a `; charset=utf-8` suffix turns the whole body into the message), so the type is set bare.
 */
export function sendTwirpError(res: ServerResponse, err: TwirpError): void {
  const body: { code: string; msg: string; meta?: Record<string, string> } = {
    code: err.code,
    msg: err.message,
  };
  if (err.meta) body.meta = err.meta;
  sendJson(res, err.status, body);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Minimal structural view of a protobuf-es v1 message and its class (avoids a direct @bufbuild dep). */
export interface ProtoMessage {
  toJsonString(options?: { emitDefaultValues?: boolean; useProtoFieldName?: boolean }): string;
  toBinary(): Uint8Array;
}
export interface ProtoType<M> {
  fromJsonString(json: string, options?: { ignoreUnknownFields?: boolean }): M;
  fromBinary(bytes: Uint8Array): M;
}

/**
 * livekit-server answers with Twirp's defaults: proto field names (snake_case), every scalar emitted
 * even when zero, int64 as strings, enums as names. The dev routes reuse the same encoding.
 */
export function toServerJson(msg: ProtoMessage): string {
  return msg.toJsonString({ emitDefaultValues: true, useProtoFieldName: true });
}

export interface TwirpMethod<Claims> {
  // Request/response types differ per method; the handler is typed where it is declared.
  input: ProtoType<unknown>;
  handle(request: never, claims: Claims): Promise<ProtoMessage>;
}

/** Declares one RPC with its request class, keeping the handler's request type precise. */
export function rpc<Req, Claims>(
  input: ProtoType<Req>,
  handle: (request: Req, claims: Claims) => Promise<ProtoMessage>,
): TwirpMethod<Claims> {
  return { input, handle: handle as (request: never, claims: Claims) => Promise<ProtoMessage> };
}

/** service name (e.g. `livekit.RoomService`) -> method name -> implementation (or null = known, unimplemented). */
export type TwirpServices<Claims> = Record<string, Record<string, TwirpMethod<Claims> | null>>;

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Handles one request under `/twirp/`. Authentication has already happened (as in livekit-server). */
export async function handleTwirp<Claims>(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  services: TwirpServices<Claims>,
  claims: Claims,
): Promise<void> {
  const route = `${req.method} ${pathname}`;
  const badRoute = (msg: string) => new TwirpError('bad_route', msg, { twirp_invalid_route: route });
  try {
    const [, prefix, service, method, ...rest] = pathname.split('/');
    const impl = prefix === 'twirp' && rest.length === 0 ? services[service]?.[method] : undefined;
    if (impl === undefined) throw badRoute(`no handler for path "${pathname}"`);
    if (req.method !== 'POST') throw badRoute(`unsupported method "${req.method}" (only POST is allowed)`);
    // Twirp ignores parameters such as `;charset=UTF-8` (which the SDK sends).
    const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (contentType !== 'application/json' && contentType !== 'application/protobuf') {
      throw badRoute(`unexpected Content-Type: "${req.headers['content-type'] ?? ''}"`);
    }
    if (impl === null)
      throw new TwirpError('unimplemented', `${method} is not implemented by the LiveKit stand-in`);

    const raw = await readBody(req);
    let request: unknown;
    try {
      request =
        contentType === 'application/json'
          ? // Like protojson with DiscardUnknown: accepts camelCase and snake_case, ignores unknown keys.
            impl.input.fromJsonString(raw.length ? raw.toString('utf8') : '{}', { ignoreUnknownFields: true })
          : impl.input.fromBinary(raw);
    } catch (err) {
      throw new TwirpError(
        'malformed',
        `the ${contentType === 'application/json' ? 'json' : 'protobuf'} request could not be decoded: ${(err as Error).message}`,
      );
    }
    const response = await impl.handle(request as never, claims);
    if (contentType === 'application/json') {
      const text = toServerJson(response);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    } else {
      const bytes = response.toBinary();
      res.writeHead(200, { 'Content-Type': 'application/protobuf', 'Content-Length': bytes.length });
      res.end(bytes);
    }
  } catch (err) {
    sendTwirpError(res, err instanceof TwirpError ? err : new TwirpError('internal', String(err)));
  }
}
