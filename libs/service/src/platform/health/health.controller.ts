import { Controller, Get, HttpStatus, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Answers } from '../openapi/decorators';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/auth';
import { Readiness } from './readiness';
import { OpsAccess } from '../auth/ops-access';

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    private readonly readiness: Readiness,
    private readonly ops: OpsAccess,
  ) {}

  /** Liveness: the process answers. Says nothing else (no versions, no dependencies). */
  @Public()
  @Get('health/live')
  @ApiOperation({ summary: 'Liveness: the process answers {"status":"ok"} and nothing else' })
  @Answers(200, 'Health', 'The process is alive')
  live() {
    return { status: 'ok' };
  }

  /**
   * Readiness (also at /health/ready): the event store, the read-model database and the projections. `ok`
   * (200) when all is well; `unavailable` (503) while a database is unreachable (a fault reports here within
   * one probe and clears as soon as the pool reconnects); `degraded` (503) while a projection is stalled on an
   * event it cannot apply or lags more than PROJECTION_LAG_MAX — `problems` names the projection and the event.
   * Anyone gets the status alone ({"status": …}); the details (problems, dependencies, projections) need a
   * platform/auditor JWT or OPS_TOKEN.
   */
  @Public()
  @Get(['health', 'health/ready'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Readiness: the event store, the read-model database and the projections (503 when not ready); details with a platform/auditor token or OPS_TOKEN' })
  @Answers(200, 'Health', 'Readiness (details only for operators)')
  async health(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const details = await this.ops.check(req);
    const readiness = await this.readiness.report();
    void reply.status(readiness.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return details ? readiness : { status: readiness.status };
  }
}
