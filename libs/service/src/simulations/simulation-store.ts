/**
 * The simulations' own bookkeeping tables (nothing the service serves elsewhere is written):
 *  - `sim_runs`: one row per simulation: its request, status, phase, progress and the cursor it resumes from;
 *  - `sim_weeks`: the merchant-weeks of a run with their statistics and points (written once, in the WEEKS phase);
 *  - `sim_changes`: the cases whose outcome or points differ, one row per dispute (upserted per batch, so a
 *    batch redone after a crash writes the same rows again);
 *  - `sim_todo`: a running simulation's judgements to re-judge (see judgement-source.ts), dropped when it ends.
 * A batch's changes and the cursor after it are committed in one transaction: a restart resumes exactly after
 * the last committed batch.
 */
import type { CaseResult, SimulationTotals, WeekStats } from '@app/domain';
import { runMigrations, type SqlDatabase, type SqlExecutor } from '@app/event-store';
import { clearJudgements, SIM_TODO_DDL } from './judgement-source';

export const SIMULATION_MIGRATIONS = [
  {
    id: '001_simulations',
    sql: `
CREATE TABLE IF NOT EXISTS sim_runs (
  simulation_id text PRIMARY KEY,
  status text NOT NULL,
  phase text NOT NULL,
  rules_version text NOT NULL,
  recorded_rules_version text NOT NULL,
  from_at timestamptz NOT NULL,
  to_at timestamptz NOT NULL,
  merchant_id text,
  as_of timestamptz NOT NULL,
  head_position text NOT NULL,
  cursor_position text NOT NULL,
  judgements_total integer NOT NULL DEFAULT 0,
  judgements_done integer NOT NULL DEFAULT 0,
  weeks_total integer NOT NULL DEFAULT 0,
  merchant_weeks integer NOT NULL DEFAULT 0,
  totals jsonb,
  error text,
  requested_by jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  finished_at timestamptz
);
CREATE INDEX IF NOT EXISTS sim_runs_status_idx ON sim_runs (status, created_at);
CREATE TABLE IF NOT EXISTS sim_weeks (
  simulation_id text NOT NULL,
  merchant_id text NOT NULL,
  week text NOT NULL,
  closed boolean NOT NULL,
  as_of timestamptz NOT NULL,
  stats jsonb NOT NULL,
  points_recorded integer NOT NULL,
  points_simulated integer NOT NULL,
  PRIMARY KEY (simulation_id, merchant_id, week)
);
CREATE TABLE IF NOT EXISTS sim_changes (
  simulation_id text NOT NULL,
  dispute_id text NOT NULL,
  merchant_id text NOT NULL,
  week text NOT NULL,
  item jsonb NOT NULL,
  PRIMARY KEY (simulation_id, dispute_id)
);
CREATE INDEX IF NOT EXISTS sim_changes_page_idx ON sim_changes (simulation_id, week, merchant_id, dispute_id);
`,
  },
  { id: '002_sim_todo', sql: SIM_TODO_DDL },
];

export type SimulationStatus = 'RUNNING' | 'DONE' | 'FAILED';
export type SimulationPhase = 'WEEKS' | 'CASES' | 'DONE';

export interface SimulationRun {
  simulationId: string;
  status: SimulationStatus;
  phase: SimulationPhase;
  rulesVersion: string;
  recordedRulesVersion: string;
  from: string;
  to: string;
  merchantId: string | null;
  asOf: string;
  headPosition: string;
  cursorPosition: string;
  judgementsTotal: number;
  judgementsDone: number;
  weeksTotal: number;
  merchantWeeks: number;
  totals: SimulationTotals | null;
  error: string | null;
  requestedBy: { sub: string; role: string };
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export interface SimWeekRow {
  merchantId: string;
  week: string;
  closed: boolean;
  asOf: string;
  stats: WeekStats & { pendingOrders?: number; refundedBeforeDue?: number; pickupRate48h?: number | null; basisRecorded?: string; basisSimulated?: string };
  pointsRecorded: number;
  pointsSimulated: number;
}

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());
const isoOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : iso(v));

