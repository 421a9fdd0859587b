"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __exportStar = (this && this.__exportStar) || function(m, exports) {
    for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) __createBinding(exports, m, p);
};
Object.defineProperty(exports, "__esModule", { value: true });
/** @app/event-store: the event-store port, its adapters (PGlite, PostgreSQL, EventStoreDB) and the shared SQL database. */
__exportStar(require("./event-store.port"), exports);
__exportStar(require("./hashing"), exports);
__exportStar(require("./append-support"), exports);
__exportStar(require("./polling-subscription"), exports);
__exportStar(require("./create-event-store"), exports);
__exportStar(require("./sql/sql-database"), exports);
__exportStar(require("./sql/type-parsers"), exports);
__exportStar(require("./sql/pg-database"), exports);
__exportStar(require("./sql/pglite-database"), exports);
__exportStar(require("./sql/create-sql-database"), exports);
__exportStar(require("./sql/migrations"), exports);
__exportStar(require("./sql/event-store-schema"), exports);
__exportStar(require("./sql/sql-event-store"), exports);
__exportStar(require("./esdb/esdb-event-store"), exports);
