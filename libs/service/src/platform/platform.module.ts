import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { APP_CONFIG, type AppConfig } from '@app/config';
import type { Params as LoggingParams } from 'nestjs-pino';
import { AuthGuard, TokenVerifier } from './auth/auth';
import { OpsAccess } from './auth/ops-access';
import { IdempotencyInterceptor } from './http/idempotency';
import { Metrics } from './metrics/metrics';
import { MetricsController } from './health/metrics.controller';
import { AggregateRepository } from './commands/aggregate-repository';
import { PersistenceModule } from './persistence/persistence.module';
import { loggingModule } from './logging/logger';

/**
 * The platform every feature stands on (global): settings, logging (nestjs-pino), metrics (+ /metrics), token verification and the
 * auth guard, idempotency, the command bus, the aggregate repository, the event store and SQL database. It
 * imports no feature.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(config: AppConfig, logging: LoggingParams): DynamicModule {
    const providers = [{ provide: APP_CONFIG, useValue: config }, Metrics, TokenVerifier, OpsAccess, AggregateRepository];
    return {
      module: PlatformModule,
      imports: [loggingModule(logging), CqrsModule.forRoot(), PersistenceModule.forRoot(config)],
      controllers: [MetricsController],
      providers: [...providers, { provide: APP_GUARD, useClass: AuthGuard }, { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor }],
      exports: [...providers.map((p) => ('provide' in p ? p.provide : p)), PersistenceModule],
    };
  }
}
