/**
 * The contract against PostgreSQL: a fresh throwaway database `es_contract_<random>` on DATABASE_URL's server
 * (default postgres://postgres@127.0.0.1:5432/postgres), dropped afterwards. If PostgreSQL is unreachable
 * these tests FAIL (they do not skip).
 */
import { describeEventStoreContract } from './event-store.contract';
import { createSqlHarness } from './sql-harness';

describeEventStoreContract('postgres (throwaway database)', () => createSqlHarness('postgres'), { holdMs: 2000 });
