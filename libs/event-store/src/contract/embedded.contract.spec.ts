/**
 * The contract against the embedded store: PGlite persisted in a temp data dir, via createEventStore().
 * PGlite is one connection in this process: transactions (hence appends) are serialised, so "concurrent"
 * writers here prove that queued appends wait rather than interleave, and that a long transaction makes
 * them wait (holdOpenAppend), not that they commit in parallel.
 */
import { describeEventStoreContract } from './event-store.contract';
import { createSqlHarness } from './sql-harness';

describeEventStoreContract('embedded (PGlite in a temp data dir)', () => createSqlHarness('embedded'), { holdMs: 1000 });
