/**
 * Rush-order dispute aggregate (one stream per dispute, `dispute-{disputeId}`): the merchant's choice among the five options,
 * the consumer's answers, deadlines, the adjudicator's review and the judgement.
 *
 * ## Statuses
 * AWAITING_MERCHANT → (choice) → SETTLED | AWAITING_SHIPMENT | AWAITING_CONSUMER | UNDER_REVIEW | JUDGED
 * AWAITING_SHIPMENT → pickup scan ≤ agreedShipBy → SETTLED; none by agreedShipBy → JUDGED (BREACH_OF_PROMISE)
 * AWAITING_CONSUMER → accepted → SETTLED (refund, final); rejected → JUDGED (OUT_OF_STOCK); silence → UNDER_REVIEW
 * SETTLED / AWAITING_SHIPMENT (claimed settlements) → contest within the window → UNDER_REVIEW
 * UNDER_REVIEW → adjudicator → JUDGED
 *
 * ## Final
 * A case is final when JUDGED, or SETTLED and either the settlement was the consumer's own acceptance of an
 * out-of-stock refund (nothing left to contest) or the contest window closed (ContestWindowClosed recorded,
 * or — with `now` given to isFinal — the window's end has passed). Finality never reverts.
 *
 * ## Flows
 * UNIFIED (since seed 002): exactly one choice — one settlement or the no-fault defense. Any further
 * ChooseOption is refused with CHOICE_ALREADY_MADE (409).
 * LEGACY (before the change; settlement and defense ran in parallel):
 *  - the merchant may file at most one settlement and at most one defense (each slot once; a second one in
 *    the same slot: CHOICE_ALREADY_MADE), in either order, all by responseDueAt;
 *  - a defense filed while AWAITING_MERCHANT is processed at once exactly as in the unified flow (system
 *    judgement or UNDER_REVIEW reason DEFENSE);
 *  - a settlement may still be filed while that defense is UNDER_REVIEW; the settlement then takes over
 *    (the review is suspended, the defense stays on file);
 *  - a defense filed while a settlement is running (AWAITING_SHIPMENT, AWAITING_CONSUMER, SETTLED within
 *    the contest window) is held on file as the fallback; filed while UNDER_REVIEW it is attached to the
 *    review;
 *  - when a settlement fails — no pickup by agreedShipBy, consumer rejects the out-of-stock refund — and a
 *    defense is on file, the case goes to UNDER_REVIEW (reason SETTLEMENT_FAILED) for an adjudicator to
 *    review the defense, instead of the direct system violation; without a defense on file the unified
 *    outcome applies. Consumer silence and a contest go to UNDER_REVIEW in both flows (with the defense
 *    attached in legacy).
 *
 * ## Deadlines
 * pendingDeadlines(state) derives the due deadlines from state alone. FireDeadline for a deadline that is
 * not pending (not applicable, already fired, superseded) or not yet due returns [] (a no-op), so firing
 * twice is harmless and the app's optimistic concurrency makes it exactly-once.
 *
 * ## Time rules
 * Every merchant choice must be made by responseDueAt (RESPONSE_WINDOW_CLOSED, 422, even if the RESPONSE
 * deadline has not fired yet); the consumer's answer by consumerResponseDueAt
 * (CONSUMER_RESPONSE_WINDOW_CLOSED); a contest by contestWindowEndsAt = choice time + contestWindow
 * (CONTEST_WINDOW_CLOSED). Exactly at a due time is still in time; a deadline fires at now ≥ dueAt.
 */

export type { Evidence } from '../shared/input';
export * from './events';
export * from './commands';
export * from './state';
export * from './finality';
export { pendingDeadlines, type PendingDeadline } from './deadlines';
export { DEFENSE_REQUIREMENTS, assessmentFinding, verifyDefense, type DefenseRequirement } from './defense';
export { evaluateOptions, type ChoiceInput, type OptionEvaluation } from './options';
export { decide, decider, disputeDecider } from './decide';
export * from './view';
export * from './rejudge';