function runOf(r: Record<string, any>): SimulationRun {
  return {
    simulationId: r.simulation_id,
    status: r.status,
    phase: r.phase,
    rulesVersion: r.rules_version,
    recordedRulesVersion: r.recorded_rules_version,
    from: iso(r.from_at),
    to: iso(r.to_at),
    merchantId: r.merchant_id ?? null,
    asOf: iso(r.as_of),
    headPosition: r.head_position,
    cursorPosition: r.cursor_position,
    judgementsTotal: Number(r.judgements_total),
    judgementsDone: Number(r.judgements_done),
    weeksTotal: Number(r.weeks_total),
    merchantWeeks: Number(r.merchant_weeks),
    totals: r.totals ?? null,
    error: r.error ?? null,
    requestedBy: r.requested_by,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    finishedAt: isoOrNull(r.finished_at),
  };
}

export class SimulationStore {
  constructor(private readonly db: SqlDatabase) {}

  async migrate(): Promise<void> {
    await runMigrations(this.db, 'simulations', SIMULATION_MIGRATIONS);
  }

  async create(r: Omit<SimulationRun, 'judgementsTotal' | 'judgementsDone' | 'weeksTotal' | 'merchantWeeks' | 'totals' | 'error' | 'updatedAt' | 'finishedAt' | 'status' | 'phase'>): Promise<void> {
    await this.db.query(
      `INSERT INTO sim_runs (simulation_id, status, phase, rules_version, recorded_rules_version, from_at, to_at, merchant_id, as_of, head_position, cursor_position, requested_by, created_at, updated_at)
       VALUES ($1, 'RUNNING', 'WEEKS', $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $11)`,
      [r.simulationId, r.rulesVersion, r.recordedRulesVersion, r.from, r.to, r.merchantId, r.asOf, r.headPosition, r.cursorPosition, JSON.stringify(r.requestedBy), r.createdAt],
    );
  }

  async get(id: string, x: SqlExecutor = this.db): Promise<SimulationRun | null> {
    const { rows } = await x.query(`SELECT * FROM sim_runs WHERE simulation_id = $1`, [id]);
    return rows[0] ? runOf(rows[0]) : null;
  }

  async running(): Promise<string[]> {
    const { rows } = await this.db.query<{ simulation_id: string }>(`SELECT simulation_id FROM sim_runs WHERE status = 'RUNNING' ORDER BY created_at`);
    return rows.map((r) => r.simulation_id);
  }

