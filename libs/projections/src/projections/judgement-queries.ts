/** GET /judgements: judged and settled cases (table judgements). */
import { invalidInput, type MerchantWeek, type RulesVersion, type Violation } from '@app/domain';
import type { SqlExecutor } from '@app/event-store';
import { isoOf } from './cursor';
import { Filters, listPage, type Page, type PageArgs } from './keyset';

// ------------------------------------------------------------------------------------------ judgements

export interface JudgementListItem {
  disputeId: string;
  orderId: string;
  merchantId: string;
  consumerId: string;
  /** JUDGEMENT (outcome MERCHANT_LIABLE / MERCHANT_NOT_LIABLE) or SETTLEMENT (outcome 'SETTLED'). */
  kind: 'JUDGEMENT' | 'SETTLEMENT';
  outcome: 'MERCHANT_LIABLE' | 'MERCHANT_NOT_LIABLE' | 'SETTLED';
  violation?: Violation;
  /** The option the merchant chose (the settlement's option for settled cases; absent when no choice was made). */
  chosenOption?: string;
  settledVia?: string;
  refund?: boolean;
  decidedBy?: 'SYSTEM' | 'ADJUDICATOR';
  rulesVersion?: RulesVersion;
  decidedAt: string;
  /** Points this case carries as recorded (0 for settlements and not-liable judgements). */
  points: number;
  penaltyBasis?: string;
  reasons?: unknown[];
  rationale?: string;
  merchantWeek?: MerchantWeek;
  /** Whether the recorded points are provisional (the week was open when judged; see GET /merchants/{id}/weeks/{week}). */
  provisional?: boolean;
  /** How the standing judgement came about (e.g. DEFENSE_VERIFIED, ADJUDICATOR, APPEAL_UPHELD, APPEAL_OVERTURNED). */
  basis?: string;
  /** Appealed cases: every judgement in order (the replaced one with supersededAt), and the appeal. */
  judgements?: unknown[];
  appeal?: unknown;
  final: boolean;
  revision: number;
}

interface JudgementRow extends Record<string, unknown> {
  dispute_id: string;
  order_id: string;
  merchant_id: string;
  consumer_id: string;
  kind: 'JUDGEMENT' | 'SETTLEMENT';
  outcome: JudgementListItem['outcome'];
  violation: Violation | null;
  chosen_option: string | null;
  settled_via: string | null;
  refund: boolean | null;
  decided_by: 'SYSTEM' | 'ADJUDICATOR' | null;
  rules_version: RulesVersion | null;
  decided_at: Date | string;
  points: number;
  penalty_basis: string | null;
  merchant_week: MerchantWeek | null;
  judgement: { reasons?: unknown[]; rationale?: string; penalty?: { provisional?: boolean } } | null;
  basis?: string | null;
  history?: { judgements: unknown[]; appeal: unknown } | null;
  final: boolean;
  revision: number;
}

function judgementItem(r: JudgementRow): JudgementListItem {
  const item: JudgementListItem = {
    disputeId: r.dispute_id,
    orderId: r.order_id,
    merchantId: r.merchant_id,
    consumerId: r.consumer_id,
    kind: r.kind,
    outcome: r.outcome,
    decidedAt: isoOf(r.decided_at)!,
    points: Number(r.points),
    final: r.final,
    revision: Number(r.revision),
  };
  if (r.violation) item.violation = r.violation;
  if (r.chosen_option) item.chosenOption = r.chosen_option;
  if (r.settled_via) item.settledVia = r.settled_via;
  if (r.refund !== null && r.refund !== undefined) item.refund = r.refund;
  if (r.decided_by) item.decidedBy = r.decided_by;
  if (r.rules_version) item.rulesVersion = r.rules_version;
  if (r.penalty_basis) item.penaltyBasis = r.penalty_basis;
  if (r.judgement?.reasons) item.reasons = r.judgement.reasons;
  if (r.judgement?.rationale) item.rationale = r.judgement.rationale;
  if (r.merchant_week) item.merchantWeek = r.merchant_week;
  if (typeof r.judgement?.penalty?.provisional === 'boolean') item.provisional = r.judgement.penalty.provisional;
  if (r.basis) item.basis = r.basis;
  if (r.history?.judgements) item.judgements = r.history.judgements;
  if (r.history?.appeal) item.appeal = r.history.appeal;
  return item;
}

/** Paged by (decidedAt, disputeId). */
export interface ListJudgementsArgs extends PageArgs {
  merchantId?: string;
  /** Inclusive lower bound on decidedAt. */
  from?: string;
  /** Exclusive upper bound on decidedAt. */
  to?: string;
  kind?: 'JUDGEMENT' | 'SETTLEMENT';
}

/** GET /judgements: judged and settled cases, keyset-paginated by (decidedAt, disputeId). */
export async function listJudgements(db: SqlExecutor, args: ListJudgementsArgs = {}): Promise<Page<JudgementListItem>> {
  const f = new Filters();
  f.id('merchant_id', args.merchantId, 'merchantId');
  f.range('decided_at', args.from, args.to);
  if (args.kind !== undefined && args.kind !== null) {
    if (args.kind !== 'JUDGEMENT' && args.kind !== 'SETTLEMENT') throw invalidInput('kind must be JUDGEMENT or SETTLEMENT', { field: 'kind' });
    f.add('kind', args.kind);
  }
  return listPage(db, { list: 'judgements', table: 'judgements', filters: f, tsCol: 'decided_at', idCol: 'dispute_id' }, args, judgementItem);
}
