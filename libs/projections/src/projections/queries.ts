/**
 * Read-model queries over the projection tables. Every list is keyset-paginated (no OFFSET) with an opaque
 * cursor (see cursor.ts) and answers `{items, nextCursor?}` (`nextCursor` absent on the last page).
 * Time-dependent answers (waiting times, lateness, scorecards) take the instant `now` as an argument: the
 * tables themselves never depend on the clock.
 *
 * One file per read model: keyset.ts (page shape, cursor pagination, argument checks), case-queries.ts (case
 * list, one case, deadlines), judgement-queries.ts, queue-queries.ts (adjudication queue) and
 * scorecard-queries.ts (scorecards and merchant-week statistics).
 */
export type { Page, QueryOptions } from './keyset';
export {
  dueDeadlines,
  getCase,
  listCases,
  nextDeadline,
  type CaseListItem,
  type CaseRecord,
  type DueDeadline,
  type ListCasesArgs,
} from './case-queries';
export * from './judgement-queries';
export * from './queue-queries';
export * from './scorecard-queries';