  /** The WEEKS phase's result, all at once: the merchant-weeks, the judgements to re-judge (`snapshot`), phase → CASES. */
  async saveWeeks(id: string, weeksTotal: number, rows: SimWeekRow[], snapshot: (tx: SqlExecutor) => Promise<number>, now: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const judgementsTotal = await snapshot(tx);
      await tx.query(`DELETE FROM sim_weeks WHERE simulation_id = $1`, [id]);
      for (let i = 0; i < rows.length; i += 1000) {
        const chunk = rows.slice(i, i + 1000);
        await tx.query(
          `INSERT INTO sim_weeks (simulation_id, merchant_id, week, closed, as_of, stats, points_recorded, points_simulated)
           SELECT $1, r.merchant_id, r.week, r.closed, r.as_of, r.stats, r.points_recorded, r.points_simulated
             FROM jsonb_to_recordset($2::jsonb) AS r(merchant_id text, week text, closed boolean, as_of timestamptz, stats jsonb, points_recorded int, points_simulated int)`,
          [
            id,
            JSON.stringify(
              chunk.map((w) => ({ merchant_id: w.merchantId, week: w.week, closed: w.closed, as_of: w.asOf, stats: w.stats, points_recorded: w.pointsRecorded, points_simulated: w.pointsSimulated })),
            ),
          ],
        );
      }
      await tx.query(
        `UPDATE sim_runs SET phase = 'CASES', weeks_total = $2, merchant_weeks = $3, judgements_total = $4, updated_at = $5 WHERE simulation_id = $1 AND status = 'RUNNING'`,
        [id, weeksTotal, rows.length, judgementsTotal, now],
      );
    });
  }

  async weeks(id: string): Promise<SimWeekRow[]> {
    const { rows } = await this.db.query(`SELECT * FROM sim_weeks WHERE simulation_id = $1 ORDER BY merchant_id, week`, [id]);
    return rows.map((r: Record<string, any>) => ({
      merchantId: r.merchant_id,
      week: r.week,
      closed: r.closed,
      asOf: iso(r.as_of),
      stats: r.stats,
      pointsRecorded: Number(r.points_recorded),
      pointsSimulated: Number(r.points_simulated),
    }));
  }

  /** One batch: its changed cases and the cursor after it, atomically. */
  async saveBatch(id: string, changed: CaseResult[], cursor: string, processed: number, now: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (changed.length > 0) {
        await tx.query(
          `INSERT INTO sim_changes (simulation_id, dispute_id, merchant_id, week, item)
           SELECT $1, r.dispute_id, r.merchant_id, r.week, r.item FROM jsonb_to_recordset($2::jsonb) AS r(dispute_id text, merchant_id text, week text, item jsonb)
           ON CONFLICT (simulation_id, dispute_id) DO UPDATE SET merchant_id = EXCLUDED.merchant_id, week = EXCLUDED.week, item = EXCLUDED.item`,
          [id, JSON.stringify(changed.map((c) => ({ dispute_id: c.disputeId, merchant_id: c.merchantId, week: c.week, item: c })))],
        );
      }
      await tx.query(`UPDATE sim_runs SET cursor_position = $2, judgements_done = judgements_done + $3, updated_at = $4 WHERE simulation_id = $1 AND status = 'RUNNING'`, [
        id,
        cursor,
        processed,
        now,
      ]);
    });
  }

  /** DONE with totals computed from the tables (never from memory), in one transaction. */
  async finish(id: string, totalsOf: (weeks: SimWeekRow[], casesChanged: number) => SimulationTotals, now: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM sim_changes WHERE simulation_id = $1`, [id]);
      const weeks = await tx.query(`SELECT merchant_id, points_recorded, points_simulated FROM sim_weeks WHERE simulation_id = $1`, [id]);
      const totals = totalsOf(
        weeks.rows.map((r: Record<string, any>) => ({ merchantId: r.merchant_id, pointsRecorded: Number(r.points_recorded), pointsSimulated: Number(r.points_simulated) }) as SimWeekRow),
        Number(rows[0]?.n ?? 0),
      );
      await tx.query(`UPDATE sim_runs SET status = 'DONE', phase = 'DONE', totals = $2::jsonb, updated_at = $3, finished_at = $3 WHERE simulation_id = $1 AND status = 'RUNNING'`, [
        id,
        JSON.stringify(totals),
        now,
      ]);
      await clearJudgements(tx, id);
    });
  }

  async fail(id: string, error: string, now: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(`UPDATE sim_runs SET status = 'FAILED', error = $2, updated_at = $3, finished_at = $3 WHERE simulation_id = $1 AND status = 'RUNNING'`, [id, error.slice(0, 2000), now]);
      await clearJudgements(tx, id);
    });
  }

  /** Changed cases in (week, merchantId, disputeId) order after `after`. */
  async changes(id: string, after: [string, string, string] | null, limit: number): Promise<{ item: CaseResult; key: [string, string, string] }[]> {
    const params: unknown[] = [id];
    let where = '';
    if (after) {
      params.push(after[0], after[1], after[2]);
      where = `AND (week, merchant_id, dispute_id) > ($2, $3, $4)`;
    }
    params.push(limit);
    const { rows } = await this.db.query<{ week: string; merchant_id: string; dispute_id: string; item: CaseResult }>(
      `SELECT week, merchant_id, dispute_id, item FROM sim_changes WHERE simulation_id = $1 ${where} ORDER BY week, merchant_id, dispute_id LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({ item: r.item, key: [r.week, r.merchant_id, r.dispute_id] }));
  }
}
