/** The no-fault defense: what each reason requires, and the system's verification of it from the facts and delay excuses. */
import type { Evidence } from '../shared/input';
import type { ShippingAssessment } from '../shared/shipping';
import type { DefenseReason, EvidenceKind, OrderFactRef } from '../shared/types';
import type { DelayExcuse, Finding } from './events';

export interface DefenseRequirement {
  /** Evidence kinds that count for this reason (any of them); empty = no evidence needed. */
  requiredEvidenceKinds: EvidenceKind[];
  /** How many evidence items of those kinds are needed. */
  minEvidence: number;
  /** Whether the system can judge this reason from records, without an adjudicator. */
  systemVerifiable: boolean;
  /** What the verification rests on. */
  verifiedBy: 'ORDER_FACTS' | 'DELAY_EXCUSES' | 'ADJUDICATOR';
  description: string;
}

/**
 * What each no-fault defense reason requires and how it is judged.
 *  - SHIPPED_WITHIN_DEADLINE / ORDER_NOT_ASSESSED: no evidence; judged at once from the order facts:
 *    NOT_LIABLE when the facts prove it, otherwise UNDER_REVIEW with the findings.
 *  - DELAY_REPORTED / DELAY_CARD_ACCEPTED: no evidence (the reports/cards are platform records). When the
 *    command carries `delayExcuses` (from delay.ts `delayExcusesFor`: the reports / cards bearing on the
 *    order) they are judged at once like the above, the finding citing the reports / cards it rests on
 *    (`excuses`); a command without `delayExcuses` goes to UNDER_REVIEW with a finding saying so.
 *  - FORCE_MAJEURE / ABNORMAL_ORDER / MALICIOUS_ORDER: evidence required; always UNDER_REVIEW, with the
 *    system's findings (shipping assessment) attached.
 */
export const DEFENSE_REQUIREMENTS: Record<DefenseReason, DefenseRequirement> = {
  SHIPPED_WITHIN_DEADLINE: {
    requiredEvidenceKinds: [],
    minEvidence: 0,
    systemVerifiable: true,
    verifiedBy: 'ORDER_FACTS',
    description: 'Waybill uploaded within 24 h and first pickup scan within 48 h of the clock start (order facts).',
  },
  ORDER_NOT_ASSESSED: {
    requiredEvidenceKinds: [],
    minEvidence: 0,
    systemVerifiable: true,
    verifiedBy: 'ORDER_FACTS',
    description: 'Presale/LOC/custom, locked or invalidated order, or paid by post-office remittance or company transfer.',
  },
  DELAY_REPORTED: {
    requiredEvidenceKinds: [],
    minEvidence: 0,
    systemVerifiable: true,
    verifiedBy: 'DELAY_EXCUSES',
    description: 'An approved pre-report (预报备) or emergency report (紧急报备) covers the order.',
  },
  DELAY_CARD_ACCEPTED: {
    requiredEvidenceKinds: [],
    minEvidence: 0,
    systemVerifiable: true,
    verifiedBy: 'DELAY_EXCUSES',
    description: 'The consumer accepted the delay card (延迟发货卡片) for the order.',
  },
  FORCE_MAJEURE: {
    requiredEvidenceKinds: ['DOCUMENT', 'PHOTO', 'OTHER'],
    minEvidence: 1,
    systemVerifiable: false,
    verifiedBy: 'ADJUDICATOR',
    description: 'Natural disaster, major national event or policy; documents or photos proving it.',
  },
  ABNORMAL_ORDER: {
    requiredEvidenceKinds: ['CALL_RECORD', 'SMS', 'CHAT_LOG', 'PHOTO'],
    minEvidence: 1,
    systemVerifiable: false,
    verifiedBy: 'ADJUDICATOR',
    description: 'Address incomplete or phone unreachable (异常下单); call records, SMS, chat logs or screenshots.',
  },
  MALICIOUS_ORDER: {
    requiredEvidenceKinds: ['CHAT_LOG', 'DOCUMENT', 'PHOTO', 'SMS', 'CALL_RECORD', 'OTHER'],
    minEvidence: 1,
    systemVerifiable: false,
    verifiedBy: 'ADJUDICATOR',
    description: 'Suspected malicious order (恶意订单); any evidence of the malicious behaviour.',
  },
};



export function evidenceMissing(reason: DefenseReason, evidence: Evidence[]): string | null {
  const req = DEFENSE_REQUIREMENTS[reason];
  if (req.minEvidence === 0) return null;
  const counted = evidence.filter((e) => req.requiredEvidenceKinds.length === 0 || req.requiredEvidenceKinds.includes(e.kind));
  return counted.length >= req.minEvidence ? null : `DEFENSE_EVIDENCE:${req.requiredEvidenceKinds.join('|')}`;
}

function factsOf(a: ShippingAssessment): OrderFactRef[] {
  return [a.waybillFact, a.pickupFact].filter((f): f is OrderFactRef => f !== null);
}

