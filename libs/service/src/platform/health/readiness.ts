import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore, type SqlDatabase } from '@app/event-store';
import { SQL_DB } from '../persistence/tokens';
import { PROJECTION_STATUS, type ProjectionStatus } from './projection-status';

async function probe(fn: () => Promise<unknown>, timeoutMs = 2000): Promise<{ status: 'up' | 'down'; latencyMs?: number; error?: string }> {
  const t0 = performance.now();
  try {
    await Promise.race([fn(), new Promise((_, rej) => setTimeout(() => rej(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs).unref())]);
    return { status: 'up', latencyMs: Math.round((performance.now() - t0) * 10) / 10 };
  } catch (e) {
    return { status: 'down', error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Readiness of a process: the event store, the read-model database and the projections. `ok` when all is
 * well; `unavailable` while a database is unreachable; `degraded` while a projection is stalled on an event or
 * lags more than PROJECTION_LAG_MAX (`problems` names the projection and the event). The API answers it at
 * /health, the worker on its operations listener.
 */
@Injectable()
export class Readiness {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_DB) private readonly db: SqlDatabase,
    @Inject(PROJECTION_STATUS) private readonly projections: ProjectionStatus,
  ) {}

  async report() {
    const [eventStore, readModels] = await Promise.all([probe(() => this.store.ping()), probe(() => this.db.query('SELECT 1'))]);
    const up = eventStore.status === 'up' && readModels.status === 'up';
    const report = up ? await this.projections.status().catch((e: unknown) => ({ error: e instanceof Error ? e.message : String(e) })) : null;
    const problems: string[] = [];
    if (eventStore.status !== 'up') problems.push(`event store unreachable: ${eventStore.error}`);
    if (readModels.status !== 'up') problems.push(`read-model database unreachable: ${readModels.error}`);
    if (report && 'error' in report) problems.push(`projection status unavailable: ${report.error}`);
    else if (report) problems.push(...report.problems);
    const status: 'ok' | 'degraded' | 'unavailable' = !up ? 'unavailable' : problems.length ? 'degraded' : 'ok';
    return {
      status,
      ...(problems.length ? { problems } : {}),
      eventStore: { kind: this.store.kind, ...eventStore },
      readModels: { kind: this.db.kind, ...readModels },
      projections: report && !('error' in report) ? report.projections : {},
    };
  }
}
