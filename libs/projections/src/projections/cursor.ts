/**
 * Opaque keyset cursors for the read-model lists.
 *
 * A cursor is base64url (no padding) of the JSON `{"q":<list>,"o":"asc"|"desc","k":[<instant ISO>,<id>]}`:
 * the sort key of the last item of the page just returned. The next page is every row strictly after that
 * key in the list's order, so a page boundary never moves when rows are inserted or updated elsewhere
 * (no OFFSET): each row that exists throughout a walk is returned exactly once. Clients must treat the
 * string as opaque; `q` binds a cursor to the list it came from.
 */
import { DomainError, invalidInput, toMs } from '@app/domain';

export type SortOrder = 'asc' | 'desc';

export interface CursorKey {
  /** The list the cursor belongs to ('cases', 'judgements', 'queue'). */
  q: string;
  o: SortOrder;
  /** [ISO-8601 UTC instant, id]. */
  k: [string, string];
}

/** A cursor that is not one of ours (or belongs to another list / sort order): DomainError INVALID_INPUT (400). */
function invalidCursor(message = 'Invalid cursor'): DomainError {
  return invalidInput(message, { field: 'cursor' });
}

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify({ q: key.q, o: key.o, k: key.k }), 'utf8').toString('base64url');
}

const B64URL = /^[A-Za-z0-9_-]+$/;

export function decodeCursor(cursor: string, list: string, order: SortOrder): CursorKey {
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 2048 || !B64URL.test(cursor)) {
    throw invalidCursor();
  }
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const c = v as Partial<CursorKey> | null;
  if (
    !c ||
    typeof c !== 'object' ||
    c.q !== list ||
    (c.o !== 'asc' && c.o !== 'desc') ||
    !Array.isArray(c.k) ||
    c.k.length !== 2 ||
    typeof c.k[0] !== 'string' ||
    typeof c.k[1] !== 'string' ||
    Number.isNaN(Date.parse(c.k[0]))
  ) {
    throw invalidCursor();
  }
  if (c.o !== order) throw invalidCursor(`This cursor belongs to the ${c.o} order of the list`);
  return { q: c.q, o: c.o, k: [new Date(Date.parse(c.k[0])).toISOString(), c.k[1]] };
}

/** Clamps a page size to [1, max] (default `def`). */
export function pageLimit(limit: number | undefined, def = 50, max = 500): number {
  if (limit === undefined || limit === null || !Number.isFinite(limit)) return def;
  return Math.max(1, Math.min(max, Math.floor(limit)));
}

/** Date | string from the driver → ISO-8601 UTC string (null stays null). */
export function isoOf(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  const ms = Date.parse(String(v));
  return Number.isNaN(ms) ? String(v) : new Date(ms).toISOString();
}

/** Validates an instant argument (ISO-8601 with zone, or a Date) and returns its canonical UTC form; INVALID_INPUT otherwise. */
export function instantArg(v: unknown, field: string): string {
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw invalidInput(`${field} is not a valid date-time`, { field });
    return v.toISOString();
  }
  return new Date(toMs(v, field)).toISOString();
}
