/**
 * What every read-model list shares: the page shape, the table-prefix option, the argument checks and the
 * keyset pagination itself (no OFFSET; an opaque cursor, see cursor.ts; `nextCursor` absent on the last page).
 */
import { invalidInput } from '@app/domain';
import type { SqlExecutor } from '@app/event-store';
import { decodeCursor, encodeCursor, isoOf, type SortOrder } from './cursor';

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** Table-name prefix ('' for the live tables); lets tests and tools query rebuilt tables too. */
export interface QueryOptions {
  prefix?: string;
}

export function sortOrder(o: unknown): SortOrder {
  if (o === undefined || o === null) return 'asc';
  if (o !== 'asc' && o !== 'desc') throw invalidInput("order must be 'asc' or 'desc'", { field: 'order' });
  return o;
}

export function nonEmptyString(v: unknown, field: string): string {
  if (typeof v !== 'string' || v === '') throw invalidInput(`${field} must be a non-empty string`, { field });
  return v;
}

/** The WHERE of a list query, built with numbered parameters; an absent (undefined or null) argument filters nothing. */
export class Filters {
  readonly where: string[] = [];
  readonly params: unknown[] = [];

  /** `col op $n` (the SQL `cast` appended to the parameter) when `v` is given. */
  add(col: string, v: unknown, op = '=', cast = ''): void {
    if (v === undefined || v === null) return;
    this.params.push(v);
    this.where.push(`${col} ${op} $${this.params.length}${cast}`);
  }

  /** An id column equal to a non-empty string. */
  id(col: string, v: unknown, field: string): void {
    if (v !== undefined && v !== null) this.add(col, nonEmptyString(v, field));
  }

  /** A column equal to one of `allowed` (anything else is a 400 naming the field). */
  oneOf(col: string, v: unknown, allowed: readonly string[], field: string): void {
    if (v === undefined || v === null) return;
    if (typeof v !== 'string' || !allowed.includes(v)) throw invalidInput(`${field} must be one of ${allowed.join(', ')}`, { field });
    this.add(col, v);
  }
}

/**
 * Runs a keyset page: `where` (with params) filters, rows are ordered by (tsCol, idCol) in `order`,
 * one extra row tells whether another page follows.
 */
export async function keysetPage<R extends Record<string, unknown>>(
  db: SqlExecutor,
  args: {
    list: string;
    select: string;
    from: string;
    where: string[];
    params: unknown[];
    tsCol: string;
    idCol: string;
    order: SortOrder;
    cursor?: string;
    limit: number;
  },
): Promise<{ rows: R[]; nextCursor?: string }> {
  const where = [...args.where];
  const params = [...args.params];
  if (args.cursor !== undefined && args.cursor !== null && args.cursor !== '') {
    const c = decodeCursor(args.cursor, args.list, args.order);
    params.push(c.k[0], c.k[1]);
    const op = args.order === 'asc' ? '>' : '<';
    where.push(`(${args.tsCol}, ${args.idCol}) ${op} ($${params.length - 1}::timestamptz, $${params.length}::text)`);
  }
  params.push(args.limit + 1);
  const dir = args.order === 'asc' ? 'ASC' : 'DESC';
  const sql = `SELECT ${args.select} FROM ${args.from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
    ORDER BY ${args.tsCol} ${dir}, ${args.idCol} ${dir} LIMIT $${params.length}`;
  const { rows } = await db.query<R>(sql, params);
  if (rows.length <= args.limit) return { rows };
  const page = rows.slice(0, args.limit);
  const last = page[page.length - 1];
  const ts = isoOf(last.__ts)!;
  return { rows: page, nextCursor: encodeCursor({ q: args.list, o: args.order, k: [ts, String(last.__id)] }) };
}

export function withCursor<T>(items: T[], nextCursor: string | undefined): Page<T> {
  return nextCursor ? { items, nextCursor } : { items };
}
