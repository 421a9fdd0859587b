/** @app/event-store: the event-store port, its adapters (PGlite, PostgreSQL, EventStoreDB) and the shared SQL database. */
export * from './event-store.port';
export * from './hashing';
export * from './append-support';
export * from './polling-subscription';
export * from './create-event-store';
export * from './sql/sql-database';
export * from './sql/type-parsers';
export * from './sql/pg-database';
export * from './sql/pglite-database';
export * from './sql/create-sql-database';
export * from './sql/migrations';
export * from './sql/db-errors';
export * from './sql/event-store-schema';
export * from './sql/sql-event-store';
export * from './esdb/esdb-event-store';
