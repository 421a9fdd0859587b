import type { Position, SqlExecutor } from '@app/event-store';
import { START } from '@app/event-store';

export const CHECKPOINT_DDL = `
CREATE TABLE IF NOT EXISTS projection_checkpoints (
  name text PRIMARY KEY,
  position text NOT NULL,
  events_applied bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
)`;

export async function readCheckpoint(db: SqlExecutor, name: string): Promise<Position> {
  const { rows } = await db.query<{ position: string }>(`SELECT position FROM projection_checkpoints WHERE name = $1`, [name]);
  return rows[0]?.position ?? START;
}

/**
 * Moves the checkpoint from `from` to `to`; fails (returns false) when another runner moved it meanwhile,
 * in which case the caller's transaction must roll back.
 */
export async function advanceCheckpoint(tx: SqlExecutor, name: string, from: Position, to: Position, count: number): Promise<boolean> {
  const r = await tx.query(
    `INSERT INTO projection_checkpoints (name, position, events_applied, updated_at) VALUES ($1, $3, $4, now())
     ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, events_applied = projection_checkpoints.events_applied + $4, updated_at = now()
     WHERE projection_checkpoints.position = $2`,
    [name, from, to, count],
    { name: 'projection_checkpoint_advance' },
  );
  return r.rowCount === 1;
}
