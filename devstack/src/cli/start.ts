// npm start: the whole local stack. In-memory DynamoDB, fauxqs (SQS, S3), the EventBridge, IVS
// and LiveKit stand-ins in this process; the five services as separate processes, exactly as
// they run in production (only endpoints differ). The bus is RabbitMQ when AMQP_URL is set,
// else SQS + EventBridge on the embedded fauxqs. Ctrl-C stops everything.
// `npm start -- --help` lists the options (the spec below).
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { DEV_CHAT_TOKEN_SECRET, DEV_JWT_SECRET, mintDevToken } from '../dev-auth';
import { type CliOption, type CliSpec, parseCli, usageError } from './args';
import { formatLogLine } from './logs';
import {
  BASE_PORT,
  BLOCK_SIZE,
  type Component,
  firstTakenPort,
  MAX_STACK,
  PortInUseError,
  parseStackNumber,
  portInUseMessage,
  stackPorts,
} from './ports';
import {
  DEFAULT_HOST,
  IVS_EVENTS_QUEUE,
  LIVEKIT_DEV,
  RECORDINGS_BUCKET,
  startLocalInfra,
  urlHost,
} from './stack';

const SERVICES = ['stream-svc', 'chat-svc', 'recording-svc', 'fanout-svc', 'gateway'] as const;
type Service = (typeof SERVICES)[number];

const spec = {
  usage: 'npm start -- [options]',
  description:
    'Run the whole local stack: the stand-ins (DynamoDB, SQS/S3, EventBridge, IVS, IVS Chat, LiveKit)\n' +
    'in this process and the five services as child processes. The bus is RabbitMQ when AMQP_URL is\n' +
    `set, else SQS + EventBridge on the embedded fauxqs. Stack N listens on the ${BLOCK_SIZE} ports from\n` +
    `${BASE_PORT}+${BLOCK_SIZE}N (stack 0: ${BASE_PORT}-${BASE_PORT + BLOCK_SIZE - 1}). Ctrl-C stops everything.`,
  options: {
    'port-offset': {
      type: 'string',
      default: '0',
      value: 'N',
      help: `run stack number N (0-${MAX_STACK}) beside others: its ports start at ${BASE_PORT}+${BLOCK_SIZE}N`,
    },
    host: {
      type: 'string',
      default: DEFAULT_HOST,
      value: 'ADDR',
      help: 'interface every stand-in and service listens on (0.0.0.0 opens the stack to the network)',
    },
    check: {
      type: 'boolean',
      default: false,
      help: 'exit 0 once every service is ready (a start-up check)',
    },
  },
  examples: [
    'npm start',
    'AMQP_URL=amqp://guest:guest@127.0.0.1:5672 npm start',
    `npm start -- --port-offset 1     # a second stack, on ${BASE_PORT + BLOCK_SIZE}-${BASE_PORT + 2 * BLOCK_SIZE - 1}`,
  ],
} satisfies CliSpec<Record<string, CliOption>>;

