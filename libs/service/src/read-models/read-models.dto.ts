/** Query strings of the read-model routes (case list, judgements, adjudication queue, scorecard). */
import { DISPUTE_STATUSES as STATUSES } from '@app/domain';
import { EnumField, IdField, InstantField } from '../platform/validation/fields';
import { PageQuery, WeekQuery } from '../platform/validation/queries';

export class CaseListQuery extends PageQuery {
  @EnumField(STATUSES, { optional: true, description: 'Only cases in this status' }) status?: (typeof STATUSES)[number];
  @IdField('merchantId', { optional: true, description: 'Only this merchant’s cases (merchants: their own id only; another id answers an empty list)' })
  merchantId?: string;
}

export class JudgementQuery extends PageQuery {
  @IdField('merchantId', { optional: true, description: 'Only this merchant’s judgements (merchants: their own id only)' }) merchantId?: string;
  @InstantField({ optional: true, description: 'Decided at or after this instant' }) from?: string;
  @InstantField({ optional: true, description: 'Decided before this instant' }) to?: string;
}

export class QueueQuery extends PageQuery {
  @IdField('merchantId', { optional: true, description: 'Only this merchant’s cases' }) merchantId?: string;
}

export class ScorecardQuery extends WeekQuery {
  @EnumField(['v1', 'v2'], { optional: true, description: 'Rules version (default: RULES_VERSION)' }) rulesVersion?: 'v1' | 'v2';
}
