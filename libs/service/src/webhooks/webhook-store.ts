import type { Migration, SqlDatabase, SqlExecutor } from '@app/event-store';

/**
 * Durable webhook state, the same SQL on PGlite and PostgreSQL, created under the migration lock
 * (runMigrations, namespace `webhooks`):
 *  - webhook_endpoints: registrations (secrets kept to sign; a rotated-out secret until `previous_expires_at`);
 *  - webhook_messages: the outbox, one row per (endpoint, event), written by the fan-out subscription in the
 *    transaction that moves its checkpoint; state PENDING → DELIVERED | FAILED (given up);
 *  - webhook_attempts: the delivery log, one row per attempt.
 */
export const WEBHOOK_MIGRATION_NAMESPACE = 'webhooks';
export const WEBHOOK_MIGRATIONS: readonly Migration[] = [
  {
    id: '001-webhooks',
    sql: `
CREATE TABLE IF NOT EXISTS webhook_endpoints (
  id text PRIMARY KEY,
  merchant_id text,
  created_by text NOT NULL,
  url text NOT NULL,
  event_types text[] NOT NULL,
  description text,
  status text NOT NULL DEFAULT 'ENABLED',
  disabled_reason text,
  secret text NOT NULL,
  previous_secret text,
  previous_expires_at timestamptz,
  failing_since timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS webhook_endpoints_merchant ON webhook_endpoints (merchant_id, created_at);
CREATE TABLE IF NOT EXISTS webhook_messages (
  seq bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  endpoint_id text NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
  dispute_id text NOT NULL,
  stream text NOT NULL,
  revision integer NOT NULL,
  position text NOT NULL,
  event_type text NOT NULL,
  payload text NOT NULL,
  committed_at timestamptz NOT NULL,
  state text NOT NULL DEFAULT 'PENDING',
  attempts integer NOT NULL DEFAULT 0,
  first_attempt_at timestamptz,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS webhook_messages_pending ON webhook_messages (endpoint_id, dispute_id, seq) WHERE state = 'PENDING';
CREATE INDEX IF NOT EXISTS webhook_messages_due ON webhook_messages (next_attempt_at) WHERE state = 'PENDING';
CREATE TABLE IF NOT EXISTS webhook_attempts (
  id bigserial PRIMARY KEY,
  endpoint_id text NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
  message_id text NOT NULL,
  event_type text NOT NULL,
  attempt integer NOT NULL,
  status text NOT NULL,
  response_status integer,
  duration_ms integer NOT NULL,
  error text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS webhook_attempts_endpoint ON webhook_attempts (endpoint_id, id DESC);
`,
  },
  {
    // The senders read an endpoint's pending messages in outbox order and stop after a batch: an index in that
    // order keeps the read short however long the backlog is.
    id: '002-webhook-pending-order',
    sql: `CREATE INDEX IF NOT EXISTS webhook_messages_pending_order ON webhook_messages (endpoint_id, seq) WHERE state = 'PENDING';`,
  },
  {
    // The running senders (a heartbeat each lock interval) and the partitions each leads: instances share the
    // partitions instead of the first one keeping them all (and operators see who sends what).
    id: '003-webhook-senders',
    sql: `CREATE TABLE IF NOT EXISTS webhook_senders (instance_id text PRIMARY KEY, partitions integer[] NOT NULL, seen_at timestamptz NOT NULL DEFAULT now());`,
  },
];

export interface EndpointRow {
  id: string;
  merchant_id: string | null;
  created_by: string;
  url: string;
  event_types: string[];
  description: string | null;
  status: 'ENABLED' | 'DISABLED';
  disabled_reason: string | null;
  secret: string;
  previous_secret: string | null;
  previous_expires_at: string | null;
  failing_since: string | null;
  created_at: string;
  updated_at: string;
}

export interface MessageRow {
  seq: string;
  id: string;
  endpoint_id: string;
  dispute_id: string;
  stream: string;
  revision: number;
  position: string;
  event_type: string;
  payload: string;
  committed_at: string;
  state: 'PENDING' | 'DELIVERED' | 'FAILED';
  attempts: number;
  first_attempt_at: string | null;
  next_attempt_at: string;
}

