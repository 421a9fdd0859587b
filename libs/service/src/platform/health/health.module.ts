import { DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { HealthController } from './health.controller';

/** /health, /health/live, /health/ready. `statusFrom`: the module that provides PROJECTION_STATUS. */
@Module({})
export class HealthModule {
  static forRoot(statusFrom: NonNullable<ModuleMetadata['imports']>[number]): DynamicModule {
    return { module: HealthModule, imports: [statusFrom], controllers: [HealthController] };
  }
}
