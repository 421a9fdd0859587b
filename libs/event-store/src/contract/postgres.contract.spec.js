"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * The contract against PostgreSQL: a fresh throwaway database `es_contract_<random>` on DATABASE_URL's server
 * (default postgres://postgres@127.0.0.1:5432/postgres), dropped afterwards. If PostgreSQL is unreachable
 * these tests FAIL (they do not skip).
 */
var event_store_contract_1 = require("./event-store.contract");
var sql_harness_1 = require("./sql-harness");
(0, event_store_contract_1.describeEventStoreContract)('postgres (throwaway database)', function () { return (0, sql_harness_1.createSqlHarness)('postgres'); }, { holdMs: 2000 });
