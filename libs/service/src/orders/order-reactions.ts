import type { RecordedEvent } from '@app/event-store';

/**
 * What other features do in response to an order's events (a pickup scan settling a dispute waiting for
 * shipment by an agreed date). The order feature owns this interface and token; the reacting feature provides
 * it (DisputesModule) and the application module hands that module to OrdersModule.register().
 *
 * The reaction's owner also runs it from the event log with a durable checkpoint, so it is never lost; the
 * order handler calls it right after its append only so that the reaction is visible when the write answers.
 * It must therefore be idempotent.
 */
export interface OrderEventReactions {
  react(events: readonly RecordedEvent[]): Promise<void>;
}
export const ORDER_EVENT_REACTIONS = Symbol('ORDER_EVENT_REACTIONS');
