/** Rows returned by SqlEventStore's statements and their mapping to RecordedEvent; the fields of database errors it reads. */
import type { RecordedEvent } from '../event-store.port';
import type { StreamHead } from '../append-support';

export interface EventRow {
  stream_id: string;
  stream_revision: number | string;
  tx: string;
  gp: string;
  event_id: string;
  event_type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown> | null;
  recorded_at: string;
  hash: string;
  prev_hash: string | null;
}

export interface AppendRow {
  r_replay: boolean;
  r_revision: number | string;
  r_tx: string;
  r_gp: string;
  r_event_id: string | null;
  r_type: string | null;
  r_data: Record<string, unknown> | null;
  r_metadata: Record<string, unknown> | null;
  r_recorded_at: string | null;
  r_hash: string | null;
  r_prev_hash: string | null;
}

export function rowToEvent(r: EventRow): RecordedEvent {
  return {
    stream: r.stream_id,
    revision: Number(r.stream_revision),
    position: `${r.tx}/${r.gp}`,
    eventId: r.event_id,
    type: r.event_type,
    data: r.data,
    metadata: r.metadata ?? {},
    recordedAt: r.recorded_at,
    hash: r.hash,
    prevHash: r.prev_hash,
  };
}

export interface PgLikeError {
  code?: string;
  detail?: string;
  constraint?: string;
}

export function headFromDetail(err: PgLikeError): StreamHead & { eventId?: string } {
  try {
    const d = JSON.parse(err.detail ?? '{}') as { revision?: number | string; hash?: string | null; eventId?: string };
    return { revision: Number(d.revision ?? -1), hash: d.hash ?? null, eventId: d.eventId };
  } catch {
    return { revision: -1, hash: null };
  }
}

/** The stored events es_append returned for an idempotent replay (the same event ids appended again). */
export function replayedEvents(stream: string, rows: AppendRow[]): RecordedEvent[] {
  return rows.map((r) => ({
    stream,
    revision: Number(r.r_revision),
    position: `${r.r_tx}/${r.r_gp}`,
    eventId: r.r_event_id!,
    type: r.r_type!,
    data: r.r_data!,
    metadata: r.r_metadata ?? {},
    recordedAt: r.r_recorded_at!,
    hash: r.r_hash!,
    prevHash: r.r_prev_hash,
  }));
}
