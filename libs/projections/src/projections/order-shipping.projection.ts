/**
 * `order_shipping`: one row per order (every order of every merchant, disputed or not) with the inputs of
 * the domain's shipping assessment, so that the weekly scorecard can be aggregated in SQL at query time.
 *
 * What is stored is what does not depend on the clock: the clock start and the 24 h / 48 h due times, the
 * first waybill upload and the first pickup scan (by occurredAt), when the order became fully refunded, when
 * it was locked/invalidated, and whether its kind and payment method are assessed at all. Whether an order is
 * *late* depends on the time of asking (a missing pickup scan becomes late only when its due time passes), so
 * lateness is computed by the queries "as of" an instant with {@link lateAsOfSql}, a line-by-line port of
 * the domain's assessShipping (a spec checks the two agree).
 *
 * The stored values come from the domain's assessShipping(snapshot, FAR_FUTURE): every fact on record
 * counts (facts are never dated in the future, so this equals the assessment as of any query time after the
 * facts were recorded).
 */
import { assessShipping, order as orderDomain, orderSnapshot, ORDER_STREAM_PREFIX, type OrderState } from '@app/domain';
import type { RecordedEvent, SqlExecutor } from '@app/event-store';
import type { Projection } from '../projection';
import { foldBatch, IN_IDS, isoOrNull, upsertRows } from './support';

export const ORDER_SHIPPING_PROJECTION = 'order_shipping';

/** "As of the end of time": every recorded fact counts. */
export const FAR_FUTURE = '9999-12-31T23:59:59.999Z';

