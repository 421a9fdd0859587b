import { registerDecorator, ValidationOptions } from 'class-validator';

/**
 * Times the API accepts: an ISO-8601 instant with date, time and zone — `Z` or a numeric offset such as
 * `+08:00` (normalised to UTC on the way in) — e.g. 2026-11-22T08:00:00Z or 2026-11-22T08:00:00.123Z.
 * Every component must exist on the calendar (2026-02-30, hour 24, second 60 are refused, never rolled
 * over) and the instant must lie in [INSTANT_MIN, INSTANT_MAX): far-off dates are always input mistakes and
 * would otherwise flow into events and read models that cannot represent them.
 */
export const INSTANT_MIN = '2000-01-01T00:00:00Z';
export const INSTANT_MAX = '2100-01-01T00:00:00Z';
const MIN_MS = Date.parse(INSTANT_MIN);
const MAX_MS = Date.parse(INSTANT_MAX);

/** The syntax (calendar and range are checked by parseInstant). Also published in the OpenAPI document. */
export const INSTANT_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$';
const INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):(\d{2}))$/;

export const INSTANT_RULE = `an ISO-8601 instant with a zone (Z or ±HH:MM), such as 2026-11-22T08:00:00Z, on or after ${INSTANT_MIN} and before ${INSTANT_MAX}`;

/** Strictly parses an instant: epoch milliseconds, or null when the text is not a real instant in range. */
export function parseInstant(value: unknown): number | null {
  if (typeof value !== 'string' || value.length > 40) return null;
  const m = INSTANT_RE.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  // Date.UTC maps years 0–99 to 1900–1999: refuse out-of-range years before computing anything.
  if (year < 1999 || year > 2100) return null;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  let offsetMin = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 14 || om > 59) return null;
    offsetMin = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const millis = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  const t = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMin * 60_000;
  return t >= MIN_MS && t < MAX_MS ? t : null;
}

export function IsIsoInstant(options?: ValidationOptions): PropertyDecorator {
  return (object: object, key: string | symbol) =>
    registerDecorator({
      name: 'isIsoInstant',
      target: object.constructor,
      propertyName: String(key),
      options: { message: `${String(key)} must be ${INSTANT_RULE}`, ...options },
      validator: {
        validate(value: unknown) {
          return parseInstant(value) !== null;
        },
      },
    });
}

/** Normalises a validated instant to UTC ISO with milliseconds. */
export function toUtcIso(s: string): string {
  const t = parseInstant(s);
  if (t === null) throw new RangeError(`not a valid instant: ${s}`);
  return new Date(t).toISOString();
}

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const ID_MESSAGE = 'must be 1–128 characters: letters, digits, . _ : -';
