/**
 * Domain errors. Every refusal of a command is a {@link DomainError} with a stable `code` and the HTTP
 * `status` the API layer should answer with (the domain itself never talks HTTP; the status is a hint).
 */
export type DomainErrorStatus = 400 | 403 | 404 | 409 | 422;

export interface DomainErrorDetails {
  /** Names of the missing facts / inputs (PRECONDITIONS_NOT_MET, INVALID_FACT). */
  missing?: string[];
  [key: string]: unknown;
}

/** Every code the domain throws, with its status. */
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
  // Delay reports and delay cards (delay.ts).
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
  // Appeals (appeal/).
  FOUR_EYES_REQUIRED: 403,
  NOT_APPEALABLE: 409,
  APPEAL_ALREADY_FILED: 409,
  APPEAL_WINDOW_CLOSED: 422,
  APPEAL_EVIDENCE_REQUIRED: 422,
} as const satisfies Record<string, DomainErrorStatus>;

export type DomainErrorCode = keyof typeof DOMAIN_ERROR_STATUS;

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  readonly status: DomainErrorStatus;
  readonly details?: DomainErrorDetails;

  constructor(code: DomainErrorCode, message: string, details?: DomainErrorDetails) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.status = DOMAIN_ERROR_STATUS[code];
    if (details !== undefined) this.details = details;
  }
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}

export function invalidInput(message: string, details?: DomainErrorDetails): DomainError {
  return new DomainError('INVALID_INPUT', message, details);
}
