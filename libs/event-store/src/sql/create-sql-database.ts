import { PgDatabase } from './pg-database';
import { PgliteDatabase } from './pglite-database';
import type { SqlDatabase } from './sql-database';

export interface SqlDatabaseConfig {
  /** 'pg' (alias 'postgres'): a PostgreSQL server; 'pglite' (alias 'embedded'): in-process PGlite. */
  kind: 'pg' | 'postgres' | 'pglite' | 'embedded';
  /** pg: connection string (default DATABASE_URL). */
  url?: string;
  /** pglite: data directory; undefined = in memory. */
  dataDir?: string;
  /** pg: pool size. */
  max?: number;
}

export async function createSqlDatabase(config: SqlDatabaseConfig): Promise<SqlDatabase> {
  switch (config.kind) {
    case 'pg':
    case 'postgres':
      return new PgDatabase({ url: config.url, max: config.max });
    case 'pglite':
    case 'embedded':
      return PgliteDatabase.create({ dataDir: config.dataDir });
    default:
      throw new Error(`Unknown SQL database kind: ${String((config as { kind: unknown }).kind)}`);
  }
}
