/** The option table: which slot an option fills, whether the state allows it now, its preconditions, and GET options. */
import { DomainError } from '../errors';
import type { Evidence } from '../shared/input';
import type { DisputeSettings } from '../shared/settings';
import { factsAsOf } from '../shared/shipping';
import { iso, toMs } from '../shared/time';
import { DEFENSE_REASONS, type DefenseReason, DISPUTE_OPTIONS, type DisputeOption, isOneOf, type OrderFactRef, type OrderSnapshot } from '../shared/types';
import { DEFENSE_REQUIREMENTS, type DefenseRequirement, evidenceMissing } from './defense';
import type { ChoiceSlot, Defense, DelayExcuse } from './events';
import { isFinal } from './finality';
import { requireOpened } from './guards';
import type { DisputeState } from './state';

export function slotOf(option: DisputeOption): ChoiceSlot {
  return option === 'NO_FAULT_DEFENSE' ? 'DEFENSE' : 'SETTLEMENT';
}

/** Why the state does not allow a choice in this slot now, or null. */
export function choiceBlocker(state: DisputeState, slot: ChoiceSlot, nowMs: number): DomainError | null {
  if (state.status === 'NONE') return new DomainError('DISPUTE_NOT_FOUND', 'Dispute not found');
  if (state.flow === 'UNIFIED') {
    if (state.choices.length > 0) {
      return new DomainError('CHOICE_ALREADY_MADE', 'A choice already stands for this dispute', { option: state.choices[0].option });
    }
  } else {
    const filed = slot === 'SETTLEMENT' ? state.settlementChoice : state.defenseChoice;
    if (filed) {
      return new DomainError('CHOICE_ALREADY_MADE', `A ${slot === 'SETTLEMENT' ? 'settlement' : 'defense'} is already filed for this dispute`, {
        slot,
        option: filed.option,
      });
    }
  }
  if (isFinal(state, iso(nowMs))) return new DomainError('CASE_FINAL', 'The case is final');
  if (nowMs > Date.parse(state.responseDueAt)) {
    return new DomainError('RESPONSE_WINDOW_CLOSED', `The merchant's response window closed at ${state.responseDueAt}`, {
      responseDueAt: state.responseDueAt,
    });
  }
  const s = state.status;
  const ok =
    state.flow === 'UNIFIED'
      ? s === 'AWAITING_MERCHANT'
      : slot === 'SETTLEMENT'
        ? s === 'AWAITING_MERCHANT' || (s === 'UNDER_REVIEW' && state.review?.reason === 'DEFENSE')
        : s === 'AWAITING_MERCHANT' || s === 'AWAITING_SHIPMENT' || s === 'AWAITING_CONSUMER' || s === 'SETTLED' || s === 'UNDER_REVIEW';
  if (!ok) return new DomainError('INVALID_STATE', `No ${slot.toLowerCase()} can be filed while the dispute is ${s}`, { status: s });
  return null;
}

export interface ChoiceInput {
  agreedShipBy?: string;
  evidence?: Evidence[];
  defense?: Defense;
  delayExcuses?: DelayExcuse[];
}

export interface PreconditionResult {
  missing: string[];
  requires: string[];
  satisfiedBy: OrderFactRef[];
}

/**
 * The option table of the brief. `input` undefined = "what is available" (GET options): options whose
 * parameters the merchant supplies (SHIP_BY_AGREED_DATE, NO_FAULT_DEFENSE) report `requires` and no
 * `missing`; with `input` they are checked strictly.
 */