/** A human-readable shipping-assessment finding, carrying the facts it rests on. */
export function assessmentFinding(a: ShippingAssessment): Finding {
  let detail: string;
  if (!a.assessed) detail = `Order not assessed for late shipment (${a.notAssessedReasons.join(', ')})`;
  else if (a.clockStartsAt === null) detail = 'Shipping clock not started (order not paid)';
  else if (a.late) {
    detail = `Late as of ${a.asOf}: ${a.lateReasons.join(', ')} (clock ${a.clockStartsAt}, waybill due ${a.waybillDueAt}, pickup due ${a.pickupDueAt}; waybill ${a.waybillUploadedAt ?? 'missing'}, pickup ${a.pickupScannedAt ?? 'missing'})`;
  } else if (a.shippedWithinDeadline) detail = `Shipped within the deadlines (waybill ${a.waybillUploadedAt} ≤ ${a.waybillDueAt}, pickup ${a.pickupScannedAt} ≤ ${a.pickupDueAt})`;
  else detail = `Not late as of ${a.asOf} (waybill due ${a.waybillDueAt}, pickup due ${a.pickupDueAt}; waybill ${a.waybillUploadedAt ?? 'missing'}, pickup ${a.pickupScannedAt ?? 'missing'})`;
  const f: Finding = { rule: 'SHIPPING_ASSESSMENT', detail };
  const facts = factsOf(a);
  if (facts.length) f.facts = facts;
  return f;
}

/** The system's verification of a defense reason: proven (→ NOT_LIABLE by SYSTEM) or findings for review. */
export function verifyDefense(
  reason: DefenseReason,
  assessment: ShippingAssessment,
  delayExcuses: DelayExcuse[] | undefined,
): { proven: boolean; findings: Finding[] } {
  const findings: Finding[] = [assessmentFinding(assessment)];
  switch (reason) {
    case 'SHIPPED_WITHIN_DEADLINE': {
      const proven = assessment.shippedWithinDeadline;
      findings.push(
        proven
          ? { rule: 'SHIPPED_WITHIN_DEADLINE_VERIFIED', detail: 'Waybill and pickup scan on record within 24 h / 48 h of the clock start', facts: factsOf(assessment) }
          : { rule: 'SHIPPED_WITHIN_DEADLINE_NOT_PROVEN', detail: 'The order facts do not show a waybill within 24 h and a pickup scan within 48 h' },
      );
      return { proven, findings };
    }
    case 'ORDER_NOT_ASSESSED': {
      const proven = !assessment.assessed;
      findings.push(
        proven
          ? { rule: 'ORDER_NOT_ASSESSED_VERIFIED', detail: `Not assessed: ${assessment.notAssessedReasons.join(', ')}` }
          : { rule: 'ORDER_NOT_ASSESSED_NOT_PROVEN', detail: 'The order kind, payment method and status make it subject to the shipping deadlines' },
      );
      return { proven, findings };
    }
    case 'DELAY_REPORTED':
    case 'DELAY_CARD_ACCEPTED': {
      if (delayExcuses === undefined) {
        findings.push({
          rule: 'DELAY_EXCUSE_NOT_VERIFIED',
          detail: 'No delay reports or delay cards were looked up for this choice; an adjudicator reviews this defense',
        });
        return { proven: false, findings };
      }
      const kinds = reason === 'DELAY_REPORTED' ? ['PRE_REPORT', 'EMERGENCY_REPORT'] : ['DELAY_CARD'];
      const relevant = delayExcuses.filter((x) => kinds.includes(x.kind));
      const matching = relevant.filter((x) => x.status === 'APPROVED' && x.coversOrder);
      const cite = (xs: DelayExcuse[]) => xs.map((x) => ({ kind: x.kind, ref: x.ref, status: x.status }));
      const details = (xs: DelayExcuse[]) => xs.map((x) => x.detail).filter((d): d is string => !!d);
      if (matching.length) {
        const more = details(matching);
        findings.push({
          rule: `${reason}_VERIFIED`,
          detail: `Approved and covering the order: ${matching.map((m) => `${m.kind} ${m.ref}`).join(', ')}${more.length ? ` (${more.join('; ')})` : ''}`,
          excuses: cite(matching),
        });
      } else {
        const seen = relevant.map((x) => `${x.kind} ${x.ref} ${x.status}${x.coversOrder ? '' : ', not covering the order'}`);
        findings.push({
          rule: `${reason}_NOT_PROVEN`,
          detail: `No approved ${kinds.join(' / ')} covering the order is on record${seen.length ? `; on record: ${seen.join('; ')}` : ''}`,
          ...(relevant.length ? { excuses: cite(relevant) } : {}),
        });
      }
      return { proven: matching.length > 0, findings };
    }
    default:
      findings.push({ rule: 'ADJUDICATOR_REVIEW_REQUIRED', detail: `${reason} is judged by an adjudicator on the evidence` });
      return { proven: false, findings };
  }
}
