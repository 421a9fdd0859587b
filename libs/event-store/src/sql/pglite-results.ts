/** PGlite's results and errors, re-created in the caller's realm (see loadPglite) and typed like PgDatabase's. */
import type { PGliteOptions, Results } from '@electric-sql/pglite';
import type { QueryResult } from './sql-database';
import { OID, parseDate, parseInt8, parseTimestampUtc } from './type-parsers';

/** Text parsers creating values in this realm, and matching PgDatabase's results. */
export const PARSERS: NonNullable<PGliteOptions['parsers']> = {
  [OID.INT8]: parseInt8,
  [OID.DATE]: parseDate,
  [OID.TIMESTAMP]: parseTimestampUtc,
  1184: (v: string) => (v === 'infinity' || v === '-infinity' ? v : new Date(v)), // timestamptz
  114: (v: string) => JSON.parse(v) as unknown, // json
  3802: (v: string) => JSON.parse(v) as unknown, // jsonb
  17: (v: string) => (v.startsWith('\\x') ? Buffer.from(v.slice(2), 'hex') : Buffer.from(v)), // bytea
};

/** An error raised by PGlite, re-created in this realm with the same fields as pg's DatabaseError. */
export class PgliteQueryError extends Error {
  code?: string;
  detail?: string;
  hint?: string;
  constraint?: string;
  severity?: string;
  table?: string;
  column?: string;
  schema?: string;
  where?: string;
  position?: string;
}

export function normalizeError(e: unknown): unknown {
  if (e instanceof Error) return e; // same realm: already a proper Error
  if (e === null || typeof e !== 'object') return e;
  const src = e as Record<string, unknown>;
  const err = new PgliteQueryError(String(src.message ?? 'PGlite error'));
  for (const key of Object.keys(src)) {
    if (key === 'query' || key === 'params' || key === 'queryOptions') continue;
    const v = src[key];
    if (v !== undefined && (typeof v === 'string' || typeof v === 'number')) (err as unknown as Record<string, unknown>)[key] = v;
  }
  err.name = typeof src.name === 'string' && src.name !== 'Error' ? src.name : 'PgliteQueryError';
  if (typeof src.stack === 'string') err.stack = src.stack;
  return err;
}

export function toResult<T>(r: Results<unknown> | undefined): QueryResult<T> {
  if (!r) return { rows: [], rowCount: 0 };
  // Row objects are re-created here (cheap) so they belong to the caller's realm (see loadPglite).
  const rows = (r.rows as Record<string, unknown>[]).map((row) => ({ ...row })) as T[];
  return { rows, rowCount: rows.length > 0 ? rows.length : (r.affectedRows ?? 0) };
}
