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

/**
 * The dispute service's modules, wired once for both processes that compose them: the API (apps/api: this
 * module behind Fastify, plus the console and the rate limits) and the worker (apps/worker: this module in an
 * application context, no HTTP server). The platform is global; the ports are wired here: the dispute feature
 * gets its week statistics from merchant-weeks and its delay excuses from delays; the order feature gets its
 * event reactions from disputes; /health gets the projection status from the read models.
 *
 * Which background work a process runs is configuration (`RUN_BACKGROUND`): projections and the Merkle log
 * with its checkpointer (read-models/), the dispute reactions' subscription (disputes/reactions/), the deadline
 * scheduler (deadlines/), the webhook fan-out and sender (webhooks/) and the what-if simulations (simulations/).
 */
@Module({})
export class ServiceModule {
  static forRoot(config: AppConfig, logging: LoggingParams): DynamicModule {
    const disputes = DisputesModule.register({ imports: [MerchantWeeksModule, DelaysModule] });
    return {
      module: ServiceModule,
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
      ],
    };
  }
}
