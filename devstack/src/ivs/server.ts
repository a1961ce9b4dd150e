// One HTTP server for both control planes, the messaging WebSocket (same port, any path) and the
// development routes under /_dev. IVS and IVS Chat operation names do not collide, so the path
// picks the service; only /tags/{arn} is shared, and there the SigV4 credential scope (`ivs` vs
// `ivschat`) or else the ARN decides (docs/protocols/ivs.md#wire-format).
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IvsChannels, type StartBroadcastOptions, type StreamHealth } from './channels';
import { ChatRooms } from './chat-rooms';
import { type Service, ServiceError, errorBody, notFound, validation } from './errors';
import { EventSink, type IvsEventBridgeEvent } from './events';
import { type ActiveFault, FaultInjector, type FaultSpec } from './faults';
import { type MessageReviewHook, MessagingHub } from './messaging-ws';
import type { Input } from './validate';

export interface IvsStandInOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default us-east-1. */
  region?: string;
  /** Default 123456789012. */
  accountId?: string;
  /** Receives every IVS EventBridge event; events are also kept in `events` either way. */
  publishEvent?: (e: IvsEventBridgeEvent) => Promise<void>;
  /** Default 5000 (the commonly cited default quota). */
  maxChannels?: number;
  /** Default 50000. */
  maxRooms?: number;
  /** Upper bound of a chat token's tokenExpirationTime; default 3600 (capped by the session). */
  chatTokenTtlSeconds?: number;
  /** Bucket named in Recording State Change events; default `onair-ivs-recordings`. */
  recordingBucketFor?: (recordingConfigurationArn: string) => string;
  /** Stands in for message review Lambdas of rooms that set `messageReviewHandler.uri`. */
  messageReview?: MessageReviewHook;
}

export interface BroadcastInfo {
  channelArn: string;
  streamId: string;
  startTime: string;
}

export interface IvsStandIn {
  /** Control-plane endpoint for both IvsClient and IvschatClient, e.g. http://127.0.0.1:PORT. */
  url: string;
  /** Messaging endpoint for `new ChatRoom({ regionOrUrl: wsUrl, ... })`, e.g. ws://127.0.0.1:PORT. */
  wsUrl: string;
  port: number;
  /** Where the server listens (its socket's address), for checks of the binding. */
  address(): AddressInfo;
  region: string;
  accountId: string;
  /** Every event emitted so far, oldest first (the live list). */
  readonly events: readonly IvsEventBridgeEvent[];
  clearEvents(): void;
  startBroadcast(channelArn: string, options?: StartBroadcastOptions): Promise<BroadcastInfo>;
  endBroadcast(channelArn: string): Promise<void>;
  failBroadcast(channelArn: string, reason?: string): Promise<void>;
  setStreamHealth(channelArn: string, health: StreamHealth): Promise<void>;
  setViewerCount(channelArn: string, viewerCount: number): void;
  /** Returns the fault id (for `clearFaults(id)`). */
  injectFault(spec: FaultSpec): string;
  clearFaults(id?: string): void;
  listFaults(): ActiveFault[];
  /** Open messaging connections (room ARN and user id), for waiting on clients in tests. */
  chatConnections(roomArn?: string): { roomArn: string; userId: string }[];
  close(): Promise<void>;
}

interface Operation {
  service: Service;
  /** 204 with an empty body instead of 200 JSON. */
  noContent?: boolean;
  run: (input: Input) => unknown;
}

