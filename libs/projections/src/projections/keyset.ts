/**
 * What every read-model list shares: the page shape, the table-prefix option, the argument checks and the
 * keyset pagination itself (no OFFSET; an opaque cursor, see cursor.ts; `nextCursor` absent on the last page).
 */
import { invalidInput } from '@app/domain';
import type { SqlExecutor } from '@app/event-store';
import { decodeCursor, encodeCursor, instantArg, isoOf, pageLimit, type SortOrder } from './cursor';

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** Table-name prefix ('' for the live tables); lets tests and tools query rebuilt tables too. */
export interface QueryOptions {
  prefix?: string;
}

/** A list request's paging: the cursor from the page before, the page size (pageLimit) and the direction of the list's key. */
export interface PageArgs extends QueryOptions {
  cursor?: string;
  limit?: number;
  /** By the list's (timestamp, id) key; default 'asc'. */
  order?: SortOrder;
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

  /** A timestamp column in [from, to): each bound when given, an instant (anything else is a 400 naming `from` or `to`). */
  range(col: string, from: unknown, to: unknown): void {
    if (from !== undefined && from !== null) this.add(col, instantArg(from, 'from'), '>=', '::timestamptz');
    if (to !== undefined && to !== null) this.add(col, instantArg(to, 'to'), '<', '::timestamptz');
  }
}

/** A keyset-paginated list: its name (a cursor is bound to it), its table, the columns it answers and its (timestamp, id) key. */
export interface ListSpec {
  list: string;
  /** Without the prefix. */
  table: string;
  /** Default every column. */
  select?: string;
  /** The WHERE (with its numbered parameters), e.g. a `Filters`. */
  filters: { readonly where: readonly string[]; readonly params: readonly unknown[] };
  tsCol: string;
  idCol: string;
}

/**
 * One page of a list: the rows of the (prefixed) table that pass the filters, ordered by (tsCol, idCol) in
 * `page.order`, after `page.cursor`, at most `pageLimit(page.limit)` of them, each made an item by `item`; one
 * extra row tells whether another page follows (then `nextCursor`).
 */
export async function listPage<R extends Record<string, unknown>, T>(db: SqlExecutor, spec: ListSpec, page: PageArgs, item: (row: R) => T): Promise<Page<T>> {
  const order = sortOrder(page.order);
  const limit = pageLimit(page.limit);
  const where = [...spec.filters.where];
  const params = [...spec.filters.params];
  if (page.cursor !== undefined && page.cursor !== null && page.cursor !== '') {
    const c = decodeCursor(page.cursor, spec.list, order);
    params.push(c.k[0], c.k[1]);
    const op = order === 'asc' ? '>' : '<';
    where.push(`(${spec.tsCol}, ${spec.idCol}) ${op} ($${params.length - 1}::timestamptz, $${params.length}::text)`);
  }
  params.push(limit + 1);
  const dir = order === 'asc' ? 'ASC' : 'DESC';
  const sql = `SELECT ${spec.select ?? '*'}, ${spec.tsCol} AS __ts, ${spec.idCol} AS __id FROM ${page.prefix ?? ''}${spec.table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
    ORDER BY ${spec.tsCol} ${dir}, ${spec.idCol} ${dir} LIMIT $${params.length}`;
  const { rows } = await db.query<R>(sql, params);
  if (rows.length <= limit) return { items: rows.map(item) };
  const last = rows[limit - 1];
  const nextCursor = encodeCursor({ q: spec.list, o: order, k: [isoOf(last.__ts)!, String(last.__id)] });
  return { items: rows.slice(0, limit).map(item), nextCursor };
}
