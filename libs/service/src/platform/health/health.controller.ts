import { Controller, Get, HttpStatus, Inject, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Answers } from '../openapi/decorators';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EVENT_STORE, type EventStore, type SqlDatabase } from '@app/event-store';
import { Public } from '../auth/auth';
import { SQL_DB } from '../persistence/tokens';
import { PROJECTION_STATUS, type ProjectionStatus } from './projection-status';
import { OpsAccess } from '../auth/ops-access';

async function probe(fn: () => Promise<unknown>, timeoutMs = 2000): Promise<{ status: 'up' | 'down'; latencyMs?: number; error?: string }> {
  const t0 = performance.now();
  try {
    await Promise.race([fn(), new Promise((_, rej) => setTimeout(() => rej(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs).unref())]);
    return { status: 'up', latencyMs: Math.round((performance.now() - t0) * 10) / 10 };
  } catch (e) {
    return { status: 'down', error: e instanceof Error ? e.message : String(e) };
  }
}

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_DB) private readonly db: SqlDatabase,
    @Inject(PROJECTION_STATUS) private readonly projections: ProjectionStatus,
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
    const readiness = await this.readiness();
    void reply.status(readiness.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return details ? readiness : { status: readiness.status };
  }

  private async readiness() {
    const [eventStore, readModels] = await Promise.all([probe(() => this.store.ping()), probe(() => this.db.query('SELECT 1'))]);
    const up = eventStore.status === 'up' && readModels.status === 'up';
    const report = up ? await this.projections.status().catch((e: unknown) => ({ error: e instanceof Error ? e.message : String(e) })) : null;
    const problems: string[] = [];
    if (eventStore.status !== 'up') problems.push(`event store unreachable: ${eventStore.error}`);
    if (readModels.status !== 'up') problems.push(`read-model database unreachable: ${readModels.error}`);
    if (report && 'error' in report) problems.push(`projection status unavailable: ${report.error}`);
    else if (report) problems.push(...report.problems);
    const status = !up ? 'unavailable' : problems.length ? 'degraded' : 'ok';
    return {
      status,
      ...(problems.length ? { problems } : {}),
      eventStore: { kind: this.store.kind, ...eventStore },
      readModels: { kind: this.db.kind, ...readModels },
      projections: report && !('error' in report) ? report.projections : {},
    };
  }
}
