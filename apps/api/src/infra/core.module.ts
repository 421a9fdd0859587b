import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { TokenVerifier } from '../auth/auth';
import { OpsAccess } from '../health/ops-access';
import { Metrics } from './metrics';
import { AggregateRepository } from '../app/aggregate-repository';
import { ProjectionStatusSource } from '../health/projection-status';
import { MerchantWeekSource } from '../disputes/merchant-week';
import { DelayExcuseSource } from '../disputes/delay-excuses';

/** Global infrastructure every feature module uses: settings, metrics, token verification, the aggregate repository. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    const providers = [{ provide: APP_CONFIG, useValue: config }, Metrics, TokenVerifier, OpsAccess, AggregateRepository, ProjectionStatusSource, MerchantWeekSource, DelayExcuseSource];
    return { module: CoreModule, providers, exports: providers.map((p) => ('provide' in p ? p.provide : p)) };
  }
}