export const ORDER_SHIPPING_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS {prefix}order_shipping (
    order_id text PRIMARY KEY,
    stream text NOT NULL,
    merchant_id text NOT NULL,
    consumer_id text NOT NULL,
    revision integer NOT NULL,
    placed_at timestamptz NOT NULL,
    payment_method text NOT NULL,
    order_kind text NOT NULL,
    promised_ship_at timestamptz,
    amount bigint NOT NULL,
    kind_assessed boolean NOT NULL,
    excluded_at timestamptz,
    assessed boolean NOT NULL,
    paid_at timestamptz,
    clock_starts_at timestamptz,
    clock_basis text,
    waybill_due_at timestamptz,
    pickup_due_at timestamptz,
    first_waybill_at timestamptz,
    first_pickup_at timestamptz,
    fully_refunded_at timestamptz,
    active_dispute_id text,
    state jsonb NOT NULL,
    updated_at timestamptz NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS {prefix}order_shipping_pickup_due_idx ON {prefix}order_shipping (merchant_id, pickup_due_at)`,
  // Week settlement: the merchants with orders due in a calendar week.
  `CREATE INDEX IF NOT EXISTS {prefix}order_shipping_due_idx ON {prefix}order_shipping (pickup_due_at)`,
];

const COLUMNS = [
  ['order_id', 'text'],
  ['stream', 'text'],
  ['merchant_id', 'text'],
  ['consumer_id', 'text'],
  ['revision', 'integer'],
  ['placed_at', 'timestamptz'],
  ['payment_method', 'text'],
  ['order_kind', 'text'],
  ['promised_ship_at', 'timestamptz'],
  ['amount', 'bigint'],
  ['kind_assessed', 'boolean'],
  ['excluded_at', 'timestamptz'],
  ['assessed', 'boolean'],
  ['paid_at', 'timestamptz'],
  ['clock_starts_at', 'timestamptz'],
  ['clock_basis', 'text'],
  ['waybill_due_at', 'timestamptz'],
  ['pickup_due_at', 'timestamptz'],
  ['first_waybill_at', 'timestamptz'],
  ['first_pickup_at', 'timestamptz'],
  ['fully_refunded_at', 'timestamptz'],
  ['active_dispute_id', 'text'],
  ['state', 'jsonb'],
  ['updated_at', 'timestamptz'],
] as const;

function minOccurred(state: OrderState, types: readonly string[]): string | null {
  let best: number | null = null;
  for (const f of state.facts) {
    if (!types.includes(f.type)) continue;
    const ms = Date.parse(f.occurredAt);
    if (best === null || ms < best) best = ms;
  }
  return best === null ? null : new Date(best).toISOString();
}

export function orderShippingRow(state: OrderState, meta: { id: string; stream: string; revision: number; updatedAt: string }) {
  const snap = orderSnapshot(state);
  const a = assessShipping(snap, FAR_FUTURE);
  const kindAssessed = a.notAssessedReasons.every((r) => r === 'ORDER_LOCKED' || r === 'ORDER_INVALIDATED');
  return {
    order_id: meta.id,
    stream: meta.stream,
    merchant_id: snap.merchantId,
    consumer_id: snap.consumerId,
    revision: meta.revision,
    placed_at: isoOrNull(snap.placedAt),
    payment_method: snap.paymentMethod,
    order_kind: snap.orderKind,
    promised_ship_at: isoOrNull(snap.promisedShipAt),
    amount: snap.amount,
    kind_assessed: kindAssessed,
    excluded_at: minOccurred(state, ['LOCKED', 'INVALIDATED']),
    assessed: a.assessed,
    paid_at: minOccurred(state, ['PAID']),
    clock_starts_at: isoOrNull(a.clockStartsAt),
    clock_basis: a.clockBasis,
    waybill_due_at: isoOrNull(a.waybillDueAt),
    pickup_due_at: isoOrNull(a.pickupDueAt),
    first_waybill_at: isoOrNull(a.waybillUploadedAt),
    first_pickup_at: isoOrNull(a.pickupScannedAt),
    fully_refunded_at: isoOrNull(a.fullyRefundedAt),
    active_dispute_id: state.activeDisputeId,
    state,
    updated_at: isoOrNull(meta.updatedAt),
  };
}

/**
 * SQL boolean expressions over an `order_shipping` row (alias `o`) as of the instant in parameter `t`
 * (a timestamptz expression), mirroring assessShipping(snapshot, t):
 *  - assessed: kind/payment assessed and not locked/invalidated by t;
 *  - clock: the clock has started by t (COD: at placement; prepaid: once paid by t);
 *  - a step is late when it was not done by its due time, no full refund came on or before the due time,
 *    and it was either done after the due time or t is past the due time (exactly at the due time is on time).
 */
export function shippingSql(t: string, o = 'o') {
  const dW = `(CASE WHEN ${o}.first_waybill_at <= ${t} THEN ${o}.first_waybill_at END)`;
  const dP = `(CASE WHEN ${o}.first_pickup_at <= ${t} THEN ${o}.first_pickup_at END)`;
  const r = `(CASE WHEN ${o}.fully_refunded_at <= ${t} THEN ${o}.fully_refunded_at END)`;
  const stepLate = (d: string, due: string) =>
    `(NOT coalesce(${d} <= ${due}, false) AND NOT coalesce(${r} <= ${due}, false) AND (${d} IS NOT NULL OR ${t} > ${due}))`;
  const assessed = `(${o}.kind_assessed AND (${o}.excluded_at IS NULL OR ${o}.excluded_at > ${t}))`;
  const clock = `(${o}.clock_starts_at IS NOT NULL AND (${o}.payment_method = 'COD' OR ${o}.paid_at <= ${t}))`;
  return {
    assessed,
    clock,
    pickupDone: dP,
    refundedAt: r,
    waybillLate: `(${assessed} AND ${clock} AND ${stepLate(dW, `${o}.waybill_due_at`)})`,
    pickupLate: `(${assessed} AND ${clock} AND ${stepLate(dP, `${o}.pickup_due_at`)})`,
    late: `(${assessed} AND ${clock} AND (${stepLate(dW, `${o}.waybill_due_at`)} OR ${stepLate(dP, `${o}.pickup_due_at`)}))`,
  };
}

/**
 * The week-statistics columns (ordersDue48h, pickedUpWithin48h, lateOrders, excusedLateOrders, pendingOrders, refundedBeforeDue) of
 * the `order_shipping` rows (alias `o`) aggregated as of the instant expression `t`; one definition for the
 * scorecard (weekShippingStats) and the what-if simulation (periodWeekStats). See weekShippingStats for the rules.
 */
export function weekStatsColumnsSql(t: string, o = 'o', prefix = ''): string {
  const s = shippingSql(t, o);
  // A late order whose dispute's standing judgement holds the merchant not liable for the late shipment (a
  // verified defense, an adjudicator's not-liable decision on it, an overturned appeal) is not counted late.
  const excused = `EXISTS (SELECT 1 FROM ${prefix}judgements j WHERE j.order_id = ${o}.order_id AND j.late_excused)`;
  const obligated = `NOT coalesce(${s.refundedAt} <= ${o}.pickup_due_at, false)`;
  const known = `(${t} > ${o}.pickup_due_at OR ${s.pickupDone} IS NOT NULL)`;
  return `count(*) FILTER (WHERE ${obligated} AND ${known})::int AS "ordersDue48h",
       count(*) FILTER (WHERE ${obligated} AND ${s.pickupDone} <= ${o}.pickup_due_at)::int AS "pickedUpWithin48h",
       count(*) FILTER (WHERE ${s.late} AND NOT ${excused})::int AS "lateOrders",
       count(*) FILTER (WHERE ${s.late} AND ${excused})::int AS "excusedLateOrders",
       count(*) FILTER (WHERE ${obligated} AND NOT ${known})::int AS "pendingOrders",
       count(*) FILTER (WHERE NOT ${obligated})::int AS "refundedBeforeDue"`;
}

async function loadStates(tx: SqlExecutor, prefix: string, ids: string[]) {
  const { rows } = await tx.query<{ order_id: string; revision: number; state: OrderState }>(
    `SELECT order_id, revision, state FROM ${prefix}order_shipping WHERE ${IN_IDS('order_id', '$1')}`,
    [JSON.stringify(ids)],
  );
  return rows.map((r) => ({ id: r.order_id, revision: Number(r.revision), state: r.state }));
}

export async function applyOrderEvents(tx: SqlExecutor, events: readonly RecordedEvent[], prefix: string): Promise<void> {
  const changed = await foldBatch<OrderState>({
    projection: ORDER_SHIPPING_PROJECTION,
    tx,
    events,
    streamPrefix: ORDER_STREAM_PREFIX,
    load: (x, ids) => loadStates(x, prefix, ids),
    initial: orderDomain.initialState,
    evolve: orderDomain.evolve,
  });
  const rows = [...changed.values()].filter((c) => c.state.status === 'REGISTERED').map((c) => orderShippingRow(c.state, c));
  await upsertRows(tx, `${prefix}order_shipping`, COLUMNS, ['order_id'], rows, `${prefix}order_shipping.revision < EXCLUDED.revision`);
}

export const orderShippingProjection: Projection = {
  name: ORDER_SHIPPING_PROJECTION,
  tables: ['order_shipping'],
  ddl: ORDER_SHIPPING_DDL,
  apply: applyOrderEvents,
  perStream: true,
};
