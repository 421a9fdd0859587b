/**
 * Domain errors. Every refusal of a command is a {@link DomainError} with a stable `code` (and details).
 * The domain never talks HTTP: which status answers which code is decided in the API (libs/service/src/platform/http/error-status.ts).
 */

export interface DomainErrorDetails {
  /** Names of the missing facts / inputs (PRECONDITIONS_NOT_MET, INVALID_FACT). */
  missing?: string[];
  [key: string]: unknown;
}

/** Every code the domain throws. The HTTP status each one is answered with is the API's business (apps/api). */
export const DOMAIN_ERROR_CODES = [
  'INVALID_INPUT',
  'INVALID_FACT',
  'FACT_IN_FUTURE',
  'OPENED_AT_IN_FUTURE',
  'UNKNOWN_RULES_VERSION',
  'INVALID_DURATION',
  'INVALID_ROLLOUT',
  'INVALID_WEEK',
  'ORDER_NOT_FOUND',
  'DISPUTE_NOT_FOUND',
  'ORDER_ALREADY_REGISTERED',
  'FACT_ALREADY_RECORDED',
  'DISPUTE_ALREADY_OPEN',
  'DISPUTE_ALREADY_EXISTS',
  'CHOICE_ALREADY_MADE',
  'INVALID_STATE',
  'CASE_FINAL',
  'ALREADY_CONTESTED',
  'FACT_BEFORE_PLACEMENT',
  'OPENED_BEFORE_PLACEMENT',
  'REFUND_EXCEEDS_ORDER_AMOUNT',
  'PRECONDITIONS_NOT_MET',
  'RESPONSE_WINDOW_CLOSED',
  'CONSUMER_RESPONSE_WINDOW_CLOSED',
  'CONTEST_WINDOW_CLOSED',
  'NOT_CONTESTABLE',
  'VIOLATION_REQUIRED',
  'VIOLATION_NOT_APPLICABLE',
  // Delay reports and delay cards (delay.ts).
  'DELAY_REPORT_NOT_FOUND',
  'DELAY_CARD_NOT_FOUND',
  'DELAY_REPORT_ALREADY_EXISTS',
  'DELAY_REPORT_NOT_PENDING',
  'DELAY_CARD_ALREADY_SENT',
  'DELAY_CARD_ALREADY_ANSWERED',
  'WINDOW_STARTS_IN_PAST',
  'WINDOW_TOO_FAR_AHEAD',
  'ORDER_NOT_ASSESSED',
  'EMERGENCY_REPORT_TOO_LATE',
  'DELAY_CARD_RESPONSE_WINDOW_CLOSED',
  // Appeals (appeal/).
  'FOUR_EYES_REQUIRED',
  'NOT_APPEALABLE',
  'APPEAL_ALREADY_FILED',
  'APPEAL_WINDOW_CLOSED',
  'APPEAL_EVIDENCE_REQUIRED',
] as const;

export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly details?: DomainErrorDetails;

  constructor(code: DomainErrorCode, message: string, details?: DomainErrorDetails) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    if (details !== undefined) this.details = details;
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}

export function invalidInput(message: string, details?: DomainErrorDetails): DomainError {
  return new DomainError('INVALID_INPUT', message, details);
}
