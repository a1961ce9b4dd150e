// HTTP adapter for the AWS JSON 1.1 protocol (POST /, X-Amz-Target: AWSEvents.<Operation>) and the
// factory that wires registry, matching and delivery together. The real @aws-sdk/client-eventbridge
// talks to it unchanged given `endpoint: standIn.url`.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildOperations, jobsFor } from './api';
import { consoleLogger, type DeliveryFailure, type DeliveryLogger, SqsDelivery } from './delivery';
import { type EnvelopeContext, type EventEnvelope, type InjectedEvent, injectedToEnvelope } from './events';
import { ApiError, Registry } from './rules';

export interface EventBridgeStandInOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  region?: string;
  accountId?: string;
  /** Where SQS targets live (fauxqs' `server.address` locally). */
  sqsEndpoint: string;
  sqsCredentials?: { accessKeyId: string; secretAccessKey: string };
  /** Retry policy for SQS sends; defaults: 8 attempts, 50 ms doubling to 2 s. */
  delivery?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  logger?: DeliveryLogger;
}

export interface EventBridgeStandIn {
  /** Endpoint for `new EventBridgeClient({ endpoint })`. */
  readonly url: string;
  readonly region: string;
  readonly accountId: string;
  /** Where the server listens (its socket's address), for checks of the binding. */
  address(): AddressInfo;
  /** Resolves when every delivery triggered so far has reached SQS (or given up after retries). */
  flush(): Promise<void>;
  /**
   * Publishes an event as an AWS service would (any source, including aws.*), through the same
   * rule matching and delivery as PutEvents. Returns the complete envelope.
   */
  injectEvent(event: InjectedEvent): EventEnvelope;
  /** Deliveries that exhausted their retries (they are also logged). */
  failedDeliveries(): readonly DeliveryFailure[];
  close(): Promise<void>;
}

const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
const TARGET_PREFIX = 'AWSEvents.';
const MAX_BODY_BYTES = 1024 * 1024;

export async function startEventBridgeStandIn(opts: EventBridgeStandInOptions): Promise<EventBridgeStandIn> {
  const region = opts.region ?? 'us-east-1';
  const accountId = opts.accountId ?? '000000000000';
  const logger = opts.logger ?? consoleLogger;
  const registry = new Registry(region, accountId);
  const ctx: EnvelopeContext = { account: accountId, region, now: () => new Date() };
  const delivery = new SqsDelivery({
    endpoint: opts.sqsEndpoint,
    credentials: opts.sqsCredentials,
    logger,
    ...opts.delivery,
  });

  const publish = (busNameOrArn: string | undefined, envelope: EventEnvelope): void => {
    const busName = registry.resolveBusName(busNameOrArn);
    try {
      registry.getBus(busName);
    } catch {
      // AWS accepts events for a bus that does not exist and silently drops them; say so locally.
      logger.warn(`event bus ${busName} does not exist; event ${envelope.id} dropped`);
      return;
    }
    for (const job of jobsFor(registry, busName, envelope)) delivery.enqueue(job);
  };

  const operations = buildOperations({ registry, ctx, publish });

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      logger.error('unhandled error in EventBridge stand-in', { error: String(err) });
      if (!res.headersSent) sendError(res, new ApiError('InternalException', 'Internal error', 500));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'GET' && req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    const raw = await readBody(req);
    if (req.method !== 'POST') {
      sendError(
        res,
        new ApiError('UnknownOperationException', `Method ${req.method} is not supported.`, 404),
      );
      return;
    }
    const target = headerValue(req, 'x-amz-target');
    const name = target?.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : undefined;
    const operation = name !== undefined && Object.hasOwn(operations, name) ? operations[name] : undefined;
    if (!operation) {
      sendError(res, new ApiError('UnknownOperationException', `Unknown operation ${target ?? '(none)'}.`));
      return;
    }
    if (raw === undefined) {
      sendError(res, new ApiError('ValidationException', 'Request body too large.', 413));
      return;
    }
    let input: unknown;
    try {
      input = raw.length === 0 ? {} : JSON.parse(raw);
    } catch {
      sendError(res, new ApiError('SerializationException', 'Request body is not valid JSON.'));
      return;
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      sendError(res, new ApiError('SerializationException', 'Request body must be a JSON object.'));
      return;
    }
    try {
      sendJson(res, 200, operation(input as Record<string, unknown>));
    } catch (err) {
      if (err instanceof ApiError) sendError(res, err);
      else throw err;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  // A wildcard address is reached on the loopback.
  const hostForUrl =
    address.address === '0.0.0.0' || address.address === '::'
      ? '127.0.0.1'
      : address.family === 'IPv6'
        ? `[${address.address}]`
        : address.address;
  let closed = false;

  return {
    url: `http://${hostForUrl}:${address.port}`,
    region,
    accountId,
    address: () => server.address() as AddressInfo,
    flush: () => delivery.flush(),
    injectEvent(event) {
      const envelope = injectedToEnvelope(event, ctx);
      publish(event.eventBusName, envelope);
      return envelope;
    },
    failedDeliveries: () => delivery.failed(),
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // SDK clients keep connections alive; do not let them hold close() open.
        server.closeAllConnections();
      });
      await delivery.close();
    },
  };
}

/** Reads the body as text; undefined when it exceeds the limit (AWS caps PutEvents at 1 MB). */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) tooLarge = true;
    else chunks.push(chunk as Buffer);
  }
  return tooLarge ? undefined : Buffer.concat(chunks).toString('utf8');
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': JSON_CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...extraHeaders,
  });
  res.end(text);
}

/** AWS JSON errors: `__type` in the body (and the x-amzn-ErrorType header), which the SDK maps to a class. */
function sendError(res: ServerResponse, err: ApiError): void {
  sendJson(res, err.status, { __type: err.type, message: err.message }, { 'x-amzn-errortype': err.type });
}
