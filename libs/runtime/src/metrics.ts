import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** The metrics every service exposes on /metrics. One registry per service instance. */
export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'onair_http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly busPublished = new Counter({
    name: 'onair_bus_published_total',
    help: 'Messages published or sent on the bus',
    labelNames: ['type', 'kind'],
    registers: [this.registry],
  });
  readonly busPublishDuration = new Histogram({
    name: 'onair_bus_publish_duration_seconds',
    help: 'Time from publish to broker confirm',
    labelNames: ['kind'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly busConsumed = new Counter({
    name: 'onair_bus_consumed_total',
    help: 'Messages consumed, by outcome (ack, duplicate, retry, dead-letter)',
    labelNames: ['queue', 'type', 'outcome'],
    registers: [this.registry],
  });
  readonly busHandleDuration = new Histogram({
    name: 'onair_bus_handle_duration_seconds',
    help: 'Handler latency',
    labelNames: ['queue', 'type'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [this.registry],
  });
  readonly handlerFailures = new Counter({
    name: 'onair_bus_handler_failures_total',
    help: 'Handler attempts that threw',
    labelNames: ['queue', 'type'],
    registers: [this.registry],
  });
  readonly deadLettered = new Counter({
    name: 'onair_bus_dead_lettered_total',
    help: 'Messages moved to a dead-letter queue',
    labelNames: ['queue', 'reason'],
    registers: [this.registry],
  });

  readonly unhandledRejections = new Counter({
    name: 'onair_unhandled_rejections_total',
    help: 'Promises that failed with nobody awaiting them (each one is a bug, logged)',
    registers: [this.registry],
  });

  constructor(opts: { defaultMetrics?: boolean; service?: string } = {}) {
    if (opts.service) this.registry.setDefaultLabels({ service: opts.service });
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }
}
