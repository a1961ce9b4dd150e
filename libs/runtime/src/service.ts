import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { contracts } from '@onair/contracts';
import type { Static, TObject } from '@sinclair/typebox';
import closeWithGrace from 'close-with-grace';
import type { FastifyInstance } from 'fastify';
import type { Bus } from './bus';
import { createBus } from './bus/factory';
import { type CommonConfig, ConfigError, loadConfig } from './config';
import { createDocumentClient, ensureTable, type TableSpec, tableReachable } from './dynamo';
import { createHttpBase, type ReadinessChecks } from './http';
import { createLogger, type Logger } from './logger';
import { Metrics } from './metrics';

type Common = Static<typeof CommonConfig>;

/** What a service's factory gets from its entry point: real dependencies, already connected. */
export interface ServiceContext<C extends Common> {
  config: C;
  instanceId: string;
  logger: Logger;
  metrics: Metrics;
  bus: Bus;
  ddb: DynamoDBDocumentClient;
}

/** A running service: consumers and timers it starts and stops, and optional HTTP routes. */
export interface Worker {
  start(): Promise<void>;
  stop(): Promise<void>;
  readiness?: ReadinessChecks;
  routes?: (app: FastifyInstance) => Promise<void> | void;
}

export interface RunServiceOptions<S extends TObject> {
  name: string;
  configSchema: S;
  /** The service's own DynamoDB table, created at start-up when missing. */
  table?: (config: Static<S>) => TableSpec;
  build: (ctx: ServiceContext<Static<S> & Common>) => Promise<Worker>;
  /** Request body limit in bytes (default 256 KiB). */
  bodyLimit?: (config: Static<S>) => number;
}

/**
 * The composition root every `main.ts` calls: config (refusing to start on a bad value), logs,
 * metrics, bus, table, the service itself, /healthz /readyz /metrics, and graceful shutdown
 * (stop taking requests, stop consuming and finish in-flight handlers, then disconnect).
 */
export async function runService<S extends TObject>(o: RunServiceOptions<S>): Promise<void> {
  let config: Static<S> & Common;
  try {
    config = loadConfig(o.configSchema) as Static<S> & Common;
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${o.name}: ${e.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
  const instanceId = config.INSTANCE_ID ?? `${o.name}-${randomUUID().slice(0, 8)}`;
  const logger = createLogger({ service: o.name, level: config.LOG_LEVEL, instanceId });
  const metrics = new Metrics({ service: o.name });
  const ddb = createDocumentClient({ region: config.AWS_REGION });
  const table = o.table?.(config);
  if (table) await ensureTable(ddb, table);
  const bus = createBus(config, {
    namespace: config.BUS_NAMESPACE,
    service: o.name,
    instanceId,
    registry: contracts,
    logger,
    metrics,
    // On SQS, a single-active queue's lease lives in the service's own table.
    ...(table ? { queueLeases: { ddb, tableName: table.name } } : {}),
  });
  await bus.start();

  let worker: Worker;
  try {
    worker = await o.build({ config, instanceId, logger, metrics, bus, ddb });
  } catch (e) {
    // A setting that only shows itself bad when used (a file that cannot be opened): refused
    // like any bad setting, not restarted as a crash.
    if (e instanceof ConfigError) {
      process.stderr.write(`${o.name}: ${e.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
  const app = createHttpBase({
    service: o.name,
    logger,
    metrics,
    bodyLimit: o.bodyLimit?.(config),
    readiness: {
      bus: () => bus.isReady(),
      ...(table ? { store: () => tableReachable(ddb, table.name) } : {}),
      ...worker.readiness,
    },
  });
  if (worker.routes) await worker.routes(app);
  await worker.start();
  await app.listen({ port: config.PORT, host: config.HOST });
  logger.info({ port: config.PORT, instanceId }, `${o.name} ready`);

  // A promise nobody awaited that failed is a bug to log and count, not a reason to take the
  // service (and every request it is serving) down. An uncaught exception still shuts down:
  // the process state is then unknown.
  process.on('unhandledRejection', (reason) => {
    metrics.unhandledRejections.inc();
    logger.error({ err: reason }, 'unhandled promise rejection (a bug: please report it)');
  });
  closeWithGrace({ delay: 15_000, logger, skip: ['unhandledRejection'] }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    else logger.info({ signal }, 'shutting down');
    await app.close();
    await worker.stop();
    await bus.close();
  });
}
