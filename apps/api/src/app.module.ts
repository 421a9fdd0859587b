import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@app/config';
import type { Params as LoggingParams } from 'nestjs-pino';
import { ServiceModule } from '@app/service';
import { ConsoleModule } from './console/console';
import { RateLimits } from './rate-limit/rate-limits';

/**
 * The API process's composition root: the service's modules (@app/service: platform, features, background
 * services — wired there, shared with apps/worker), plus what only an HTTP server has: the web console and the
 * rate limits.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logging: LoggingParams): DynamicModule {
    return {
      module: AppModule,
      imports: [ServiceModule.forRoot(config, logging), ConsoleModule],
      providers: [RateLimits],
    };
  }
}
