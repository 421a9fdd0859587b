import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics: process defaults, HTTP latency by route, commands, appends, projection lag, deadlines. */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly commands = new Counter({
    name: 'commands_total',
    help: 'Commands handled by type and result',
    labelNames: ['command', 'result'],
    registers: [this.registry],
  });
  readonly concurrencyRetries = new Counter({
    name: 'command_concurrency_retries_total',
    help: 'Commands re-decided after a concurrent append',
    labelNames: ['command'],
    registers: [this.registry],
  });
  readonly streamCache = new Counter({
    name: 'stream_cache_total',
    help: 'Folded-stream cache of the command path: hit (no read), miss (one read), stale (a cached state was behind the stream: read and decided again)',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly projectionLagEvents = new Gauge({
    name: 'projection_lag_events',
    help: 'Events appended but not yet applied by each projection',
    labelNames: ['projection'],
    registers: [this.registry],
  });
  readonly projectionLagSeconds = new Gauge({
    name: 'projection_lag_seconds',
    help: 'Age of the oldest event not yet applied by each projection (0 when caught up)',
    labelNames: ['projection'],
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'http_rate_limited_total',
    help: 'Requests refused with 429, by limit (read, write, anonymous, auth_failures)',
    labelNames: ['limit'],
    registers: [this.registry],
  });
  readonly deadlinesFired = new Counter({
    name: 'deadlines_fired_total',
    help: 'Deadlines fired by kind',
    labelNames: ['deadline'],
    registers: [this.registry],
  });

  readonly dbConnectionErrors = new Counter({
    name: 'db_connection_errors_total',
    help: 'Database connections lost (terminated backend, restart, network), by where they were in use',
    labelNames: ['where'],
    registers: [this.registry],
  });
  readonly projectionStalled = new Gauge({
    name: 'projection_stalled',
    help: '1 while a projection is stopped on an event it could not apply (see npm run cli -- projections status)',
    labelNames: ['projection'],
    registers: [this.registry],
  });
  readonly projectionParkedEvents = new Gauge({
    name: 'projection_parked_events',
    help: 'Events an operator parked (skipped) per projection',
    labelNames: ['projection'],
    registers: [this.registry],
  });
  readonly projectionApplyFailures = new Counter({
    name: 'projection_apply_failures_total',
    help: 'Failed attempts to apply an event, by projection (database faults excluded)',
    labelNames: ['projection'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
