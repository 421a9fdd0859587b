import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '@app/config';
import { createRootLogger, loggingParams, Metrics, nestLogger, OpsAccess, Readiness, ServiceModule } from '@app/service';
import { startOpsServer } from './ops-server';

/**
 * The worker process: the service's modules (@app/service, the same composition as the API's) in a Nest
 * application context — no HTTP server, no routes — with the background work on: the projections (read models
 * and the audit Merkle log) and the checkpointer that signs the log, the dispute reactions' subscription, the
 * deadline scheduler, the webhook fan-out and sender, the what-if simulations (recorded by the APIs, or orphaned). Each of them
 * is leader-elected across processes as before (advisory locks, checkpoint compare-and-set, exact expected
 * revisions), so two workers are safe: one leads, the other takes over within seconds when it dies.
 */
export async function createWorker(config: AppConfig, opts: { logger?: Logger } = {}): Promise<{ app: INestApplicationContext; logger: Logger; opsPort: number }> {
  if (!config.RUN_BACKGROUND) throw new Error('createWorker: the worker runs the background; RUN_BACKGROUND must be true');
  const logger = opts.logger ?? createRootLogger(config.LOG_LEVEL);
  const logging = loggingParams(logger);
  const app = await NestFactory.createApplicationContext(ServiceModule.forRoot(config, logging), { logger: nestLogger(logging), abortOnError: false });
  // process.exit after the hooks (not a re-raised signal), so that the logger's last lines are flushed.
  app.enableShutdownHooks([], { useProcessExit: true });
  await app.init();
  const ops = await startOpsServer({ port: config.WORKER_PORT, host: config.HOST, metrics: app.get(Metrics), readiness: app.get(Readiness), ops: app.get(OpsAccess), logger });
  // The listener closes once the background work stopped (beforeApplicationShutdown) and before the stores close
  // (onApplicationShutdown): Nest calls dispose() in between, on close() and on a shutdown signal alike.
  const ctx = app as INestApplicationContext & { dispose(): Promise<void> };
  const dispose = ctx.dispose.bind(ctx);
  ctx.dispose = async () => {
    await ops.close();
    await dispose();
  };
  return { app, logger, opsPort: ops.port };
}
