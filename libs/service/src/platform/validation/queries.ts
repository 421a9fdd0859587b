/** Query-string shapes several features share (keyset pages, ISO weeks); each feature's own queries live with it. */
import { IntField, PatternField, TextField } from './fields';

export const MAX_PAGE = 500;

export class PageQuery {
  @TextField({ optional: true, max: 512, description: 'Opaque cursor from the previous page (nextCursor)' }) cursor?: string;
  @IntField({ optional: true, query: true, min: 1, max: MAX_PAGE, default: 50, description: 'Page size' }) limit?: number;
}

/** ISO week of the years 2000–2099, e.g. 2026-W47. */
export const WEEK_RE = /^20\d{2}-W(0[1-9]|[1-4]\d|5[0-3])$/;
export const WEEK_MESSAGE = 'week must be an ISO week of 2000–2099 such as 2026-W47';

export class WeekQuery {
  @PatternField(WEEK_RE, WEEK_MESSAGE, { maxLength: 8, description: 'ISO week in BUSINESS_TIMEZONE', example: '2026-W47' }) week!: string;
}
