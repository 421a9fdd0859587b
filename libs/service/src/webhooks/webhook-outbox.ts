import { v5 as uuidv5 } from 'uuid';
import { disputeDecider, toDisputeView, type DisputeState } from '@app/domain';
import type { EventStore, RecordedEvent, SqlExecutor } from '@app/event-store';
import type { Projection } from '@app/projections';
import { toDomainEvent } from '../platform/commands/aggregate-repository';
import { webhookTypeOf } from './event-types';
import { WEBHOOK_NOTIFY_CHANNEL, type EndpointRow, type WebhookStore } from './webhook-store';

const MESSAGE_ID_NAMESPACE = '3d0f6c1e-8a4b-4f7e-b1d2-6a9e5c2f7b80';

/** The same event for the same endpoint always gets the same message id (webhook-id): replays are no-ops. */
export function messageIdFor(endpointId: string, eventId: string): string {
  return `msg_${uuidv5(`${endpointId}|${eventId}`, MESSAGE_ID_NAMESPACE).replace(/-/g, '')}`;
}

/** The body of a webhook message (contract: Webhooks). */
export interface WebhookPayload {
  type: string;
  timestamp: string;
  data: {
    disputeId: string;
    merchantId: string;
    stream: string;
    revision: number;
    position: string;
    eventType: string;
    dispute: Record<string, unknown>;
  };
}

/**
 * The webhook fan-out as a projection: it runs in a ProjectionRunner of its own (own checkpoint `webhooks`,
 * one leader across instances) over the same global log the read models read, and writes one outbox row per
 * (event, matching endpoint) in the transaction that moves its checkpoint — so every committed event is
 * turned into messages exactly once and nothing exists for an event that was never committed.
 * Endpoints receive the events committed after they were registered.
 */
export function webhookOutboxProjection(store: EventStore, webhooks: WebhookStore): Projection {
  const relevantOf = (events: readonly RecordedEvent[]) => events.filter((e) => webhookTypeOf(e.stream, e.type) !== null);
  return {
    name: 'webhooks',
    tables: [],
    ddl: [],
    // The outbox is what the senders act on at once: it is never committed asynchronously (only the senders'
    // bookkeeping of attempts is, see AttemptRecorder).
    synchronousCommit: true,
    /** Reads the histories of the cases in the batch (outside the transaction), when any endpoint exists. */
    async prepare(events: readonly RecordedEvent[]): Promise<Map<string, RecordedEvent[]>> {
      const histories = new Map<string, RecordedEvent[]>();
      const relevant = relevantOf(events);
      if (relevant.length === 0 || (await webhooks.enabledEndpoints(webhooks.db)).length === 0) return histories;
      const upTo = new Map<string, number>();
      for (const e of relevant) upTo.set(e.stream, Math.max(upTo.get(e.stream) ?? 0, e.revision));
      await Promise.all([...upTo].map(async ([stream, revision]) => histories.set(stream, await store.readStream(stream, { maxCount: revision + 1 }))));
      return histories;
    },
    async apply(tx: SqlExecutor, events: readonly RecordedEvent[], _prefix: string, prepared?: unknown) {
      const relevant = relevantOf(events);
      if (relevant.length === 0) return;
      const endpoints = await webhooks.enabledEndpoints(tx);
      if (endpoints.length === 0) return;
      const histories = (prepared as Map<string, RecordedEvent[]> | undefined) ?? new Map<string, RecordedEvent[]>();
      const byStream = new Map<string, RecordedEvent[]>();
      for (const e of relevant) byStream.set(e.stream, [...(byStream.get(e.stream) ?? []), e]);
      const rows: unknown[][] = [];
      for (const [stream, batch] of byStream) {
        const history = histories.get(stream);
        // An endpoint appeared between prepare and apply: fail the batch, the runner applies it again from the checkpoint.
        if (!history) throw new Error(`webhook fan-out: endpoints changed while the batch was prepared (${stream}); retrying the batch`);
        // The case after each event, exactly as GET /disputes/{id}?at=<revision> shows it.
        let state: DisputeState = disputeDecider.initialState();
        let i = 0;
        for (const e of batch) {
          for (; i < history.length && history[i].revision <= e.revision; i++) state = disputeDecider.evolve(state, toDomainEvent(history[i]));
          if (!state.disputeId) continue;
          const type = webhookTypeOf(e.stream, e.type)!;
          const targets = endpoints.filter((ep) => receives(ep, state.merchantId, type, e.recordedAt));
          if (targets.length === 0) continue;
          const payload: WebhookPayload = {
            type,
            timestamp: e.recordedAt,
            data: {
              disputeId: state.disputeId,
              merchantId: state.merchantId,
              stream,
              revision: e.revision,
              position: e.position,
              eventType: e.type,
              dispute: { ...toDisputeView(state, e.recordedAt), revision: e.revision, stream },
            },
          };
          const body = JSON.stringify(payload);
          for (const ep of targets) rows.push([messageIdFor(ep.id, e.eventId), ep.id, state.disputeId, stream, e.revision, e.position, type, body, e.recordedAt]);
        }
      }
      if (rows.length === 0) return;
      // One statement for the batch; within a case in revision order (seq follows it: the senders' order). It also
      // notifies the senders (delivered at commit) with the endpoints concerned, so they need not look them up.
      const col = (i: number) => rows.map((r) => r[i]);
      const ids = [...new Set(rows.map((r) => r[1] as string))].join(',');
      await tx.query(
        `WITH ins AS (
           INSERT INTO webhook_messages (id, endpoint_id, dispute_id, stream, revision, position, event_type, payload, committed_at)
           SELECT id, endpoint_id, dispute_id, stream, revision, position, event_type, payload, committed_at
           FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::timestamptz[]) WITH ORDINALITY AS v(id, endpoint_id, dispute_id, stream, revision, position, event_type, payload, committed_at, n)
           ORDER BY n ON CONFLICT (id) DO NOTHING RETURNING 1
         )
         SELECT pg_notify($10, $11) AS notified, (SELECT count(*) FROM ins) AS written`,
        [col(0), col(1), col(2), col(3), col(4), col(5), col(6), col(7), col(8), WEBHOOK_NOTIFY_CHANNEL, ids.length <= 7000 ? ids : ''],
      );
    },
  };
}

function receives(ep: EndpointRow, merchantId: string, type: string, recordedAt: string): boolean {
  if (ep.merchant_id !== null && ep.merchant_id !== merchantId) return false;
  if (!ep.event_types.includes(type)) return false;
  return Date.parse(recordedAt) >= Date.parse(ep.created_at);
}
