/** Query strings of the read routes: every honoured parameter, validated and documented by one decorator each. */
import { STATUSES } from './disputes.dto';
import { EnumField, IdField, InstantField, IntField, PatternField, TextField } from './fields';
import { INSTANT_PATTERN } from './validators';

export const MAX_PAGE = 500;

export class PageQuery {
  @TextField({ optional: true, max: 512, description: 'Opaque cursor from the previous page (nextCursor)' }) cursor?: string;
  @IntField({ optional: true, query: true, min: 1, max: MAX_PAGE, default: 50, description: 'Page size' }) limit?: number;
}

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

/** `GET /disputes/{id}/timeline?states=`: a state after every event (default), or only where it changed. */
export const TIMELINE_STATES = ['all', 'changed'] as const;
export class TimelineQuery {
  @EnumField(TIMELINE_STATES, {
    optional: true,
    description:
      '`all` (default): `stateAfter` on every event. `changed`: `stateAfter` only on the events after which the case view differs from the one before (always on the first); an event without it left the state as the event before it did',
  })
  states?: (typeof TIMELINE_STATES)[number];
}

/** ISO week of the years 2000–2099, e.g. 2026-W47. */
export const WEEK_RE = /^20\d{2}-W(0[1-9]|[1-4]\d|5[0-3])$/;
export const WEEK_MESSAGE = 'week must be an ISO week of 2000–2099 such as 2026-W47';

export class WeekQuery {
  @PatternField(WEEK_RE, WEEK_MESSAGE, { maxLength: 8, description: 'ISO week in BUSINESS_TIMEZONE', example: '2026-W47' }) week!: string;
}

export class ScorecardQuery extends WeekQuery {
  @EnumField(['v1', 'v2'], { optional: true, description: 'Rules version (default: RULES_VERSION)' }) rulesVersion?: 'v1' | 'v2';
}

/** `?at=`: a revision number or an instant. */
export const AT_RE = new RegExp(`^(\\d{1,15}|${INSTANT_PATTERN.slice(1, -1)})$`);
export class AtQuery {
  @PatternField(AT_RE, 'at must be a revision number or an ISO-8601 instant such as 2026-11-22T08:00:00Z', {
    optional: true,
    maxLength: 40,
    description: 'The state as it stood at this revision (0-based) or instant',
  })
  at?: string;
}

export class StreamPageQuery {
  @IntField({ optional: true, query: true, min: 0, default: 0, description: 'First revision to return' }) from?: number;
  @IntField({ optional: true, query: true, min: 1, max: 1000, default: 100, description: 'Page size' }) limit?: number;
}

/** A global log position, `commit/sequence` (each at most 2^63 − 1). */
export const POSITION_RE = /^\d{1,19}\/\d{1,19}$/;
export class GlobalPageQuery {
  @PatternField(POSITION_RE, 'from must be a nextCursor from a previous page (a position such as 757/4)', {
    optional: true,
    maxLength: 39,
    description: 'The previous page’s nextCursor (a position, exclusive)',
  })
  from?: string;
  @IntField({ optional: true, query: true, min: 1, max: 1000, default: 100, description: 'Page size' }) limit?: number;
}

export class InclusionQuery {
  @TextField({ min: 1, max: 200, description: 'The event whose inclusion is proved' }) eventId!: string;
  @IntField({ optional: true, query: true, min: 1, description: 'Tree size (default: the latest checkpoint)' }) treeSize?: number;
}

export class ConsistencyQuery {
  @IntField({ query: true, min: 1, description: 'The older tree size' }) from!: number;
  @IntField({ optional: true, query: true, min: 1, description: 'The newer tree size (default: the latest checkpoint)' }) to?: number;
}
