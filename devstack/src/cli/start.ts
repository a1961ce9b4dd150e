// npm start: the whole local stack. In-memory DynamoDB, fauxqs (SQS, S3), the EventBridge, IVS
// and LiveKit stand-ins in this process (and native chat's message log in a SQLite file); the
// five services as separate processes, exactly as they run in production (only endpoints
// differ). The bus is RabbitMQ when AMQP_URL is set, else SQS + EventBridge on the embedded
// fauxqs. A service that exits unasked is restarted with backoff (./supervisor) while the
// stand-ins and their data stay up. Ctrl-C stops everything: each service gets one SIGTERM and
// drains.
// `npm start -- --help` lists the options (the spec below).
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEV_CHAT_TOKEN_SECRET, DEV_JWT_SECRET, mintDevToken } from '@onair/runtime';
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
import { Supervisor } from './supervisor';

const SERVICES = ['stream-svc', 'chat-svc', 'recording-svc', 'fanout-svc', 'gateway'] as const;
type Service = (typeof SERVICES)[number];

const spec = {
  usage: 'npm start -- [options]',
  description:
    'Run the whole local stack: the stand-ins (DynamoDB, SQS/S3, EventBridge, IVS, IVS Chat, LiveKit)\n' +
    'in this process and the five services as child processes. The bus is RabbitMQ when AMQP_URL is\n' +
    `set, else SQS + EventBridge on the embedded fauxqs. Stack N listens on the ${BLOCK_SIZE} ports from\n` +
    `${BASE_PORT}+${BLOCK_SIZE}N (stack 0: ${BASE_PORT}-${BASE_PORT + BLOCK_SIZE - 1}). A service that exits is restarted with\n` +
    'backoff (0.5 s doubling to 10 s); the stand-ins and their data stay up. Ctrl-C stops everything.',
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
    'ready-timeout': {
      type: 'string',
      default: '90',
      value: 'SECONDS',
      help: 'how long each service has to answer /readyz 200 before the CLI gives up and says why',
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
/** How long a service has to answer /readyz 200 after it starts. */
const readyTimeoutSecs = Number(args['ready-timeout'] ?? '90');
if (!(readyTimeoutSecs > 0 && readyTimeoutSecs <= 3600))
  usageError(
    spec,
    `--ready-timeout must be a number of seconds from 1 to 3600 (got '${args['ready-timeout']}')`,
  );
const READY_TIMEOUT_MS = readyTimeoutSecs * 1000;
/** How long one /readyz poll may take. */
const POLL_TIMEOUT_MS = 5_000;
/** How long a service has to drain after SIGTERM before its process group is killed. */
const STOP_TIMEOUT_MS = 20_000;
/** A service's exit code for a bad setting (EX_CONFIG): restarting it would fail the same way. */
const CONFIG_ERROR_EXIT = 78;
/** Preloaded into every service: it stops when this process is gone (see the file). */
const EXIT_WITH_PARENT = pathToFileURL(resolve(__dirname, 'exit-with-parent.ts')).href;
/** Stops everything started so far, once main() has started anything. */
let stopStack: ((code: number) => Promise<void>) | undefined;

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
    // Empty counts as unset, as in the services' own config.
    CHAT_MESSAGE_LOG: process.env.CHAT_MESSAGE_LOG || infra.chatMessageLog,
    CORS_ORIGINS: process.env.CORS_ORIGINS ?? '*',
    // The gateway's development routes (console sign-in, simulated broadcasts): on with the dev secret only.
    DEV_ROUTES: process.env.DEV_ROUTES ?? 'true',
    // Starting a service is mostly compiling its modules (about 2 s of CPU each); Node keeps the
    // compiled code here, so later starts and restarts take less CPU (the most on a busy machine).
    NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE ?? join(tmpdir(), 'onair-node-compile-cache'),
  };
  const supervisors = new Map<Service, Supervisor>();
  let stopping = false;

  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('onair: stopping…');
    await Promise.all(
      [...supervisors].map(async ([svc, s]) => {
        const r = await s.stop(STOP_TIMEOUT_MS);
        if (r.notRunning) return;
        if (r.killed) say(`  ✗ ${svc} did not stop within ${STOP_TIMEOUT_MS / 1000}s; killed`);
        // Exit 0 is a finished drain; SIGTERM's own exit, a service stopped before it had started.
        else if (r.code === 0 || r.signal === 'SIGTERM') say(`  ✓ ${svc} stopped`);
        else say(`  ✗ ${svc} stopped with ${exitText(r)}`);
      }),
    );
    await infra.close();
    say('onair: stopped');
    process.exit(code);
  };
  stopStack = stop;
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  // However this process ends, no service outlives it (a graceful stop has stopped them already).
  process.on('exit', () => {
    for (const s of supervisors.values()) s.killNow();
  });

  const readyz = (svc: Service) => `http://${reach}:${port(svc)}/readyz`;
  for (const svc of SERVICES) {
    const s = new Supervisor({
      name: svc,
      command: process.execPath,
      // tsx as a loader, not its CLI: the pid the supervisor holds is the service itself.
      args: ['--import', 'tsx', '--import', EXIT_WITH_PARENT, `services/${svc}/src/main.ts`],
      cwd: root,
      env: {
        ...common,
        PORT: String(port(svc)),
        // The same name across restarts: on SQS a restarted chat-svc takes its own partition
        // leases back at once instead of waiting 10 s for them to run out (only one runs at a time).
        ...(svc === 'chat-svc' ? { INSTANCE_ID: `chat-svc-stack${stack}` } : {}),
      },
      onLine: (line) => say(formatLogLine(svc, line)),
      onStart: (run) => {
        if (run.restart === 0) return;
        // A restarted service says when it is back.
        void waitReady(svc, readyz(svc), READY_TIMEOUT_MS, run.exited).then(
          () => say(`  ✓ ${svc} ready again on :${port(svc)} (restart ${run.restart}, pid ${run.pid})`),
          (e: Error) => {
            if (!run.exited.aborted && !stopping) say(`  ✗ ${e.message}`);
          },
        );
      },
      onCrash: (crash) => {
        if (stopping) return 'give-up';
        // A taken port or a bad setting is not fixed by starting again: stop, and say why.
        if (crash.lastLines.some((l) => l.includes('EADDRINUSE'))) {
          say(`  ✗ ${portInUseMessage(svc, port(svc), stack)}`);
        } else if (crash.code !== CONFIG_ERROR_EXIT) {
          say(
            `  ✗ ${svc} exited (${crash.signal ?? crash.code}); restarting in ${(crash.delayMs / 1000).toFixed(1)}s (restart ${crash.restart})`,
          );
          return 'restart';
        }
        say(`  ✗ ${svc} exited (${crash.signal ?? crash.code}); stopping the stack`);
        void stop(1);
        return 'give-up';
      },
    });
    supervisors.set(svc, s);
    s.start();
  }

  const waits = await Promise.allSettled(
    SERVICES.map(async (svc) => {
      await waitReady(svc, readyz(svc), READY_TIMEOUT_MS);
      say(`  ✓ ${svc} ready on :${port(svc)} (${secs()}s, pid ${supervisors.get(svc)?.pid})`);
    }),
  );
  // Every service that is not ready, each with its last answer.
  const notReady = waits.flatMap((w) => (w.status === 'rejected' ? [w.reason as Error] : []));
  if (notReady.length === 1) throw notReady[0];
  if (notReady.length > 1) throw new NotReadyError(notReady.map((e) => `\n  ${e.message}`).join(''));
  const token = await mintDevToken({
    user: 'dev-user',
    roles: ['streamer', 'moderator'],
    secret: common.JWT_SECRET,
  });
  say('');
  say(`onair is ready in ${secs()}s`);
  const wsUrl = gatewayUrl.replace(/^http/, 'ws');
  say(`  Console    ${gatewayUrl}/console   (sign in with a development user)`);
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

