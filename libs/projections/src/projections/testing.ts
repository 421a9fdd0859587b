/**
 * Test support (not exported from the barrel): builds realistic event histories by running the domain's
 * deciders (decide → events → evolve), so projection specs break when the domain's events change.
 * Events are kept in an in-memory log in global order (positions "1/<n>", recordedAt = the command's `now`)
 * and can be replayed into a real EventStore.
 */
import {
  DEFAULT_SETTINGS,
  dispute,
  DISPUTE_STREAM_PREFIX,
  isFinal,
  order as orderDomain,
  ORDER_STREAM_PREFIX,
  orderSnapshot,
  type ChooseOption,
  type DeadlineKind,
  type DisputeSettings,
  type DisputeState,
  type Flow,
  type JudgeContext,
  type OrderDetails,
  type OrderFactInput,
  type OrderState,
  type Outcome,
  type Violation,
} from '@app/domain';
import type { EventStore, RecordedEvent } from '@app/event-store';

export type Actor = { sub: string; role: 'platform' | 'merchant' | 'consumer' | 'adjudicator' | 'auditor' };
const PLATFORM: Actor = { sub: 'platform-1', role: 'platform' };

export class Scenario {
  readonly log: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  rules: JudgeContext = { rulesVersion: 'v2', merchantWeek: null };

  private append(stream: string, events: { type: string; data: unknown }[], now: string, actor: Actor): RecordedEvent[] {
    const s = this.streams.get(stream) ?? [];
    this.streams.set(stream, s);
    const out: RecordedEvent[] = [];
    for (const e of events) {
      // Stored events are JSON: round-trip so `undefined` holes vanish exactly as in the real store.
      const data = JSON.parse(JSON.stringify(e.data)) as Record<string, unknown>;
      const rec: RecordedEvent = {
        stream,
        revision: s.length,
        position: `1/${this.log.length + 1}`,
        eventId: `${stream}#${s.length}`,
        type: e.type,
        data,
        metadata: { actor },
        recordedAt: new Date(Date.parse(now)).toISOString(),
        hash: '',
        prevHash: null,
      };
      s.push(rec);
      this.log.push(rec);
      out.push(rec);
    }
    return out;
  }

  orderState(orderId: string): OrderState {
    return (this.streams.get(ORDER_STREAM_PREFIX + orderId) ?? []).reduce(orderDomain.evolve, orderDomain.initialState());
  }

  disputeState(disputeId: string): DisputeState {
    return (this.streams.get(DISPUTE_STREAM_PREFIX + disputeId) ?? []).reduce(dispute.evolve, dispute.initialState());
  }

  streamEvents(stream: string): RecordedEvent[] {
    return [...(this.streams.get(stream) ?? [])];
  }

  registerOrder(o: Partial<OrderDetails> & { orderId: string; merchantId: string; placedAt: string }, now?: string): RecordedEvent[] {
    const details: OrderDetails = {
      consumerId: 'C1',
      paymentMethod: 'ONLINE',
      orderKind: 'STANDARD',
      amount: 10_000,
      ...o,
    };
    const at = now ?? details.placedAt;
    return this.append(
      ORDER_STREAM_PREFIX + o.orderId,
      orderDomain.decide({ type: 'RegisterOrder', order: details, now: at }, this.orderState(o.orderId)),
      at,
      PLATFORM,
    );
  }

  fact(orderId: string, fact: OrderFactInput, now?: string): RecordedEvent[] {
    const at = now ?? fact.occurredAt;
    return this.append(
      ORDER_STREAM_PREFIX + orderId,
      orderDomain.decide({ type: 'RecordOrderFact', fact, now: at }, this.orderState(orderId)),
      at,
      PLATFORM,
    );
  }

  /** A standard online order placed and paid at `paidAt` (the clock start). */
  paidOrder(orderId: string, merchantId: string, paidAt: string, extra: Partial<OrderDetails> = {}): void {
    this.registerOrder({ orderId, merchantId, placedAt: paidAt, ...extra });
    this.fact(orderId, { type: 'PAID', occurredAt: paidAt });
  }

  /** Records a waybill upload and (unless null) a pickup scan, each at its own time. */
  ship(orderId: string, waybillAt: string | null, pickupAt: string | null): void {
    if (waybillAt) this.fact(orderId, { type: 'WAYBILL_UPLOADED', occurredAt: waybillAt, carrier: 'SF', waybillNo: `WB-${orderId}` });
    if (pickupAt) this.fact(orderId, { type: 'PICKUP_SCANNED', occurredAt: pickupAt, carrier: 'SF', waybillNo: `WB-${orderId}` });
  }

