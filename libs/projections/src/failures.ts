import type { Position, RecordedEvent, SqlExecutor } from '@app/event-store';

/**
 * Durable record of events a projection could not apply (poison events).
 *
 * Life of a row (one per projection and event):
 *  - `stalled`: the runner gave up after its bounded retries; the projection stands still at the event
 *    (its checkpoint is just before it) and /health reports it, naming projection and event;
 *  - `retrying`: an operator asked to try again (`npm run cli -- projections retry <name>`); the leader
 *    retries with a fresh budget and marks the row `resolved` once the event applied, or `stalled` again;
 *  - `parked`: an operator chose to skip the event (`npm run cli -- projections park <name>`); the runner
 *    moves past it without applying it. The row stays, so what was skipped remains visible (and a rebuild
 *    skips it too — parked events are part of what the read model means);
 *  - `resolved`: the event applied after a retry.
 * At most one row per projection is `stalled` or `retrying` (the runner stops at the first it cannot apply).
 */
export const FAILURES_DDL = `
CREATE TABLE IF NOT EXISTS projection_failures (
  projection text NOT NULL,
  event_id text NOT NULL,
  position text NOT NULL,
  stream_id text NOT NULL,
  stream_revision bigint NOT NULL,
  event_type text NOT NULL,
  error text NOT NULL,
  attempts integer NOT NULL,
  status text NOT NULL CHECK (status IN ('stalled', 'retrying', 'parked', 'resolved')),
  first_failed_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  resolved_by text,
  PRIMARY KEY (projection, event_id)
)`;

export type FailureStatus = 'stalled' | 'retrying' | 'parked' | 'resolved';

export interface ProjectionFailure {
  projection: string;
  eventId: string;
  position: Position;
  stream: string;
  revision: number;
  eventType: string;
  error: string;
  attempts: number;
  status: FailureStatus;
  firstFailedAt: string;
  updatedAt: string;
  resolvedBy: string | null;
}

interface FailureRow {
  projection: string;
  event_id: string;
  position: string;
  stream_id: string;
  stream_revision: number | string;
  event_type: string;
  error: string;
  attempts: number;
  status: FailureStatus;
  first_failed_at: Date | string;
  updated_at: Date | string;
  resolved_by: string | null;
}

const iso = (v: Date | string) => (v instanceof Date ? v.toISOString() : new Date(v).toISOString());

function toFailure(r: FailureRow): ProjectionFailure {
  return {
    projection: r.projection,
    eventId: r.event_id,
    position: r.position,
    stream: r.stream_id,
    revision: Number(r.stream_revision),
    eventType: r.event_type,
    error: r.error,
    attempts: r.attempts,
    status: r.status,
    firstFailedAt: iso(r.first_failed_at),
    updatedAt: iso(r.updated_at),
    resolvedBy: r.resolved_by,
  };
}

const COLUMNS = `projection, event_id, position, stream_id, stream_revision, event_type, error, attempts, status, first_failed_at, updated_at, resolved_by`;

/** Records (or re-records) that `event` could not be applied: the projection is now stalled at it. */
export async function recordStall(db: SqlExecutor, projection: string, event: RecordedEvent, error: string, attempts: number): Promise<ProjectionFailure> {
  const { rows } = await db.query<FailureRow>(
    `INSERT INTO projection_failures (projection, event_id, position, stream_id, stream_revision, event_type, error, attempts, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'stalled')
     ON CONFLICT (projection, event_id) DO UPDATE
       SET error = EXCLUDED.error, attempts = projection_failures.attempts + EXCLUDED.attempts, status = 'stalled', updated_at = now()
     RETURNING ${COLUMNS}`,
    [projection, event.eventId, event.position, event.stream, event.revision, event.type, error.slice(0, 2000), attempts],
  );
  return toFailure(rows[0]);
}

/** The projection's open failure (stalled or retrying), if any. */
export async function openFailure(db: SqlExecutor, projection: string): Promise<ProjectionFailure | null> {
  const { rows } = await db.query<FailureRow>(
    `SELECT ${COLUMNS} FROM projection_failures WHERE projection = $1 AND status IN ('stalled', 'retrying') ORDER BY updated_at DESC LIMIT 1`,
    [projection],
  );
  return rows[0] ? toFailure(rows[0]) : null;
}

/** Ids of the events an operator parked for this projection (skipped, never applied). */
export async function parkedEventIds(db: SqlExecutor, projection: string): Promise<Set<string>> {
  const { rows } = await db.query<{ event_id: string }>(`SELECT event_id FROM projection_failures WHERE projection = $1 AND status = 'parked'`, [projection]);
  return new Set(rows.map((r) => r.event_id));
}

export async function markResolved(db: SqlExecutor, projection: string, eventId: string): Promise<void> {
  await db.query(`UPDATE projection_failures SET status = 'resolved', updated_at = now() WHERE projection = $1 AND event_id = $2 AND status = 'retrying'`, [
    projection,
    eventId,
  ]);
}

/** Every failure row (all projections, newest first): for status reports, /health and metrics. */
export async function listFailures(db: SqlExecutor, opts: { projection?: string; openOnly?: boolean } = {}): Promise<ProjectionFailure[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (opts.projection) {
    params.push(opts.projection);
    where.push(`projection = $${params.length}`);
  }
  if (opts.openOnly) where.push(`status IN ('stalled', 'retrying')`);
  const { rows } = await db.query<FailureRow>(
    `SELECT ${COLUMNS} FROM projection_failures ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY updated_at DESC LIMIT 1000`,
    params,
  );
  return rows.map(toFailure);
}

/**
 * Operator decision on a stalled projection: `retry` (apply the event again, with a fresh retry budget) or
 * `park` (skip that one event, recorded). Returns the failure it acted on, or null when nothing is stalled.
 */
export async function resolveStall(db: SqlExecutor, projection: string, action: 'retry' | 'park', by: string): Promise<ProjectionFailure | null> {
  const { rows } = await db.query<FailureRow>(
    `UPDATE projection_failures SET status = $2, resolved_by = $3, updated_at = now()
      WHERE projection = $1 AND status = 'stalled'
      RETURNING ${COLUMNS}`,
    [projection, action === 'retry' ? 'retrying' : 'parked', by],
  );
  return rows[0] ? toFailure(rows[0]) : null;
}
