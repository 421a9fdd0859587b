/** FireDeadline: a due, pending deadline fires (RESPONSE, AGREED_SHIP_BY, CONSUMER_RESPONSE, CONTEST); otherwise nothing. */
import { invalidInput } from '../errors';
import { type JudgementReason, validateJudgeContext } from '../shared/rules';
import { assessShipping, factsAsOf } from '../shared/shipping';
import { iso, toMs } from '../shared/time';
import { DEADLINE_KINDS, isOneOf } from '../shared/types';
import type { FireDeadline } from './commands';
import { pendingDeadlines } from './deadlines';
import { assessmentFinding } from './defense';
import type { DeadlineFired, DisputeEvent } from './events';
import { requireOpened, validateOrder } from './guards';
import { judgedEvent, reviewEvent, settlementFailed } from './outcomes';
import type { DisputeState } from './state';

export function fireDeadline(cmd: FireDeadline, state: DisputeState): DisputeEvent[] {
  requireOpened(state);
  if (!isOneOf(DEADLINE_KINDS, cmd.deadline)) throw invalidInput('Unknown deadline', { field: 'deadline' });
  const nowMs = toMs(cmd.now, 'now');
  const now = iso(nowMs);
  const pending = pendingDeadlines(state).find((d) => d.deadline === cmd.deadline);
  if (!pending || nowMs < Date.parse(pending.dueAt)) return [];
  const fired: DeadlineFired = {
    type: 'DeadlineFired',
    data: { disputeId: state.disputeId, deadline: cmd.deadline, dueAt: pending.dueAt, firedAt: now },
  };

  switch (cmd.deadline) {
    case 'RESPONSE': {
      const order = validateOrder(cmd.order, state);
      const rules = validateJudgeContext(cmd.rules);
      const a = assessShipping(order, now);
      const reasons: JudgementReason[] = [
        { rule: 'NO_RESPONSE_BY_DEADLINE', detail: `The merchant chose no option by ${state.responseDueAt}; judged from the order facts` },
      ];
      if (a.late) {
        if (a.waybillLate) {
          reasons.push({
            rule: 'WAYBILL_LATE',
            detail: `Waybill due ${a.waybillDueAt}, ${a.waybillUploadedAt ? `uploaded ${a.waybillUploadedAt}` : `missing as of ${a.asOf}`}`,
            ...(a.waybillFact ? { facts: [a.waybillFact] } : {}),
          });
        }
        if (a.pickupLate) {
          reasons.push({
            rule: 'PICKUP_LATE',
            detail: `Pickup scan due ${a.pickupDueAt}, ${a.pickupScannedAt ? `scanned ${a.pickupScannedAt}` : `missing as of ${a.asOf}`}`,
            ...(a.pickupFact ? { facts: [a.pickupFact] } : {}),
          });
        }
        return [
          fired,
          judgedEvent(state, { outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', decidedBy: 'SYSTEM', decidedAt: now, reasons }, rules, 'RESPONSE_DEADLINE_MISSED', a),
        ];
      }
      if (!a.assessed) reasons.push({ rule: 'ORDER_NOT_ASSESSED', detail: `Not assessed for late shipment: ${a.notAssessedReasons.join(', ')}` });
      else reasons.push(assessmentFinding(a));
      return [
        fired,
        judgedEvent(state, { outcome: 'MERCHANT_NOT_LIABLE', decidedBy: 'SYSTEM', decidedAt: now, reasons }, rules, 'RESPONSE_DEADLINE_MISSED', a),
      ];
    }
    case 'AGREED_SHIP_BY': {
      const order = validateOrder(cmd.order, state);
      const byMs = Date.parse(state.agreedShipBy!);
      const pickup = factsAsOf(order, nowMs).find((f) => f.type === 'PICKUP_SCANNED' && Date.parse(f.occurredAt) <= byMs);
      if (pickup) {
        return [
          fired,
          {
            type: 'DisputeSettled',
            data: {
              disputeId: state.disputeId,
              option: 'SHIP_BY_AGREED_DATE',
              settledAt: now,
              via: 'AGREED_SHIP_BY_DEADLINE',
              satisfiedBy: [pickup],
              refund: false,
              contestWindowEndsAt: state.contestWindowEndsAt,
            },
          },
        ];
      }
      const rules = validateJudgeContext(cmd.rules);
      const reason: JudgementReason = {
        rule: 'NO_PICKUP_BY_AGREED_DATE',
        detail: `No carrier pickup scan on record by the agreed ship-by time ${state.agreedShipBy} (breach of promise)`,
      };
      return [fired, ...settlementFailed(state, 'NO_PICKUP_BY_AGREED_DATE', 'BREACH_OF_PROMISE', reason, now, rules)];
    }
    case 'CONSUMER_RESPONSE':
      return [
        fired,
        reviewEvent(
          state,
          'CONSUMER_NO_RESPONSE',
          now,
          [{ rule: 'CONSUMER_NO_RESPONSE', detail: `The consumer did not answer the out-of-stock refund by ${state.consumerResponseDueAt}` }],
          ['OUT_OF_STOCK'],
        ),
      ];
    case 'CONTEST':
      return [fired, { type: 'ContestWindowClosed', data: { disputeId: state.disputeId, contestWindowEndsAt: pending.dueAt, closedAt: now } }];
  }
}
