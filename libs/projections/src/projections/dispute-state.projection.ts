/**
 * The dispute read models, all derived from one fold of each `dispute-{id}` stream with the domain's own
 * `evolve`, written in the same transaction (so the case list, the deadline index and the judgement list
 * can never disagree about a case):
 *
 *  - `dispute_state`: one row per dispute: the folded DisputeState (jsonb) plus the columns the case list
 *    and the adjudication queue filter and sort on.
 *  - `deadlines`: the domain's pendingDeadlines(state) after the dispute's latest event (the dispute's rows are
 *    replaced whenever it changes); the deadline runner polls it with dueDeadlines().
 *  - `judgements`: one row per dispute that is JUDGED or SETTLED (outcome 'SETTLED' for settlements); the
 *    row follows the case (a contested settlement leaves the list while under review and comes back judged).
 *
 * Deterministic: rows depend only on event data and `recordedAt` (updated_at), never on the clock.
 * Idempotent: an event at or below the stored revision is skipped, and the upsert is guarded by revision.
 */
import { dispute, DISPUTE_STREAM_PREFIX, isFinal, lateShipmentExcuse, pendingDeadlines, type DisputeState } from '@app/domain';
import type { RecordedEvent, SqlExecutor } from '@app/event-store';
import type { Projection } from '../projection';
import { foldBatch, IN_IDS, isoOrNull, upsertRows } from './support';

export const DISPUTE_STATE_PROJECTION = 'dispute_state';

