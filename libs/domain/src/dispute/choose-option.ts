/** ChooseOption → OptionChosen + the outcome of the option (see the option table in the README). */
import { DomainError, invalidInput } from '../errors';
import { validateEvidence } from '../shared/input';
import { type JudgementReason, validateJudgeContext } from '../shared/rules';
import { assessShipping } from '../shared/shipping';
import { compact, iso, toMs } from '../shared/time';
import { CONTESTABLE_OPTIONS, DEFENSE_REASONS, DISPUTE_OPTIONS, isOneOf, type OrderFactRef } from '../shared/types';
import type { ChooseOption } from './commands';
import { verifyDefense } from './defense';
import type { ChoiceDisposition, Defense, DisputeEvent, DisputeSettled, Finding, OptionChosen } from './events';
import { requireOpened, validateDelayExcuses, validateOrder } from './guards';
import { checkPreconditions, choiceBlocker, slotOf } from './options';
import { judgedEvent, reviewEvent } from './outcomes';
import { type DisputeState, evolve } from './state';

export function chooseOption(cmd: ChooseOption, state: DisputeState): DisputeEvent[] {
  requireOpened(state);
  const nowMs = toMs(cmd.now, 'now');
  const now = iso(nowMs);
  if (!isOneOf(DISPUTE_OPTIONS, cmd.option)) throw invalidInput('Unknown option', { field: 'option' });
  const slot = slotOf(cmd.option);
  const blocker = choiceBlocker(state, slot, nowMs);
  if (blocker) throw blocker;
  const order = validateOrder(cmd.order, state);
  const rules = validateJudgeContext(cmd.rules);
  const evidence = validateEvidence(cmd.evidence);
  const delayExcuses = validateDelayExcuses(cmd.delayExcuses);
  if (cmd.defense !== undefined && cmd.defense !== null && cmd.option !== 'NO_FAULT_DEFENSE') {
    throw invalidInput('defense only applies to NO_FAULT_DEFENSE', { field: 'defense' });
  }
  if (cmd.agreedShipBy !== undefined && cmd.agreedShipBy !== null && cmd.option !== 'SHIP_BY_AGREED_DATE') {
    throw invalidInput('agreedShipBy only applies to SHIP_BY_AGREED_DATE', { field: 'agreedShipBy' });
  }
  if (cmd.defense && !isOneOf(DEFENSE_REASONS, cmd.defense.reason)) throw invalidInput('Unknown defense reason', { field: 'defense.reason' });

  const pre = checkPreconditions(cmd.option, { agreedShipBy: cmd.agreedShipBy, evidence, defense: cmd.defense, delayExcuses }, order, nowMs, state.settings);
  if (pre.missing.length) {
    throw new DomainError('PRECONDITIONS_NOT_MET', `${cmd.option} cannot be chosen: missing ${pre.missing.join(', ')}`, {
      option: cmd.option,
      missing: pre.missing,
    });
  }

  const assessment = assessShipping(order, now);
  const base = {
    disputeId: state.disputeId,
    option: cmd.option,
    slot,
    chosenAt: now,
    evidence,
    satisfiedBy: pre.satisfiedBy,
    assessment,
  };
  const contestWindowEndsAt = CONTESTABLE_OPTIONS.includes(cmd.option) ? iso(nowMs + state.settings.contestWindowMs) : undefined;
  const chosen = (extra: Partial<OptionChosen['data']> & { disposition: ChoiceDisposition; findings: Finding[] }): OptionChosen => ({
    type: 'OptionChosen',
    data: compact({ ...base, contestWindowEndsAt, ...extra }) as OptionChosen['data'],
  });
  const settled = (satisfiedBy: OrderFactRef[]): DisputeSettled => ({
    type: 'DisputeSettled',
    data: {
      disputeId: state.disputeId,
      option: cmd.option,
      settledAt: now,
      via: 'CHOICE',
      satisfiedBy,
      refund: false,
      contestWindowEndsAt: contestWindowEndsAt ?? null,
    },
  });
  const factFinding = (rule: string, detail: string): Finding[] => [{ rule, detail, facts: pre.satisfiedBy }];

  switch (cmd.option) {
    case 'CONSUMER_CANCELLED':
      return [
        chosen({ disposition: 'SETTLED', findings: factFinding('CANCELLATION_OR_REFUND_ON_RECORD', 'Consumer cancellation request or refund on record') }),
        settled(pre.satisfiedBy),
      ];
    case 'SHIPPED_WITH_PICKUP':
      return [
        chosen({ disposition: 'SETTLED', findings: factFinding('WAYBILL_AND_PICKUP_ON_RECORD', 'Waybill upload and carrier pickup scan on record') }),
        settled(pre.satisfiedBy),
      ];
    case 'SHIP_BY_AGREED_DATE': {
      const agreedShipBy = iso(toMs(cmd.agreedShipBy, 'agreedShipBy'));
      if (pre.satisfiedBy.length) {
        // A pickup scan dated no later than the agreed time is already on record: the promise is kept.
        return [
          chosen({
            agreedShipBy,
            disposition: 'SETTLED',
            findings: factFinding('PICKUP_BY_AGREED_DATE_ON_RECORD', `Pickup scan on record no later than ${agreedShipBy}`),
          }),
          settled(pre.satisfiedBy),
        ];
      }
      return [
        chosen({ agreedShipBy, disposition: 'AWAITING_SHIPMENT', findings: [] }),
        { type: 'ShipmentAwaited', data: { disputeId: state.disputeId, agreedShipBy, since: now } },
      ];
    }
    case 'OUT_OF_STOCK_REFUND':
      return [
        chosen({ disposition: 'AWAITING_CONSUMER', findings: [] }),
        {
          type: 'ConsumerResponseRequested',
          data: { disputeId: state.disputeId, consumerResponseDueAt: iso(nowMs + state.settings.consumerResponseWindowMs), since: now },
        },
      ];
    case 'NO_FAULT_DEFENSE': {
      const defense: Defense = { reason: cmd.defense!.reason, statement: cmd.defense!.statement };
      const { proven, findings } = verifyDefense(defense.reason, assessment, delayExcuses);
      const extra = { defense, delayExcuses, findings };
      if (state.status === 'UNDER_REVIEW') return [chosen({ ...extra, disposition: 'ATTACHED_TO_REVIEW' })];
      if (state.status !== 'AWAITING_MERCHANT') return [chosen({ ...extra, disposition: 'HELD_AS_FALLBACK' })];
      if (proven) {
        const reasons: JudgementReason[] = [{ rule: `DEFENSE_${defense.reason}`, detail: defense.statement }, ...findings];
        return [
          chosen({ ...extra, disposition: 'JUDGED' }),
          judgedEvent(state, { outcome: 'MERCHANT_NOT_LIABLE', decidedBy: 'SYSTEM', decidedAt: now, reasons }, rules, 'DEFENSE_VERIFIED', assessment),
        ];
      }
      const stateWithDefense = evolve(state, chosen({ ...extra, disposition: 'UNDER_REVIEW' }));
      return [
        chosen({ ...extra, disposition: 'UNDER_REVIEW' }),
        { ...reviewEvent(stateWithDefense, 'DEFENSE', now, [], ['LATE_SHIPMENT']) },
      ];
    }
  }
}
