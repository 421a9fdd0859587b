import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { buildOpenApiDocument, createRootLogger, loggingParams, nestLogger, requestId, ProblemFilter, validationProblem, Metrics, inputGuardServerOptions, installInputGuards, NoBodyInterceptor } from '@app/service';
import type { Logger } from 'pino';
import type { AppConfig } from '@app/config';
import { AppModule } from './app.module';
import { registerConsole } from './console/console';
import { RateLimits } from './rate-limit/rate-limits';

export const BODY_LIMIT = 1024 * 1024;

/** Builds the Nest application (used by main.ts, the e2e tests and the benchmarks). */
export async function createApp(config: AppConfig, opts: { logger?: Logger } = {}): Promise<{ app: NestFastifyApplication; logger: Logger }> {
  const logger = opts.logger ?? createRootLogger(config.LOG_LEVEL);
  const adapter = new FastifyAdapter({
    // Fastify reports its own faults through the same logger; the request lines come from pino-http (platform/logging).
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    return503OnClosing: true,
    ...inputGuardServerOptions,
    genReqId: requestId,
  });
  const logging = loggingParams(logger);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, logging), adapter, {
    logger: nestLogger(logging),
    abortOnError: false,
    // The JSON body parser is ours (input-guard.ts): depth, size and string checks before validation.
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  installInputGuards(fastify, BODY_LIMIT);
  const metrics = app.get(Metrics);
  await app.get(RateLimits).install(fastify);
  fastify.addHook('onSend', async (req, reply) => {
    void reply.header('x-request-id', req.id);
    void reply.header('x-content-type-options', 'nosniff');
    // Answers to authenticated requests (and to attempts) are per caller: never stored by caches.
    if (req.headers.authorization !== undefined) void reply.header('cache-control', 'no-store');
  });
  fastify.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions?.url ?? 'unmatched';
    metrics.httpDuration.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  app.useGlobalFilters(new ProblemFilter());
  app.useGlobalInterceptors(new NoBodyInterceptor());
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
      exceptionFactory: (errors) => validationProblem(errors),
    }),
  );
  app.enableShutdownHooks();

  await registerConsole(app);
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app, (problems) => logger.warn({ problems }, 'the OpenAPI document is incomplete')), {
    jsonDocumentUrl: 'docs-json',
  });
  await app.init();
  return { app, logger };
}
