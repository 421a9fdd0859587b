/** Query strings of the audit routes (stream pages, global pages, inclusion and consistency proofs). */
import { IntField, PatternField, TextField } from '../platform/validation/fields';

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