/** A service that did not answer /readyz 200 by its deadline: which, and its last answer. */
class NotReadyError extends Error {}

/**
 * Poll a service's /readyz until it answers 200. Each poll has a timeout of its own (a check
 * that hangs is an answer too); at `timeoutMs` it fails naming the service and its last answer
 * (the body of a 503, or why there was none), and half-way it says what it is still waiting for.
 */
async function waitReady(svc: string, url: string, timeoutMs: number, cancel?: AbortSignal): Promise<void> {
  const began = Date.now();
  const deadline = began + timeoutMs;
  const nagAt = began + timeoutMs / 2;
  let nagged = false;
  let last = 'no answer yet';
  for (;;) {
    if (cancel?.aborted) throw new NotReadyError(`${svc} exited before it was ready`);
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(POLL_TIMEOUT_MS) });
      const body = (await r.text()).trim();
      if (r.status === 200) return;
      last = `${r.status} ${body.slice(0, 300)}`;
    } catch (e) {
      last =
        (e as Error).name === 'TimeoutError'
          ? `no answer within ${POLL_TIMEOUT_MS / 1000}s`
          : describeFetchError(e);
    }
    if (Date.now() > deadline)
      throw new NotReadyError(
        `${svc} is not ready after ${timeoutMs / 1000}s; its last /readyz answer: ${last}`,
      );
    if (!nagged && Date.now() > nagAt) {
      nagged = true;
      say(`  … ${svc} is not ready yet after ${((Date.now() - began) / 1000).toFixed(0)}s: ${last}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** fetch's "fetch failed" hides the reason (ECONNREFUSED…) in `cause`. */
function describeFetchError(e: unknown): string {
  const err = e as Error & { cause?: { code?: unknown; message?: unknown } };
  const cause = err.cause;
  if (cause && typeof cause.code === 'string') return `not answering (${cause.code})`;
  if (cause && typeof cause.message === 'string') return `not answering (${cause.message})`;
  return `not answering (${err.message})`;
}

function exitText(e: { code: number | null; signal: NodeJS.Signals | null }): string {
  return e.signal ? `signal ${e.signal}` : `exit code ${e.code}`;
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

main().catch((e) => {
  // A taken port is an everyday situation, not a bug: say which and what to try, no stack trace.
  // So is a service that does not get ready: say which and what it last answered.
  if (e instanceof PortInUseError)
    process.stderr.write(`onair: could not start: ${portInUseMessage(e.component, e.port, stack)}\n`);
  else if (e instanceof NotReadyError) process.stderr.write(`onair: could not start: ${e.message}\n`);
  else process.stderr.write(`onair: could not start: ${(e as Error).stack ?? e}\n`);
  // Whatever had started stops first (the stand-ins and any service).
  if (stopStack) void stopStack(1);
  else process.exit(1);
});
