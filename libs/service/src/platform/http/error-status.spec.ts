import { DOMAIN_ERROR_CODES, DomainError } from '@app/domain';
import { DOMAIN_ERROR_STATUS, domainErrorStatus } from './error-status';
import { toProblemException } from './problem';

/** The statuses of the HTTP contract, by status (a change here is a change of the contract). */
const CONTRACT: Record<number, string[]> = {
  400: ['INVALID_INPUT', 'INVALID_FACT', 'FACT_IN_FUTURE', 'OPENED_AT_IN_FUTURE', 'UNKNOWN_RULES_VERSION', 'INVALID_DURATION', 'INVALID_ROLLOUT', 'INVALID_WEEK'],
  403: ['FOUR_EYES_REQUIRED'],
  404: ['ORDER_NOT_FOUND', 'DISPUTE_NOT_FOUND', 'DELAY_REPORT_NOT_FOUND', 'DELAY_CARD_NOT_FOUND'],
  409: [
    'ORDER_ALREADY_REGISTERED',
    'FACT_ALREADY_RECORDED',
    'DISPUTE_ALREADY_OPEN',
    'DISPUTE_ALREADY_EXISTS',
    'CHOICE_ALREADY_MADE',
    'INVALID_STATE',
    'CASE_FINAL',
    'ALREADY_CONTESTED',
    'DELAY_REPORT_ALREADY_EXISTS',
    'DELAY_REPORT_NOT_PENDING',
    'DELAY_CARD_ALREADY_SENT',
    'DELAY_CARD_ALREADY_ANSWERED',
    'NOT_APPEALABLE',
    'APPEAL_ALREADY_FILED',
  ],
  422: [
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
    'WINDOW_STARTS_IN_PAST',
    'WINDOW_TOO_FAR_AHEAD',
    'ORDER_NOT_ASSESSED',
    'EMERGENCY_REPORT_TOO_LATE',
    'DELAY_CARD_RESPONSE_WINDOW_CLOSED',
    'APPEAL_WINDOW_CLOSED',
    'APPEAL_EVIDENCE_REQUIRED',
  ],
};

describe('HTTP status of the domain error codes', () => {
  it('every code the domain throws has exactly the status of the contract', () => {
    const expected = Object.entries(CONTRACT).flatMap(([status, codes]) => codes.map((code) => [code, Number(status)] as const));
    expect(Object.fromEntries(expected)).toEqual(DOMAIN_ERROR_STATUS);
    expect([...DOMAIN_ERROR_CODES].sort()).toEqual(Object.keys(DOMAIN_ERROR_STATUS).sort());
  });

  it('a domain error becomes a problem with its status, code and details', () => {
    const p = toProblemException(new DomainError('DELAY_CARD_ALREADY_SENT', 'already sent', { cardId: 'card-1' }));
    expect({ status: p.status, code: p.code, extensions: p.extensions }).toEqual({ status: 409, code: 'DELAY_CARD_ALREADY_SENT', extensions: { cardId: 'card-1' } });
    expect(toProblemException(new DomainError('ORDER_NOT_ASSESSED', 'needs no delay report')).status).toBe(422);
  });

  it('an error named DomainError with an unknown code is not answered as one', () => {
    const fake = Object.assign(new Error('x'), { name: 'DomainError', code: 'NO_SUCH_CODE' });
    expect(domainErrorStatus('NO_SUCH_CODE')).toBeUndefined();
    expect(toProblemException(fake).status).toBe(500);
  });
});
