import { DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { HealthController } from './health.controller';
import { Readiness } from './readiness';

/** /health, /health/live, /health/ready. `statusFrom`: the module that provides PROJECTION_STATUS. */
@Module({})
export class HealthModule {
  static forRoot(statusFrom: NonNullable<ModuleMetadata['imports']>[number]): DynamicModule {
    return { module: HealthModule, imports: [statusFrom], controllers: [HealthController], providers: [Readiness], exports: [Readiness] };
  }
}
