import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import type { Params as LoggingParams } from 'nestjs-pino';
import { PlatformModule } from './platform/platform.module';
import { HealthModule } from './platform/health/health.module';
import { OrdersModule } from './orders/orders.module';
import { DisputesModule } from './disputes/disputes.module';
import { ReadModelsModule } from './read-models/read-models.module';
import { DeadlinesModule } from './deadlines/deadlines.module';
import { AuditModule } from './audit/audit.module';
import { DelaysModule } from './delays/delays.module';
import { SimulationsModule } from './simulations/simulations.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { MerchantWeeksModule } from './merchant-weeks/merchant-weeks.module';
import { AppealsModule } from './appeals/appeals.module';
import { ConsoleModule } from './console/console';
import { RateLimits } from './rate-limit/rate-limits';

/**
 * The composition root: the platform (global) and one module per feature. Ports are wired here: the dispute
 * feature gets its week statistics from merchant-weeks and its delay excuses from delays; the order feature
 * gets its event reactions from disputes; /health gets the projection status from the read models.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logging: LoggingParams): DynamicModule {
    const disputes = DisputesModule.register({ imports: [MerchantWeeksModule, DelaysModule] });
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(config, logging),
        HealthModule.forRoot(ReadModelsModule),
        ReadModelsModule,
        OrdersModule.register({ reactionsFrom: [disputes] }),
        disputes,
        DelaysModule,
        DeadlinesModule,
        MerchantWeeksModule,
        AppealsModule,
        AuditModule,
        SimulationsModule,
        WebhooksModule,
        ConsoleModule,
      ],
      providers: [RateLimits],
    };
  }
}
