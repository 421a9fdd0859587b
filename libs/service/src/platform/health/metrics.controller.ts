import { Controller, Get, Header, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/auth';
import { OpsAccess } from '../auth/ops-access';
import { Metrics } from '../metrics/metrics';

/** GET /metrics: kept apart from the Metrics registry so persistence (which records into it) does not depend on auth. */
@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    private readonly ops: OpsAccess,
  ) {}

  /** Prometheus text format; needs a platform/auditor JWT or OPS_TOKEN (the route map and memory are internals). */
  @Public()
  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async metricsText(@Req() req: FastifyRequest): Promise<string> {
    await this.ops.require(req);
    return this.metrics.registry.metrics();
  }
}
