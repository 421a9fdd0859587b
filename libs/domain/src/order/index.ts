/**
 * Order aggregate (one stream per order, `order-{orderId}`): the order as registered, every fact recorded about it, and the
 * rush-order dispute currently active on it.
 *
 * Why RushDisputeOpened lives here: "at most one not-final rush dispute per order" is an invariant across
 * dispute streams, so it is enforced on the order stream. The app appends RushDisputeOpened to the order
 * stream with the expected revision it read (optimistic concurrency) and only then writes DisputeOpened
 * to the new dispute stream. A new dispute is refused with DISPUTE_ALREADY_OPEN unless the caller read
 * the active dispute and says it is final (finality never reverts, so the answer cannot go stale).
 *
 * Fact rules (documented decisions):
 *  - No fact may be dated in the future (FACT_IN_FUTURE, 400) or before `placedAt` (FACT_BEFORE_PLACEMENT, 422).
 *  - WAYBILL_UPLOADED needs `carrier` and `waybillNo` (INVALID_FACT, 400, details.missing). `carrier` and
 *    `waybillNo` are accepted only on WAYBILL_UPLOADED / PICKUP_SCANNED, `amount` only on PAID / REFUNDED.
 *  - PAID, LOCKED and INVALIDATED can be recorded once (a second one: FACT_ALREADY_RECORDED, 409).
 *  - WAYBILL_UPLOADED, PICKUP_SCANNED (re-uploads, split parcels, several scans), CANCELLATION_REQUESTED
 *    (a consumer may ask again) and REFUNDED (partial refunds) may repeat, but an exact duplicate of a
 *    recorded fact (same type, occurredAt, carrier, waybillNo, amount) is refused as FACT_ALREADY_RECORDED.
 *  - Refunds may not add up to more than the order amount (a REFUNDED without amount counts as the whole
 *    amount): REFUND_EXCEEDS_ORDER_AMOUNT, 422.
 *  - Facts may arrive out of time order; `seq` is the recording order, `occurredAt` the business time.
 */
export { assessShipping, type ShippingAssessment } from '../shared/shipping';
export * from './commands';
export * from './events';
export { initialState, evolve, type OrderFact, type OrderState } from './state';
export { decide, decider, orderDecider } from './decide';
export * from './view';
