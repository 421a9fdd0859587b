import { createHash } from 'node:crypto';
import type { SqlDatabase, SqlExecutor } from './sql-database';

/**
 * One schema change. `id`s are applied once per namespace, in array order, and never again; never edit an
 * applied migration, add a new one. Write statements idempotently anyway (`CREATE … IF NOT EXISTS`,
 * `CREATE OR REPLACE`), so a database created by hand or by an older runner converges.
 */
export interface Migration {
  id: string;
  /** SQL script (several statements allowed). */
  sql?: string;
  /** Or code, for changes that need logic. Runs inside the migration transaction. */
  up?: (tx: SqlExecutor) => Promise<void>;
}

export interface MigrationResult {
  applied: string[];
  skipped: string[];
  /** Ids whose recorded checksum differs from the current definition (edited after being applied). */
  changed: string[];
}

export const MIGRATIONS_TABLE = 'schema_migrations';
/** Every runner, in every process, serialises on this transaction-level advisory lock. */
export const MIGRATIONS_LOCK_KEY = 'schema_migrations';

function checksum(m: Migration): string {
  return createHash('sha256')
    .update(m.sql ?? m.up?.toString() ?? '')
    .digest('hex')
    .slice(0, 16);
}

/**
 * Applies the not-yet-applied migrations of `namespace` in ONE transaction that first takes
 * `pg_advisory_xact_lock(hashtext('schema_migrations'))`: when several processes start at once, one migrates
 * and the others wait, then find everything applied. All-or-nothing: if any migration fails, none of this
 * call's migrations is recorded. Works the same on PostgreSQL and PGlite.
 */
export async function runMigrations(db: SqlDatabase, namespace: string, migrations: readonly Migration[]): Promise<MigrationResult> {
  const ids = new Set<string>();
  for (const m of migrations) {
    if (!m.id) throw new Error(`Migration in namespace ${namespace} has no id`);
    if (ids.has(m.id)) throw new Error(`Duplicate migration id ${namespace}/${m.id}`);
    if ((m.sql === undefined) === (m.up === undefined)) throw new Error(`Migration ${namespace}/${m.id} needs exactly one of sql or up`);
    ids.add(m.id);
  }
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [MIGRATIONS_LOCK_KEY]);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
         namespace text NOT NULL,
         id text NOT NULL,
         checksum text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (namespace, id)
       )`,
    );
    const { rows } = await tx.query<{ id: string; checksum: string }>(`SELECT id, checksum FROM ${MIGRATIONS_TABLE} WHERE namespace = $1`, [
      namespace,
    ]);
    const done = new Map(rows.map((r) => [r.id, r.checksum]));
    const result: MigrationResult = { applied: [], skipped: [], changed: [] };
    for (const m of migrations) {
      const sum = checksum(m);
      const recorded = done.get(m.id);
      if (recorded !== undefined) {
        result.skipped.push(m.id);
        if (recorded !== sum) result.changed.push(m.id);
        continue;
      }
      if (m.sql !== undefined) await tx.query(m.sql);
      else await m.up!(tx);
      await tx.query(`INSERT INTO ${MIGRATIONS_TABLE} (namespace, id, checksum) VALUES ($1, $2, $3)`, [namespace, m.id, sum]);
      result.applied.push(m.id);
    }
    return result;
  });
}

/**
 * Runs schema statements of any library (read-model tables, the audit log, idempotency records, …) in one
 * transaction holding the same `schema_migrations` advisory lock as {@link runMigrations}. `CREATE … IF NOT
 * EXISTS` is not safe against a concurrent identical CREATE (PostgreSQL reports a duplicate `pg_type` or
 * `pg_class` key), so EVERY DDL statement must run under this lock: then instances starting together on an
 * empty or old database take turns, and the later ones find everything in place.
 */
export async function withSchemaLock<T>(db: SqlDatabase, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [MIGRATIONS_LOCK_KEY]);
    return fn(tx);
  });
}

/** Runs idempotent schema statements (in order) under the migration lock, see {@link withSchemaLock}. */
export async function applySchema(db: SqlDatabase, statements: readonly string[]): Promise<void> {
  await withSchemaLock(db, async (tx) => {
    for (const sql of statements) await tx.query(sql);
  });
}
