import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ORDER_STREAM_PREFIX, orderDecider, type OrderFactRef } from '@app/domain';
import type { RecordedEvent } from '@app/event-store';
import { AggregateRepository } from '../../platform/commands/aggregate-repository';
import type { OrderEventReactions } from '../../orders/order-reactions';
import { ObservePickupCommand } from '../commands/observe-pickup.handler';

/**
 * The dispute's reactions to order events: a PICKUP_SCANNED fact on an order whose active case waits for
 * shipment by an agreed date settles it (ObservePickup). The case is the one active on the order when the
 * fact was recorded (the order stream folded up to the fact's revision). Run from the log by
 * DisputeReactionsSubscription and, right after the append, by the order-fact handler; idempotent.
 */
@Injectable()
export class DisputeOrderReactions implements OrderEventReactions {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly commands: CommandBus,
  ) {}

  /** Whether this event may call for a reaction (cheap filter over the global log). */
  static concerns(e: RecordedEvent): boolean {
    return e.stream.startsWith(ORDER_STREAM_PREFIX) && e.type === 'OrderFactRecorded' && (e.data as { type?: string }).type === 'PICKUP_SCANNED';
  }

  async react(events: readonly RecordedEvent[]): Promise<void> {
    for (const e of events) {
      if (!DisputeOrderReactions.concerns(e)) continue;
      const { state } = await this.repo.load(e.stream, orderDecider, (x) => x.revision <= e.revision);
      if (!state.activeDisputeId) continue;
      const { orderId: _o, recordedAt: _r, ...pickup } = e.data as unknown as OrderFactRef & { orderId: string; recordedAt: string };
      const correlationId = typeof e.metadata?.correlationId === 'string' ? e.metadata.correlationId : undefined;
      await this.commands.execute(new ObservePickupCommand(state.activeDisputeId, pickup, e.eventId, correlationId));
    }
  }
}
