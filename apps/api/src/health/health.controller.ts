import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { EVENT_STORE, type EventStore, type SqlDatabase } from '@app/event-store';
import { Public } from '../auth/auth';
import { SQL_DB } from '../infra/tokens';
import { ProjectionStatusSource } from './projection-status';

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
    private readonly projections: ProjectionStatusSource,
  ) {}

  /** Liveness and readiness: the event store, the read-model database and projection lag. 503 when a dependency is down. */
  @Public()
  @Get('health')
  @ApiOkResponse({ description: 'Service status' })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const [eventStore, readModels] = await Promise.all([probe(() => this.store.ping()), probe(() => this.db.query('SELECT 1'))]);
    const projections = await this.projections.status().catch((e) => ({ error: String(e) }));
    const up = eventStore.status === 'up' && readModels.status === 'up';
    void reply.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: up ? 'ok' : 'unavailable',
      eventStore: { kind: this.store.kind, ...eventStore },
      readModels: { kind: this.db.kind, ...readModels },
      projections,
    };
  }
}