export async function startIvsStandIn(opts: IvsStandInOptions = {}): Promise<IvsStandIn> {
  const region = opts.region ?? 'us-east-1';
  const accountId = opts.accountId ?? '123456789012';
  const host = opts.host ?? '127.0.0.1';
  const sink = new EventSink(region, accountId, opts.publishEvent);
  const faults = new FaultInjector();
  const channels = new IvsChannels({
    region,
    accountId,
    events: sink,
    maxChannels: opts.maxChannels ?? 5000,
    recordingBucketFor: opts.recordingBucketFor ?? (() => 'onair-ivs-recordings'),
  });
  const rooms = new ChatRooms({
    region,
    accountId,
    maxRooms: opts.maxRooms ?? 50_000,
    tokenTtlMs: (opts.chatTokenTtlSeconds ?? 3600) * 1000,
  });
  const hub = new MessagingHub(rooms, faults, opts.messageReview);
  rooms.hub = hub;

  const ivs = (run: Operation['run'], noContent = false): Operation => ({ service: 'ivs', run, noContent });
  const chat = (run: Operation['run'], noContent = false): Operation => ({
    service: 'ivschat',
    run,
    noContent,
  });
  const operations: Record<string, Operation> = {
    CreateChannel: ivs((i) => channels.createChannel(i)),
    GetChannel: ivs((i) => channels.getChannel(i)),
    BatchGetChannel: ivs((i) => channels.batchGetChannel(i)),
    UpdateChannel: ivs((i) => channels.updateChannel(i)),
    DeleteChannel: ivs((i) => channels.deleteChannel(i), true),
    ListChannels: ivs((i) => channels.listChannels(i)),
    StopStream: ivs((i) => channels.stopStream(i)),
    GetStream: ivs((i) => channels.getStream(i)),
    ListStreams: ivs((i) => channels.listStreams(i)),
    PutMetadata: ivs((i) => channels.putMetadata(i), true),
    CreateStreamKey: ivs((i) => channels.createStreamKey(i)),
    GetStreamKey: ivs((i) => channels.getStreamKey(i)),
    ListStreamKeys: ivs((i) => channels.listStreamKeys(i)),
    DeleteStreamKey: ivs((i) => channels.deleteStreamKey(i), true),
    CreateRoom: chat((i) => rooms.createRoom(i)),
    GetRoom: chat((i) => rooms.getRoom(i)),
    UpdateRoom: chat((i) => rooms.updateRoom(i)),
    DeleteRoom: chat((i) => rooms.deleteRoom(i), true),
    ListRooms: chat((i) => rooms.listRooms(i)),
    CreateChatToken: chat((i) => rooms.createChatToken(i)),
    SendEvent: chat((i) => rooms.sendEvent(i)),
    DeleteMessage: chat((i) => rooms.deleteMessage(i)),
    DisconnectUser: chat((i) => rooms.disconnectUser(i)),
  };

  const taggable = (service: Service, arn: string) =>
    service === 'ivs' ? channels.taggable(arn) : rooms.taggable(arn);

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const scope = sigV4Service(req);
    let service: Service = scope ?? 'ivs';
    try {
      const tagMatch = /^\/tags\/(.+)$/.exec(url.pathname);
      if (tagMatch) {
        const arn = decodeURIComponent(tagMatch[1]);
        service = scope ?? (arn.startsWith('arn:aws:ivschat:') ? 'ivschat' : 'ivs');
        const operation =
          req.method === 'GET'
            ? 'ListTagsForResource'
            : req.method === 'DELETE'
              ? 'UntagResource'
              : 'TagResource';
        await applyFault(operation);
        const body = await readJson(req);
        if (!/^arn:aws:ivs(chat)?:/.test(arn)) throw validation('resourceArn is invalid', 'resourceArn');
        const resource = taggable(service, arn);
        if (!resource) throw notFound(arn, service === 'ivs' ? 'CHANNEL' : 'ROOM');
        if (operation === 'ListTagsForResource') return sendJson(res, 200, { tags: { ...resource.tags } });
        if (operation === 'UntagResource') {
          for (const key of url.searchParams.getAll('tagKeys')) delete resource.tags[key];
          return sendJson(res, 200, {});
        }
        const tags = body.tags;
        if (
          typeof tags !== 'object' ||
          tags === null ||
          Object.values(tags).some((v) => typeof v !== 'string')
        ) {
          throw validation('tags must be a map of strings', 'tags');
        }
        Object.assign(resource.tags, tags);
        return sendJson(res, 200, {});
      }

      const name = url.pathname.slice(1);
      const operation = req.method === 'POST' ? operations[name] : undefined;
      if (!operation || (scope && scope !== operation.service)) {
        throw service === 'ivschat'
          ? new ServiceError('ValidationException', `Unknown operation ${req.method} ${url.pathname}`, {
              reason: 'UNKNOWN_OPERATION',
            })
          : new ServiceError(
              'UnknownOperationException',
              `Unknown operation ${req.method} ${url.pathname}`,
              {},
              404,
            );
      }
      service = operation.service;
      // The request is read in full before an injected delay, as a real service has it before
      // it works: a client that dies while waiting leaves the operation done, its answer lost.
      const input = await readJson(req);
      await applyFault(name);
      const result = await operation.run(input);
      if (operation.noContent) {
        res.writeHead(204, { 'x-amzn-RequestId': randomUUID() }).end();
        return;
      }
      sendJson(res, 200, result ?? {});
    } catch (err) {
      if (!(err instanceof ServiceError)) console.error('[ivs stand-in] unexpected error', err);
      const e =
        err instanceof ServiceError ? err : new ServiceError('InternalServerException', 'Internal error');
      sendJson(res, e.status, errorBody(service, e), { 'x-amzn-ErrorType': e.errorType });
    }
  }

  async function applyFault(operation: string): Promise<void> {
    const fault = faults.take(operation);
    if (!fault) return;
    if (fault.latencyMs) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
    if (fault.error) {
      const { errorType, message, status } = fault.error;
      throw new ServiceError(errorType, message, {}, status);
    }
  }

  const standIn = {} as IvsStandIn;

  /** Plain JSON development routes; they mirror the methods on the returned object. */
  async function handleDev(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    try {
      const body = req.method === 'POST' ? await readJson(req) : {};
      const route = `${req.method} ${url.pathname}`;
      const arn = body.channelArn as string;
      switch (route) {
        case 'POST /_dev/broadcasts/start':
          return sendJson(res, 200, await standIn.startBroadcast(arn, body as StartBroadcastOptions));
        case 'POST /_dev/broadcasts/end':
          await standIn.endBroadcast(arn);
          return sendJson(res, 200, {});
        case 'POST /_dev/broadcasts/fail':
          await standIn.failBroadcast(arn, typeof body.reason === 'string' ? body.reason : undefined);
          return sendJson(res, 200, {});
        case 'POST /_dev/broadcasts/health':
          await standIn.setStreamHealth(arn, body.health as StreamHealth);
          return sendJson(res, 200, {});
        case 'POST /_dev/broadcasts/viewers':
          standIn.setViewerCount(arn, Number(body.viewerCount));
          return sendJson(res, 200, {});
        case 'GET /_dev/events':
          return sendJson(res, 200, { events: standIn.events });
        case 'DELETE /_dev/events':
          standIn.clearEvents();
          return sendJson(res, 200, {});
        case 'GET /_dev/faults':
          return sendJson(res, 200, { faults: standIn.listFaults() });
        case 'POST /_dev/faults':
          return sendJson(res, 200, { id: standIn.injectFault(body as unknown as FaultSpec) });
        case 'DELETE /_dev/faults':
          standIn.clearFaults(url.searchParams.get('id') ?? undefined);
          return sendJson(res, 200, {});
        case 'GET /_dev/chat/connections':
          return sendJson(res, 200, {
            connections: standIn.chatConnections(url.searchParams.get('roomArn') ?? undefined),
          });
        default:
          return sendJson(res, 404, { error: 'NotFound', message: `No dev route ${route}` });
      }
    } catch (err) {
      const e = err instanceof ServiceError ? err : undefined;
      sendJson(res, e?.status ?? 400, {
        error: e?.errorType ?? 'BadRequest',
        message: err instanceof Error ? err.message : String(err),
      });
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const handler = url.pathname.startsWith('/_dev/') ? handleDev : handleApi;
    void handler(req, res, url);
  });
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const reachable =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

  Object.assign(standIn, {
    url: `http://${reachable}:${port}`,
    wsUrl: `ws://${reachable}:${port}`,
    port,
    address: () => server.address() as AddressInfo,
    region,
    accountId,
    clearEvents: () => {
      sink.events.length = 0;
    },
    startBroadcast: (arn: string, options?: StartBroadcastOptions) => channels.startBroadcast(arn, options),
    endBroadcast: (arn: string) => channels.endBroadcast(arn),
    failBroadcast: (arn: string, reason?: string) => channels.failBroadcast(arn, reason),
    setStreamHealth: (arn: string, health: StreamHealth) => channels.setStreamHealth(arn, health),
    setViewerCount: (arn: string, viewerCount: number) => {
      if (!Number.isInteger(viewerCount)) throw validation('viewerCount must be an integer', 'viewerCount');
      channels.setViewerCount(arn, viewerCount);
    },
    injectFault: (spec: FaultSpec) => faults.inject(spec),
    clearFaults: (id?: string) => faults.clear(id),
    listFaults: () => faults.list(),
    chatConnections: (roomArn?: string) => hub.connections(roomArn),
    close: async () => {
      await hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
  Object.defineProperty(standIn, 'events', { get: () => sink.events, enumerable: true });
  return standIn;
}

/** `Credential=AKID/20240101/us-east-1/ivschat/aws4_request` gives `ivschat`. */
function sigV4Service(req: IncomingMessage): Service | undefined {
  const match = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\/aws4_request/.exec(req.headers.authorization ?? '');
  return match?.[1] === 'ivs' || match?.[1] === 'ivschat' ? match[1] : undefined;
}

async function readJson(req: IncomingMessage): Promise<Input> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw validation('Request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw validation('Request body must be a JSON object');
  }
  return parsed as Input;
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res
    .writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'x-amzn-RequestId': randomUUID(),
      ...headers,
    })
    .end(text);
}