export function checkPreconditions(
  option: DisputeOption,
  input: ChoiceInput | undefined,
  order: OrderSnapshot,
  nowMs: number,
  settings: DisputeSettings,
): PreconditionResult {
  const facts = factsAsOf(order, nowMs);
  switch (option) {
    case 'CONSUMER_CANCELLED': {
      const matching = facts.filter((f) => f.type === 'CANCELLATION_REQUESTED' || f.type === 'REFUNDED');
      return { missing: matching.length ? [] : ['CANCELLATION_REQUESTED_OR_REFUNDED'], requires: [], satisfiedBy: matching };
    }
    case 'SHIPPED_WITH_PICKUP': {
      const waybill = facts.find((f) => f.type === 'WAYBILL_UPLOADED');
      const pickup = facts.find((f) => f.type === 'PICKUP_SCANNED');
      const missing: string[] = [];
      if (!waybill) missing.push('WAYBILL_UPLOADED');
      if (!pickup) missing.push('PICKUP_SCANNED');
      return { missing, requires: [], satisfiedBy: [waybill, pickup].filter((f): f is OrderFactRef => f !== undefined) };
    }
    case 'SHIP_BY_AGREED_DATE': {
      const requires = ['AGREED_SHIP_BY', 'AGREEMENT_EVIDENCE'];
      if (!input) return { missing: [], requires, satisfiedBy: [] };
      const missing: string[] = [];
      let pickup: OrderFactRef | undefined;
      if (input.agreedShipBy === undefined || input.agreedShipBy === null) missing.push('AGREED_SHIP_BY');
      else {
        const byMs = toMs(input.agreedShipBy, 'agreedShipBy');
        if (byMs <= nowMs) missing.push('AGREED_SHIP_BY_IN_FUTURE');
        else if (byMs > nowMs + settings.maxAgreedShipDelayMs) missing.push('AGREED_SHIP_BY_WITHIN_MAX_DELAY');
        pickup = facts.find((f) => f.type === 'PICKUP_SCANNED' && Date.parse(f.occurredAt) <= byMs);
      }
      if (!input.evidence || input.evidence.length === 0) missing.push('AGREEMENT_EVIDENCE');
      return { missing, requires, satisfiedBy: pickup ? [pickup] : [] };
    }
    case 'OUT_OF_STOCK_REFUND':
      return { missing: [], requires: [], satisfiedBy: [] };
    case 'NO_FAULT_DEFENSE': {
      if (!input) return { missing: [], requires: ['DEFENSE', 'DEFENSE_EVIDENCE'], satisfiedBy: [] };
      const d = input.defense;
      if (!d || !isOneOf(DEFENSE_REASONS, d.reason)) return { missing: ['DEFENSE'], requires: ['DEFENSE', 'DEFENSE_EVIDENCE'], satisfiedBy: [] };
      const req = DEFENSE_REQUIREMENTS[d.reason];
      const requires = ['DEFENSE', ...(req.minEvidence > 0 ? [`DEFENSE_EVIDENCE:${req.requiredEvidenceKinds.join('|')}`] : [])];
      const missing: string[] = [];
      if (typeof d.statement !== 'string' || d.statement.trim() === '') missing.push('DEFENSE_STATEMENT');
      const ev = evidenceMissing(d.reason, input.evidence ?? []);
      if (ev) missing.push(ev);
      return { missing, requires, satisfiedBy: [] };
    }
  }
}

export interface OptionEvaluation {
  option: DisputeOption;
  available: boolean;
  /** Missing facts / inputs (same names as PRECONDITIONS_NOT_MET details.missing). */
  missing: string[];
  /** What the merchant must supply with this option. */
  requires: string[];
  /** Why the dispute's state does not allow this option now (code of the error ChooseOption would throw). */
  blockedBy?: { code: string; message: string };
  /** NO_FAULT_DEFENSE only: what each reason requires. */
  defenseReasons?: (DefenseRequirement & { reason: DefenseReason })[];
}

/**
 * GET /disputes/{id}/options: each option with whether ChooseOption would accept it now. Without `input`,
 * SHIP_BY_AGREED_DATE and NO_FAULT_DEFENSE are available when the state allows them, listing in
 * `requires` what must be supplied; with `input` they are checked as ChooseOption would check them.
 * The settings recorded when the dispute opened are used (the `settings` argument only applies to a
 * dispute not yet opened).
 */
export function evaluateOptions(
  state: DisputeState,
  order: OrderSnapshot,
  now: string,
  settings?: DisputeSettings,
  input?: ChoiceInput,
): OptionEvaluation[] {
  requireOpened(state);
  const nowMs = toMs(now, 'now');
  const s = state.status !== 'NONE' ? state.settings : (settings ?? state.settings);
  return DISPUTE_OPTIONS.map((option) => {
    const blocker = choiceBlocker(state, slotOf(option), nowMs);
    const pre = checkPreconditions(option, input, order, nowMs, s);
    const ev: OptionEvaluation = { option, available: !blocker && pre.missing.length === 0, missing: pre.missing, requires: pre.requires };
    if (blocker) ev.blockedBy = { code: blocker.code, message: blocker.message };
    if (option === 'NO_FAULT_DEFENSE') ev.defenseReasons = DEFENSE_REASONS.map((reason) => ({ reason, ...DEFENSE_REQUIREMENTS[reason] }));
    return ev;
  });
}