export interface AttemptRow {
  id: string;
  message_id: string;
  event_type: string;
  attempt: number;
  status: 'SUCCEEDED' | 'FAILED';
  response_status: number | null;
  duration_ms: number;
  error: string | null;
  at: string;
}

const ISO = (col: string, as = col) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${as}`;
export const ENDPOINT_COLUMNS = `id, merchant_id, created_by, url, event_types, description, status, disabled_reason, secret, previous_secret,
  ${ISO('previous_expires_at')}, ${ISO('failing_since')}, ${ISO('created_at')}, ${ISO('updated_at')}`;
const MESSAGE_COLUMNS = `seq::text AS seq, id, endpoint_id, dispute_id, stream, revision, position, event_type, payload, ${ISO('committed_at')}, state, attempts,
  ${ISO('first_attempt_at')}, ${ISO('next_attempt_at')}`;

/** Notified (in the fan-out transaction, so at its commit) when new messages were written. */
export const WEBHOOK_NOTIFY_CHANNEL = 'webhook_messages';

export class WebhookStore {
  constructor(readonly db: SqlDatabase) {}

  async endpoint(id: string): Promise<EndpointRow | null> {
    const { rows } = await this.db.query<EndpointRow>(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** Enabled endpoints that may receive a case of `merchantId` (its own and the platform's). */
  async enabledEndpoints(tx: SqlExecutor): Promise<EndpointRow[]> {
    const { rows } = await tx.query<EndpointRow>(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE status = 'ENABLED'`);
    return rows;
  }

  /** Endpoints with a message due now (for the senders). */
  async endpointsWithDueMessages(): Promise<string[]> {
    const { rows } = await this.db.query<{ endpoint_id: string }>(
      `SELECT DISTINCT m.endpoint_id FROM webhook_messages m JOIN webhook_endpoints e ON e.id = m.endpoint_id
       WHERE m.state = 'PENDING' AND m.next_attempt_at <= now() AND e.status = 'ENABLED'`,
    );
    return rows.map((r) => r.endpoint_id);
  }

  /**
   * One read per refill of a sender: the endpoint (null when it is gone or not ENABLED) and up to `limit` of its
   * messages that may be sent now — per dispute only the earliest pending one (revision order), and none of the
   * disputes in `busy` (a message of theirs is in flight or its answer is not recorded yet).
   */
  async dueBatch(endpointId: string, limit: number, busy: readonly string[]): Promise<{ endpoint: EndpointRow | null; messages: MessageRow[] }> {
    const { rows } = await this.db.query<EndpointRow & { m_seq: string | null } & Record<string, unknown>>(
      `SELECT ${ENDPOINT_COLUMNS}, d.* FROM webhook_endpoints e0
         LEFT JOIN LATERAL (
           SELECT m.seq::text AS m_seq, m.id AS m_id, m.dispute_id AS m_dispute_id, m.stream AS m_stream, m.revision AS m_revision,
                  m.position AS m_position, m.event_type AS m_event_type, m.payload AS m_payload, ${ISO('m.committed_at', 'm_committed_at')},
                  m.attempts AS m_attempts, ${ISO('m.first_attempt_at', 'm_first_attempt_at')}, ${ISO('m.next_attempt_at', 'm_next_attempt_at')}
           FROM webhook_messages m
           WHERE m.endpoint_id = e0.id AND m.state = 'PENDING' AND m.next_attempt_at <= now() AND NOT (m.dispute_id = ANY($3::text[]))
             AND NOT EXISTS (SELECT 1 FROM webhook_messages p WHERE p.endpoint_id = m.endpoint_id AND p.dispute_id = m.dispute_id
                             AND p.state = 'PENDING' AND p.seq < m.seq)
           ORDER BY m.seq LIMIT $2
         ) d ON true
       WHERE e0.id = $1 AND e0.status = 'ENABLED'
       ORDER BY d.m_seq::bigint`,
      [endpointId, limit, busy],
    );
    if (rows.length === 0) return { endpoint: null, messages: [] };
    const r0 = rows[0];
    const endpoint: EndpointRow = {
      id: r0.id, merchant_id: r0.merchant_id, created_by: r0.created_by, url: r0.url, event_types: r0.event_types, description: r0.description,
      status: r0.status, disabled_reason: r0.disabled_reason, secret: r0.secret, previous_secret: r0.previous_secret,
      previous_expires_at: r0.previous_expires_at, failing_since: r0.failing_since, created_at: r0.created_at, updated_at: r0.updated_at,
    };
    const messages: MessageRow[] = rows
      .filter((r) => r.m_seq !== null)
      .map((r) => ({
        seq: r.m_seq!, id: r.m_id as string, endpoint_id: endpointId, dispute_id: r.m_dispute_id as string, stream: r.m_stream as string,
        revision: r.m_revision as number, position: r.m_position as string, event_type: r.m_event_type as string, payload: r.m_payload as string,
        committed_at: r.m_committed_at as string, state: 'PENDING', attempts: r.m_attempts as number,
        first_attempt_at: (r.m_first_attempt_at as string | null) ?? null, next_attempt_at: r.m_next_attempt_at as string,
      }));
    return { endpoint, messages };
  }

  /** When the earliest pending message of the endpoint is due (null: none pending). */
  async nextDueAt(endpointId: string): Promise<number | null> {
    const { rows } = await this.db.query<{ at: string | null }>(
      `SELECT ${ISO('min(next_attempt_at)', 'at')} FROM webhook_messages WHERE endpoint_id = $1 AND state = 'PENDING'`,
      [endpointId],
    );
    return rows[0]?.at ? Date.parse(rows[0].at) : null;
  }

  async message(endpointId: string, messageId: string): Promise<MessageRow | null> {
    const { rows } = await this.db.query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM webhook_messages WHERE endpoint_id = $1 AND id = $2`, [endpointId, messageId]);
    return rows[0] ?? null;
  }

  async attempts(endpointId: string, limit: number, before?: string): Promise<AttemptRow[]> {
    const { rows } = await this.db.query<AttemptRow>(
      `SELECT id::text AS id, message_id, event_type, attempt, status, response_status, duration_ms, error, ${ISO('at')}
       FROM webhook_attempts WHERE endpoint_id = $1 AND ($2::bigint IS NULL OR id < $2::bigint) ORDER BY id DESC LIMIT $3`,
      [endpointId, before ?? null, limit],
    );
    return rows;
  }

  /**
   * Heartbeat of a sender (with the partitions it leads); returns the senders seen within `liveMs` (this one
   * included) with the number of partitions each leads and forgets the ones not seen for an hour.
   */
  async heartbeat(instanceId: string, partitions: number[], liveMs: number): Promise<{ instanceId: string; partitions: number }[]> {
    await this.db.query(
      `INSERT INTO webhook_senders (instance_id, partitions, seen_at) VALUES ($1, $2::int[], now())
       ON CONFLICT (instance_id) DO UPDATE SET partitions = excluded.partitions, seen_at = excluded.seen_at`,
      [instanceId, partitions],
    );
    if (Math.random() < 0.05) await this.db.query(`DELETE FROM webhook_senders WHERE seen_at < now() - interval '1 hour'`);
    const { rows } = await this.db.query<{ instance_id: string; partitions: number }>(
      `SELECT instance_id, coalesce(array_length(partitions, 1), 0) AS partitions FROM webhook_senders WHERE seen_at > now() - make_interval(secs => $1::float8 / 1000)`,
      [liveMs],
    );
    return rows.map((r) => ({ instanceId: r.instance_id, partitions: r.partitions }));
  }

  async leave(instanceId: string): Promise<void> {
    await this.db.query(`DELETE FROM webhook_senders WHERE instance_id = $1`, [instanceId]);
  }

  /** Pending messages and the age of the oldest due one (for /metrics). */
  async backlog(): Promise<{ pending: number; oldestDueSeconds: number }> {
    const { rows } = await this.db.query<{ pending: string; oldest: string | null }>(
      `SELECT count(*)::text AS pending, EXTRACT(EPOCH FROM now() - min(committed_at) FILTER (WHERE next_attempt_at <= now()))::text AS oldest
       FROM webhook_messages m JOIN webhook_endpoints e ON e.id = m.endpoint_id WHERE m.state = 'PENDING' AND e.status = 'ENABLED'`,
    );
    return { pending: Number(rows[0]?.pending ?? 0), oldestDueSeconds: Math.max(0, Number(rows[0]?.oldest ?? 0)) };
  }
}