const args = parseCli(spec);
const parsedStack = parseStackNumber(args['port-offset'] ?? '0');
if ('error' in parsedStack) usageError(spec, parsedStack.error);
const stack = parsedStack.stack;
// `[::1]` as a URL writes it; a socket wants `::1`.
const host = (args.host ?? DEFAULT_HOST).replace(/^\[(.*)\]$/, '$1');
/** How this process (and the URLs it prints) reach what listens on `host`. */
const reach = urlHost(host);
const ports = stackPorts(stack);
const port = (k: Component) => ports[k];
const root = resolve(__dirname, '../../..');
const started = Date.now();
const secs = () => ((Date.now() - started) / 1000).toFixed(1);
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const gatewayUrl = `http://${reach}:${port('gateway')}`;
  say(
    `onair: starting local stack ${stack} (ports ${port('gateway')}-${port('gateway') + BLOCK_SIZE - 1}; bus: ${process.env.AMQP_URL ? `RabbitMQ ${redact(process.env.AMQP_URL)}` : 'SQS + EventBridge on fauxqs'})`,
  );
  // Every port first, so a taken one is named before anything starts (the stand-ins and the
  // services name theirs too, should one be taken in between).
  const taken = await firstTakenPort(ports, host);
  if (taken) throw new PortInUseError(taken.component, taken.port);
  const infra = await startLocalInfra({ gatewayUrl, ports, host });
  say(
    `  ✓ stand-ins up (${secs()}s): dynamodb ${infra.endpoints.dynamodb}, sqs/s3 ${infra.endpoints.sqs}, eventbridge ${infra.endpoints.eventbridge}, ivs + ivs chat ${infra.endpoints.ivs}, livekit ${infra.endpoints.livekit}`,
  );

  const common: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: host,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    BUS_NAMESPACE: process.env.BUS_NAMESPACE ?? 'onair',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: infra.endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: infra.endpoints.sqs,
    AWS_ENDPOINT_URL_S3: infra.endpoints.s3,
    AWS_ENDPOINT_URL_EVENTBRIDGE: infra.endpoints.eventbridge,
    AWS_ENDPOINT_URL_IVS: infra.endpoints.ivs,
    AWS_ENDPOINT_URL_IVSCHAT: infra.endpoints.ivs,
    IVS_EVENTS_QUEUE_URL: infra.ivsEventsQueueUrl,
    IVS_RECORDING_EVENTS_QUEUE_URL: infra.ivsRecordingEventsQueueUrl,
    JWT_SECRET: process.env.JWT_SECRET ?? DEV_JWT_SECRET,
    LIVEKIT_URL: infra.endpoints.livekit,
    LIVEKIT_API_KEY: LIVEKIT_DEV.apiKey,
    LIVEKIT_API_SECRET: LIVEKIT_DEV.apiSecret,
    S3_BUCKET: RECORDINGS_BUCKET,
    S3_FORCE_PATH_STYLE: 'true',
    RECORDINGS_PATH: 'recordings/',
    CHAT_DEFAULT_PROVIDER: process.env.CHAT_DEFAULT_PROVIDER ?? 'native',
    CHAT_TOKEN_SECRET: process.env.CHAT_TOKEN_SECRET ?? DEV_CHAT_TOKEN_SECRET,
    CORS_ORIGINS: process.env.CORS_ORIGINS ?? '*',
  };
  const children = new Map<Service, ChildProcess>();
  let stopping = false;

  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('onair: stopping…');
    await Promise.all([...children.values()].map((c) => terminate(c)));
    await infra.close();
    say('onair: stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  for (const svc of SERVICES) {
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), `services/${svc}/src/main.ts`], {
      cwd: root,
      env: { ...common, PORT: String(port(svc)) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.set(svc, child);
    const logs = pipeLogs(svc, child);
    child.once('exit', (code, signal) => {
      if (stopping) return;
      if (logs.portInUse()) say(`  ✗ ${portInUseMessage(svc, port(svc), stack)}`);
      say(`  ✗ ${svc} exited (${signal ?? code}); stopping the stack`);
      void stop(1);
    });
  }

  await Promise.all(
    SERVICES.map(async (svc) => {
      await waitReady(`http://${reach}:${port(svc)}/readyz`, 60_000);
      say(`  ✓ ${svc} ready on :${port(svc)} (${secs()}s)`);
    }),
  );
  const token = await mintDevToken({
    user: 'dev-user',
    roles: ['streamer', 'moderator'],
    secret: common.JWT_SECRET,
  });
  say('');
  say(`onair is ready in ${secs()}s`);
  const wsUrl = gatewayUrl.replace(/^http/, 'ws');
  say(`  API        ${gatewayUrl}   (docs ${gatewayUrl}/docs, OpenAPI ${gatewayUrl}/openapi.json)`);
  say(`  Chat WS    ${wsUrl}/v1/chat/ws   (native chat, IVS Chat protocol)`);
  say(`  Seed 003   ${wsUrl}/v1/chat/seed003   (native chat, seed 003 protocol)`);
  say(
    `  IVS Chat   ${infra.endpoints.ivsChatWs}   (IVS Chat stand-in messaging WebSocket, rooms with provider ivs)`,
  );
  say(`  IVS dev    ${infra.endpoints.ivs}/_dev/broadcasts/start   (simulate a broadcast)`);
  say(`  LiveKit    ${infra.endpoints.livekit}   (dev key ${LIVEKIT_DEV.apiKey}; join with POST /_dev/join)`);
  say(`  IVS events queue ${IVS_EVENTS_QUEUE}, recordings bucket ${RECORDINGS_BUCKET}`);
  say(
    '  Development token (user dev-user, roles streamer+moderator, 12 h; more with `npm run -s token -- --user alice --role viewer`):',
  );
  say(`  export TOKEN=${token}`);
  say(`  curl -H "Authorization: Bearer $TOKEN" ${gatewayUrl}/v1/system/ping/stream-svc`);
  say('Press Ctrl-C to stop.');
  if (args.check) await stop(0);
}

async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function terminate(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
  return new Promise((resolveExit) => {
    const kill = setTimeout(() => c.kill('SIGKILL'), 15_000);
    c.once('exit', () => {
      clearTimeout(kill);
      resolveExit();
    });
    c.kill('SIGTERM');
  });
}

/**
 * Child logs are pino JSON; show them as one readable line each, prefixed by the service: the
 * level, the message (a request's is `GET /v1/streams 200 3.1 ms`) and the error's message when
 * there is one. Anything else (a warning Node prints) is shown as it is.
 */
function pipeLogs(svc: string, c: ChildProcess): { portInUse(): boolean } {
  let portInUse = false;
  const onLine = (line: string) => {
    if (!line.trim()) return;
    if (line.includes('EADDRINUSE')) portInUse = true;
    say(formatLogLine(svc, line));
  };
  for (const stream of [c.stdout, c.stderr]) {
    let buf = '';
    stream?.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) onLine(l);
    });
  }
  return { portInUse: () => portInUse };
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

main().catch((e) => {
  // A taken port is an everyday situation, not a bug: say which and what to try, no stack trace.
  if (e instanceof PortInUseError)
    process.stderr.write(`onair: could not start: ${portInUseMessage(e.component, e.port, stack)}\n`);
  else process.stderr.write(`onair: could not start: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
