/**
 * `merchant_weeks`: one row per settled merchant-week (the `merchant-week-{week}-{merchantId}` streams),
 * the folded state after its assessment and every correction. Scorecards, compare and replays read the
 * settled statistics from here; the week-settlement scheduler reads which weeks are already closed.
 *
 * Deterministic and idempotent like the other projections (fold with the domain's evolve; rows guarded by
 * revision). A change of BUSINESS_TIMEZONE needs no rebuild: a row names its week and holds its instants.
 */
import { merchantWeek, MERCHANT_WEEK_STREAM_PREFIX, type MerchantWeekState } from '@app/domain';
import type { RecordedEvent, SqlExecutor } from '@app/event-store';
import type { Projection } from '../projection';
import { foldBatch, IN_IDS, isoOrNull, upsertRows } from './support';

export const MERCHANT_WEEKS_PROJECTION = 'merchant_weeks';

export const MERCHANT_WEEKS_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS {prefix}merchant_weeks (
    stream_id text PRIMARY KEY,
    merchant_id text NOT NULL,
    week text NOT NULL,
    revision integer NOT NULL,
    closed_at timestamptz NOT NULL,
    close_due_at timestamptz NOT NULL,
    rules_version text NOT NULL,
    points integer NOT NULL,
    counted_orders jsonb NOT NULL,
    state jsonb NOT NULL,
    updated_at timestamptz NOT NULL
  )`,
  `CREATE UNIQUE INDEX IF NOT EXISTS {prefix}merchant_weeks_key_idx ON {prefix}merchant_weeks (merchant_id, week)`,
];

const COLUMNS = [
  ['stream_id', 'text'],
  ['merchant_id', 'text'],
  ['week', 'text'],
  ['revision', 'integer'],
  ['closed_at', 'timestamptz'],
  ['close_due_at', 'timestamptz'],
  ['rules_version', 'text'],
  ['points', 'integer'],
  ['counted_orders', 'jsonb'],
  ['state', 'jsonb'],
  ['updated_at', 'timestamptz'],
] as const;

async function loadStates(tx: SqlExecutor, prefix: string, ids: string[]) {
  const { rows } = await tx.query<{ stream_id: string; revision: number; state: MerchantWeekState }>(
    `SELECT stream_id, revision, state FROM ${prefix}merchant_weeks WHERE ${IN_IDS('stream_id', '$1')}`,
    [JSON.stringify(ids)],
  );
  return rows.map((r) => ({ id: r.stream_id, revision: Number(r.revision), state: r.state }));
}

export async function applyMerchantWeekEvents(tx: SqlExecutor, events: readonly RecordedEvent[], prefix: string): Promise<void> {
  const changed = await foldBatch<MerchantWeekState>({
    projection: MERCHANT_WEEKS_PROJECTION,
    tx,
    events,
    streamPrefix: MERCHANT_WEEK_STREAM_PREFIX,
    load: (x, ids) => loadStates(x, prefix, ids),
    initial: merchantWeek.initialState,
    evolve: merchantWeek.evolve,
  });
  const rows = [...changed.values()]
    .filter((c) => c.state.status === 'CLOSED')
    .map((c) => ({
      stream_id: c.id,
      merchant_id: c.state.merchantId,
      week: c.state.week,
      revision: c.revision,
      closed_at: isoOrNull(c.state.closedAt),
      close_due_at: isoOrNull(c.state.closeDueAt),
      rules_version: c.state.rulesVersion,
      points: c.state.points,
      counted_orders: c.state.lateOrders.map((o) => o.orderId),
      state: c.state,
      updated_at: isoOrNull(c.updatedAt),
    }));
  await upsertRows(tx, `${prefix}merchant_weeks`, COLUMNS, ['stream_id'], rows, `${prefix}merchant_weeks.revision < EXCLUDED.revision`);
}

export const merchantWeeksProjection: Projection = {
  name: MERCHANT_WEEKS_PROJECTION,
  tables: ['merchant_weeks'],
  ddl: MERCHANT_WEEKS_DDL,
  apply: applyMerchantWeekEvents,
  perStream: true,
};

/** The settled state of a merchant-week, or null while it is open. */
export async function settledWeek(db: SqlExecutor, merchantId: string, week: string, opts: { prefix?: string } = {}): Promise<MerchantWeekState | null> {
  const { rows } = await db.query<{ state: MerchantWeekState }>(`SELECT state FROM ${opts.prefix ?? ''}merchant_weeks WHERE merchant_id = $1 AND week = $2`, [merchantId, week]);
  return rows[0]?.state ?? null;
}
