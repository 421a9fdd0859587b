import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import type { AppConfig } from '@app/config';
import { AuthGuard } from './auth/auth';
import { IdempotencyInterceptor } from './http/idempotency';
import { MetricsController } from './infra/metrics';
import { HealthController } from './health/health.controller';
import { PersistenceModule } from './infra/persistence.module';
import { CoreModule } from './infra/core.module';
import { OrdersController } from './orders/orders.controller';
import { OrdersService } from './orders/orders.service';
import { DisputesController } from './disputes/disputes.controller';
import { DisputesService } from './disputes/disputes.service';
import { DisputeReactions } from './disputes/dispute-reactions';
import { ProjectionsService } from './read-models/projections.service';
import { ReadModelsController } from './read-models/read-models.controller';
import { DeadlinesService } from './deadlines/deadlines.service';
import { DeadlinesController } from './deadlines/deadlines.controller';
import { AuditController } from './audit/audit.controller';
import { DelaysModule } from './delays/delays.module';
import { SimulationsModule } from './simulations/simulations.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { MerchantWeeksModule } from './merchant-weeks/merchant-weeks.module';
import { AppealsModule } from './appeals/appeals.module';
import { COMMAND_HANDLERS } from './app/commands';
import { ConsoleModule } from './console/console';
import { RateLimits } from './rate-limit/rate-limits';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot(), CoreModule.forRoot(config), PersistenceModule.forRoot(config), DelaysModule, SimulationsModule, WebhooksModule, ConsoleModule, MerchantWeeksModule, AppealsModule],
      controllers: [HealthController, MetricsController, OrdersController, DisputesController, ReadModelsController, DeadlinesController, AuditController],
      providers: [
        OrdersService,
        DisputesService,
        DisputeReactions,
        ProjectionsService,
        DeadlinesService,
        RateLimits,
        ...COMMAND_HANDLERS,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
      exports: [DisputesService, OrdersService, ProjectionsService],
    };
  }
}