  openDispute(disputeId: string, orderId: string, openedAt: string, opts: { flow?: Flow; settings?: DisputeSettings; now?: string } = {}): RecordedEvent[] {
    const now = opts.now ?? openedAt;
    const os = this.orderState(orderId);
    const activeFinal = os.activeDisputeId ? isFinal(this.disputeState(os.activeDisputeId), now) : true;
    const a = this.append(
      ORDER_STREAM_PREFIX + orderId,
      orderDomain.decide({ type: 'OpenRushDispute', disputeId, openedAt, activeDisputeFinal: activeFinal, now }, os),
      now,
      PLATFORM,
    );
    const b = this.append(
      DISPUTE_STREAM_PREFIX + disputeId,
      dispute.decide(
        {
          type: 'OpenDispute',
          disputeId,
          order: orderSnapshot(this.orderState(orderId)),
          openedAt,
          flow: opts.flow ?? 'UNIFIED',
          settings: opts.settings ?? DEFAULT_SETTINGS,
          now,
        },
        this.disputeState(disputeId),
      ),
      now,
      PLATFORM,
    );
    return [...a, ...b];
  }

  choose(disputeId: string, input: Omit<ChooseOption, 'type' | 'order' | 'now' | 'rules'>, now: string, rules?: JudgeContext): RecordedEvent[] {
    const st = this.disputeState(disputeId);
    return this.append(
      DISPUTE_STREAM_PREFIX + disputeId,
      dispute.decide({ type: 'ChooseOption', ...input, order: orderSnapshot(this.orderState(st.orderId)), now, rules: rules ?? this.rules }, st),
      now,
      { sub: `merchant-user-${st.merchantId}`, role: 'merchant' },
    );
  }

  respond(disputeId: string, accepted: boolean, now: string, comment?: string): RecordedEvent[] {
    const st = this.disputeState(disputeId);
    return this.append(
      DISPUTE_STREAM_PREFIX + disputeId,
      dispute.decide({ type: 'ConsumerRespond', accepted, comment, now, rules: this.rules }, st),
      now,
      { sub: st.consumerId, role: 'consumer' },
    );
  }

  contest(disputeId: string, statement: string, now: string): RecordedEvent[] {
    const st = this.disputeState(disputeId);
    return this.append(DISPUTE_STREAM_PREFIX + disputeId, dispute.decide({ type: 'Contest', statement, now }, st), now, {
      sub: st.consumerId,
      role: 'consumer',
    });
  }

  judge(disputeId: string, outcome: Outcome, now: string, violation?: Violation, rules?: JudgeContext): RecordedEvent[] {
    const st = this.disputeState(disputeId);
    return this.append(
      DISPUTE_STREAM_PREFIX + disputeId,
      dispute.decide({ type: 'Judge', outcome, violation, rationale: 'reviewed the evidence', now, rules: rules ?? this.rules }, st),
      now,
      { sub: 'adjudicator-1', role: 'adjudicator' },
    );
  }

  fire(disputeId: string, deadline: DeadlineKind, now: string, rules?: JudgeContext): RecordedEvent[] {
    const st = this.disputeState(disputeId);
    return this.append(
      DISPUTE_STREAM_PREFIX + disputeId,
      dispute.decide({ type: 'FireDeadline', deadline, order: orderSnapshot(this.orderState(st.orderId)), rules: rules ?? this.rules, now }, st),
      now,
      PLATFORM,
    );
  }

  /** Replays the log into a real store, stream by stream in global order (the store assigns positions/recordedAt). */
  async appendTo(store: EventStore, from = 0, to = this.log.length): Promise<void> {
    for (const e of this.log.slice(from, to)) {
      await store.appendToStream(e.stream, [{ type: e.type, data: e.data, metadata: e.metadata }], {
        expectedRevision: e.revision === 0 ? 'no_stream' : e.revision - 1,
      });
    }
  }
}

/** Splits events into consecutive batches of the given sizes (cycled). */
export function batches<T>(items: readonly T[], sizes: readonly number[]): T[][] {
  const out: T[][] = [];
  let i = 0;
  let k = 0;
  while (i < items.length) {
    const n = Math.max(1, sizes[k++ % sizes.length]);
    out.push(items.slice(i, i + n));
    i += n;
  }
  return out;
}