export const DISPUTE_STATE_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS {prefix}dispute_state (
    dispute_id text PRIMARY KEY,
    stream text NOT NULL,
    order_id text NOT NULL,
    merchant_id text NOT NULL,
    consumer_id text NOT NULL,
    revision integer NOT NULL,
    status text NOT NULL,
    flow text NOT NULL,
    final boolean NOT NULL,
    opened_at timestamptz NOT NULL,
    response_due_at timestamptz NOT NULL,
    chosen_option text,
    review_reason text,
    review_since timestamptz,
    next_deadline text,
    next_due_at timestamptz,
    deadlines jsonb NOT NULL,
    outcome text,
    violation text,
    decided_at timestamptz,
    state jsonb NOT NULL,
    updated_at timestamptz NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS {prefix}dispute_state_opened_idx ON {prefix}dispute_state (opened_at, dispute_id)`,
  `CREATE INDEX IF NOT EXISTS {prefix}dispute_state_merchant_idx ON {prefix}dispute_state (merchant_id, opened_at, dispute_id)`,
  `CREATE INDEX IF NOT EXISTS {prefix}dispute_state_consumer_idx ON {prefix}dispute_state (consumer_id, opened_at, dispute_id)`,
  `CREATE INDEX IF NOT EXISTS {prefix}dispute_state_status_idx ON {prefix}dispute_state (status, opened_at, dispute_id)`,
  `CREATE INDEX IF NOT EXISTS {prefix}dispute_state_order_idx ON {prefix}dispute_state (order_id)`,
  `CREATE INDEX IF NOT EXISTS {prefix}dispute_state_review_idx ON {prefix}dispute_state (review_since, dispute_id) WHERE status = 'UNDER_REVIEW'`,
  `CREATE TABLE IF NOT EXISTS {prefix}deadlines (
    dispute_id text NOT NULL,
    deadline text NOT NULL,
    due_at timestamptz NOT NULL,
    revision integer NOT NULL,
    PRIMARY KEY (dispute_id, deadline)
  )`,
  `CREATE INDEX IF NOT EXISTS {prefix}deadlines_due_idx ON {prefix}deadlines (due_at, dispute_id, deadline)`,
  `CREATE TABLE IF NOT EXISTS {prefix}judgements (
    dispute_id text PRIMARY KEY,
    order_id text NOT NULL,
    merchant_id text NOT NULL,
    consumer_id text NOT NULL,
    kind text NOT NULL,
    outcome text NOT NULL,
    violation text,
    chosen_option text,
    settled_via text,
    refund boolean,
    decided_by text,
    rules_version text,
    decided_at timestamptz NOT NULL,
    points integer NOT NULL,
    penalty_basis text,
    merchant_week jsonb,
    judgement jsonb,
    final boolean NOT NULL,
    revision integer NOT NULL
  )`,
  // Week settlement and appeals (added later: ADD COLUMN keeps existing tables; rows fill in as cases change,
  // or at once with a rebuild of this projection).
  `ALTER TABLE {prefix}judgements ADD COLUMN IF NOT EXISTS late_excused boolean NOT NULL DEFAULT false`,
  `ALTER TABLE {prefix}judgements ADD COLUMN IF NOT EXISTS basis text`,
  `ALTER TABLE {prefix}judgements ADD COLUMN IF NOT EXISTS history jsonb`,
  `CREATE INDEX IF NOT EXISTS {prefix}judgements_order_idx ON {prefix}judgements (order_id)`,
  `CREATE INDEX IF NOT EXISTS {prefix}judgements_decided_idx ON {prefix}judgements (decided_at, dispute_id)`,
  `CREATE INDEX IF NOT EXISTS {prefix}judgements_merchant_idx ON {prefix}judgements (merchant_id, decided_at, dispute_id)`,
];

const STATE_COLUMNS = [
  ['dispute_id', 'text'],
  ['stream', 'text'],
  ['order_id', 'text'],
  ['merchant_id', 'text'],
  ['consumer_id', 'text'],
  ['revision', 'integer'],
  ['status', 'text'],
  ['flow', 'text'],
  ['final', 'boolean'],
  ['opened_at', 'timestamptz'],
  ['response_due_at', 'timestamptz'],
  ['chosen_option', 'text'],
  ['review_reason', 'text'],
  ['review_since', 'timestamptz'],
  ['next_deadline', 'text'],
  ['next_due_at', 'timestamptz'],
  ['deadlines', 'jsonb'],
  ['outcome', 'text'],
  ['violation', 'text'],
  ['decided_at', 'timestamptz'],
  ['state', 'jsonb'],
  ['updated_at', 'timestamptz'],
] as const;

const DEADLINE_COLUMNS = [
  ['dispute_id', 'text'],
  ['deadline', 'text'],
  ['due_at', 'timestamptz'],
  ['revision', 'integer'],
] as const;

const JUDGEMENT_COLUMNS = [
  ['dispute_id', 'text'],
  ['order_id', 'text'],
  ['merchant_id', 'text'],
  ['consumer_id', 'text'],
  ['kind', 'text'],
  ['outcome', 'text'],
  ['violation', 'text'],
  ['chosen_option', 'text'],
  ['settled_via', 'text'],
  ['refund', 'boolean'],
  ['decided_by', 'text'],
  ['rules_version', 'text'],
  ['decided_at', 'timestamptz'],
  ['points', 'integer'],
  ['penalty_basis', 'text'],
  ['merchant_week', 'jsonb'],
  ['judgement', 'jsonb'],
  ['final', 'boolean'],
  ['revision', 'integer'],
  ['late_excused', 'boolean'],
  ['basis', 'text'],
  ['history', 'jsonb'],
] as const;

/** What a settled dispute's row says in `outcome` (judged rows carry MERCHANT_LIABLE / MERCHANT_NOT_LIABLE). */
export const SETTLED_OUTCOME = 'SETTLED';

/** The option that stands for the case: the settlement if one was filed (legacy may also hold a defense), else the defense. */
export function standingOption(state: DisputeState): string | null {
  return (state.settlementChoice ?? state.defenseChoice)?.option ?? null;
}

export function disputeStateRow(state: DisputeState, meta: { id: string; stream: string; revision: number; updatedAt: string }) {
  const deadlines = pendingDeadlines(state);
  const judged = state.status === 'JUDGED' && state.judgement ? state.judgement : null;
  return {
    dispute_id: meta.id,
    stream: meta.stream,
    order_id: state.orderId,
    merchant_id: state.merchantId,
    consumer_id: state.consumerId,
    revision: meta.revision,
    status: state.status,
    flow: state.flow,
    final: isFinal(state),
    opened_at: isoOrNull(state.openedAt),
    response_due_at: isoOrNull(state.responseDueAt),
    chosen_option: standingOption(state),
    review_reason: state.status === 'UNDER_REVIEW' ? (state.review?.reason ?? null) : null,
    review_since: state.status === 'UNDER_REVIEW' ? isoOrNull(state.review?.since) : null,
    next_deadline: deadlines[0]?.deadline ?? null,
    next_due_at: isoOrNull(deadlines[0]?.dueAt),
    deadlines,
    outcome: judged ? judged.outcome : state.status === 'SETTLED' ? SETTLED_OUTCOME : null,
    violation: judged?.violation ?? null,
    decided_at: judged ? isoOrNull(judged.decidedAt) : state.status === 'SETTLED' ? isoOrNull(state.settlement?.settledAt) : null,
    state,
    updated_at: isoOrNull(meta.updatedAt),
  };
}

/** Every judgement of a case in order (an appealed one with supersededAt), as the judgements list shows them. */
export function judgementHistory(state: DisputeState) {
  return (state.judgements ?? []).map((r) => ({ ...r.judgement, basis: r.basis, ...(r.supersededAt ? { supersededAt: r.supersededAt } : {}) }));
}

/** The judgements row of a dispute, or null while it is neither JUDGED nor SETTLED. */
export function judgementRow(state: DisputeState, meta: { id: string; revision: number }) {
  const base = {
    dispute_id: meta.id,
    order_id: state.orderId,
    merchant_id: state.merchantId,
    consumer_id: state.consumerId,
    chosen_option: standingOption(state),
    final: isFinal(state),
    revision: meta.revision,
  };
  // While an appeal is reviewed the appealed judgement still stands (the row stays until the decision replaces it).
  if ((state.status === 'JUDGED' || (state.status === 'UNDER_REVIEW' && state.review?.reason === 'APPEAL')) && state.judgement) {
    const j = state.judgement;
    return {
      ...base,
      kind: 'JUDGEMENT',
      outcome: j.outcome,
      violation: j.violation ?? null,
      settled_via: null,
      refund: null,
      decided_by: j.decidedBy,
      rules_version: j.rulesVersion,
      decided_at: isoOrNull(j.decidedAt),
      points: j.penalty?.points ?? 0,
      penalty_basis: j.penalty?.basis ?? null,
      merchant_week: state.judgementContext?.merchantWeek ?? null,
      judgement: j,
      late_excused: lateShipmentExcuse(state) !== null,
      basis: state.judgementBasis ?? null,
      history: (state.judgements ?? []).length > 1 || state.appeal ? { judgements: judgementHistory(state), appeal: state.appeal ?? null } : null,
    };
  }
  if (state.status === 'SETTLED' && state.settlement) {
    const s = state.settlement;
    return {
      ...base,
      kind: 'SETTLEMENT',
      outcome: SETTLED_OUTCOME,
      violation: null,
      chosen_option: s.option,
      settled_via: s.via,
      refund: s.refund,
      decided_by: null,
      rules_version: null,
      decided_at: isoOrNull(s.settledAt),
      points: 0,
      penalty_basis: null,
      merchant_week: null,
      judgement: null,
      late_excused: false,
      basis: null,
      history: null,
    };
  }
  return null;
}

async function loadStates(tx: SqlExecutor, prefix: string, ids: string[]) {
  const { rows } = await tx.query<{ dispute_id: string; revision: number; state: DisputeState }>(
    `SELECT dispute_id, revision, state FROM ${prefix}dispute_state WHERE ${IN_IDS('dispute_id', '$1')}`,
    [JSON.stringify(ids)],
  );
  return rows.map((r) => ({ id: r.dispute_id, revision: Number(r.revision), state: r.state }));
}

/** Applies a batch to the three dispute tables (exported for tests and for the projection factory). */
export async function applyDisputeEvents(tx: SqlExecutor, events: readonly RecordedEvent[], prefix: string): Promise<void> {
  const changed = await foldBatch<DisputeState>({
    projection: DISPUTE_STATE_PROJECTION,
    tx,
    events,
    streamPrefix: DISPUTE_STREAM_PREFIX,
    load: (x, ids) => loadStates(x, prefix, ids),
    initial: dispute.initialState,
    evolve: dispute.evolve,
  });
  if (changed.size === 0) return;
  const list = [...changed.values()].filter((c) => c.state.status !== 'NONE');
  const ids = JSON.stringify(list.map((c) => c.id));
  await upsertRows(
    tx,
    `${prefix}dispute_state`,
    STATE_COLUMNS,
    ['dispute_id'],
    list.map((c) => disputeStateRow(c.state, c)),
    `${prefix}dispute_state.revision < EXCLUDED.revision`,
  );
  await tx.query(`DELETE FROM ${prefix}deadlines WHERE ${IN_IDS('dispute_id', '$1')}`, [ids]);
  await upsertRows(
    tx,
    `${prefix}deadlines`,
    DEADLINE_COLUMNS,
    ['dispute_id', 'deadline'],
    list.flatMap((c) => pendingDeadlines(c.state).map((d) => ({ dispute_id: c.id, deadline: d.deadline, due_at: isoOrNull(d.dueAt), revision: c.revision }))),
  );
  await tx.query(`DELETE FROM ${prefix}judgements WHERE ${IN_IDS('dispute_id', '$1')}`, [ids]);
  await upsertRows(
    tx,
    `${prefix}judgements`,
    JUDGEMENT_COLUMNS,
    ['dispute_id'],
    list.map((c) => judgementRow(c.state, c)).filter((r): r is NonNullable<typeof r> => r !== null),
  );
}

export const disputeStateProjection: Projection = {
  name: DISPUTE_STATE_PROJECTION,
  tables: ['dispute_state', 'deadlines', 'judgements'],
  ddl: DISPUTE_STATE_DDL,
  apply: applyDisputeEvents,
  perStream: true,
};
