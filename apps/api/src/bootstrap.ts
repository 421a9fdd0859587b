import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AppConfig } from './config/config';
import { AppModule } from './app.module';
import { createRootLogger, PinoNestLogger } from './infra/logger';
import { ProblemFilter, validationProblem } from './http/problem';
import { Metrics } from './infra/metrics';
import { declarePathParameters } from './http/openapi';
import { registerConsole } from './console/console';
import { RateLimits } from './rate-limit/rate-limits';

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;
export const BODY_LIMIT = 1024 * 1024;

/** Builds the Nest application (used by main.ts, the e2e tests and the benchmarks). */
export async function createApp(config: AppConfig, opts: { logger?: Logger } = {}): Promise<{ app: NestFastifyApplication; logger: Logger }> {
  const logger = opts.logger ?? createRootLogger(config.LOG_LEVEL);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    bodyLimit: BODY_LIMIT,
    return503OnClosing: true,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const h = req.headers['x-request-id'];
      return typeof h === 'string' && REQUEST_ID_RE.test(h) ? h : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
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

  const doc = new DocumentBuilder()
    .setTitle('Dispute service')
    .setDescription(
      'Event-sourced resolution of rush-order (催单) disputes. Errors are RFC 9457 problem details (application/problem+json). ' +
        'Writes accept an Idempotency-Key header. Authenticate with Authorization: Bearer <HS256 JWT>.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  await registerConsole(app);
  SwaggerModule.setup('docs', app, () => declarePathParameters(SwaggerModule.createDocument(app, doc)), { jsonDocumentUrl: 'docs-json' });
  await app.init();
  return { app, logger };
}
