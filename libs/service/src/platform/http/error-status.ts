/**
 * The HTTP status of every domain error code (the HTTP contract, /work/shared/api-contract.md: a refusal is
 * a problem+json answer with this status and the code). The domain names what went wrong; the API decides
 * how it is answered. `satisfies Record<DomainErrorCode, …>` makes a new domain code a compile error here
 * until it has a status.
 */
import type { DomainErrorCode } from '@app/domain';

export type DomainErrorStatus = 400 | 403 | 404 | 409 | 422;

export const DOMAIN_ERROR_STATUS = {
  INVALID_INPUT: 400,
  INVALID_FACT: 400,
  FACT_IN_FUTURE: 400,
  OPENED_AT_IN_FUTURE: 400,
  UNKNOWN_RULES_VERSION: 400,
  INVALID_DURATION: 400,
  INVALID_ROLLOUT: 400,
  INVALID_WEEK: 400,
  ORDER_NOT_FOUND: 404,
  DISPUTE_NOT_FOUND: 404,
  ORDER_ALREADY_REGISTERED: 409,
  FACT_ALREADY_RECORDED: 409,
  DISPUTE_ALREADY_OPEN: 409,
  DISPUTE_ALREADY_EXISTS: 409,
  CHOICE_ALREADY_MADE: 409,
  INVALID_STATE: 409,
  CASE_FINAL: 409,
  ALREADY_CONTESTED: 409,
  FACT_BEFORE_PLACEMENT: 422,
  OPENED_BEFORE_PLACEMENT: 422,
  REFUND_EXCEEDS_ORDER_AMOUNT: 422,
  PRECONDITIONS_NOT_MET: 422,
  RESPONSE_WINDOW_CLOSED: 422,
  CONSUMER_RESPONSE_WINDOW_CLOSED: 422,
  CONTEST_WINDOW_CLOSED: 422,
  NOT_CONTESTABLE: 422,
  VIOLATION_REQUIRED: 422,
  VIOLATION_NOT_APPLICABLE: 422,
  // Delay reports and delay cards.
  DELAY_REPORT_NOT_FOUND: 404,
  DELAY_CARD_NOT_FOUND: 404,
  DELAY_REPORT_ALREADY_EXISTS: 409,
  DELAY_REPORT_NOT_PENDING: 409,
  DELAY_CARD_ALREADY_SENT: 409,
  DELAY_CARD_ALREADY_ANSWERED: 409,
  WINDOW_STARTS_IN_PAST: 422,
  WINDOW_TOO_FAR_AHEAD: 422,
  ORDER_NOT_ASSESSED: 422,
  EMERGENCY_REPORT_TOO_LATE: 422,
  DELAY_CARD_RESPONSE_WINDOW_CLOSED: 422,
  // Appeals.
  FOUR_EYES_REQUIRED: 403,
  NOT_APPEALABLE: 409,
  APPEAL_ALREADY_FILED: 409,
  APPEAL_WINDOW_CLOSED: 422,
  APPEAL_EVIDENCE_REQUIRED: 422,
} as const satisfies Record<DomainErrorCode, DomainErrorStatus>;

/** The status a domain error code is answered with; undefined for a string that is no domain code. */
export function domainErrorStatus(code: string): DomainErrorStatus | undefined {
  return Object.prototype.hasOwnProperty.call(DOMAIN_ERROR_STATUS, code) ? DOMAIN_ERROR_STATUS[code as DomainErrorCode] : undefined;
}
