/**
 * Result-type parity between the two SqlDatabase implementations. Out of the box node-postgres and PGlite
 * disagree on a few common types (int8: string vs number; date: local-midnight Date vs UTC-midnight Date;
 * timestamp without time zone: local vs UTC). Code written against SqlDatabase runs on both, so both are
 * configured to return the same JS values:
 *
 *  | type                         | JS value                                                      |
 *  |------------------------------|---------------------------------------------------------------|
 *  | int8 / bigint (count(*) …)   | number (exact up to 2^53; cast to text where that can overflow) |
 *  | numeric                      | string (both defaults)                                        |
 *  | date                         | 'YYYY-MM-DD' string (no time-zone guessing)                   |
 *  | timestamp (without tz)       | Date, interpreted as UTC                                      |
 *  | timestamptz                  | Date (both defaults)                                          |
 *  | json / jsonb                 | parsed value (both defaults)                                  |
 *  | xid8, uuid, text …           | string                                                        |
 */
export const OID = { INT8: 20, DATE: 1082, TIMESTAMP: 1114 } as const;

export function parseInt8(value: string): number {
  return Number(value);
}

export function parseDate(value: string): string {
  return value;
}

export function parseTimestampUtc(value: string): Date | string {
  if (value === 'infinity' || value === '-infinity') return value;
  const iso = value.includes('T') ? value : value.replace(' ', 'T');
  const d = new Date(/[zZ]|[+-]\d\d(:?\d\d)?$/.test(iso) ? iso : `${iso}Z`);
  return Number.isNaN(d.getTime()) ? value : d;
}

/** Text-format parsers keyed by type OID, for both drivers. */
export const TEXT_PARSERS: Record<number, (value: string) => unknown> = {
  [OID.INT8]: parseInt8,
  [OID.DATE]: parseDate,
  [OID.TIMESTAMP]: parseTimestampUtc,
};
