"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * The contract against the embedded store: PGlite persisted in a temp data dir, via createEventStore().
 * PGlite is one connection in this process: transactions (hence appends) are serialised, so "concurrent"
 * writers here prove that queued appends wait rather than interleave, and that a long transaction makes
 * them wait (holdOpenAppend), not that they commit in parallel.
 */
var event_store_contract_1 = require("./event-store.contract");
var sql_harness_1 = require("./sql-harness");
(0, event_store_contract_1.describeEventStoreContract)('embedded (PGlite in a temp data dir)', function () { return (0, sql_harness_1.createSqlHarness)('embedded'); }, { holdMs: 1000 });
