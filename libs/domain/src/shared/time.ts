/** Pure time helpers: instants travel as ISO-8601 strings and are compared as epoch milliseconds. */
import { invalidInput } from '../errors';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** Epoch ms of an ISO-8601 date-time with an explicit offset (or Z); throws INVALID_INPUT otherwise. */
export function toMs(value: unknown, field: string): number {
  if (typeof value !== 'string' || !ISO_INSTANT.test(value)) {
    throw invalidInput(`${field} must be an ISO-8601 date-time with a time zone designator`, { field });
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalidInput(`${field} is not a valid date-time`, { field });
  return ms;
}

/** Canonical UTC ISO string (the form stored in events). */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Normalises an ISO input to the canonical UTC form. */
export function normIso(value: unknown, field: string): string {
  return iso(toMs(value, field));
}

export const HOUR_MS = 3_600_000;

/** Drops keys whose value is undefined, so events stay plain JSON with no `undefined` holes. */
export function compact<T extends object>(obj: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out as T;
}
