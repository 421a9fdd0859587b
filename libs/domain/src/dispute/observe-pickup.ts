/** ObservePickup: a pickup scan ≤ agreedShipBy settles a case awaiting shipment; otherwise nothing. */
import { DomainError, invalidInput } from '../errors';
import { compact, iso, toMs } from '../shared/time';
import type { ObservePickup } from './commands';
import type { DisputeEvent } from './events';
import { requireOpened } from './guards';
import type { DisputeState } from './state';

export function observePickup(cmd: ObservePickup, state: DisputeState): DisputeEvent[] {
  requireOpened(state);
  const nowMs = toMs(cmd.now, 'now');
  const p = cmd.pickup;
  if (!p || p.type !== 'PICKUP_SCANNED') throw invalidInput('pickup must be a PICKUP_SCANNED fact', { field: 'pickup' });
  const occurredMs = toMs(p.occurredAt, 'pickup.occurredAt');
  if (occurredMs > nowMs) throw new DomainError('FACT_IN_FUTURE', 'A fact may not be dated in the future', { field: 'pickup.occurredAt' });
  if (state.status !== 'AWAITING_SHIPMENT' || occurredMs > Date.parse(state.agreedShipBy!)) return [];
  return [
    {
      type: 'DisputeSettled',
      data: {
        disputeId: state.disputeId,
        option: 'SHIP_BY_AGREED_DATE',
        settledAt: iso(nowMs),
        via: 'PICKUP_OBSERVED',
        satisfiedBy: [compact({ seq: p.seq, type: p.type, occurredAt: iso(occurredMs), carrier: p.carrier, waybillNo: p.waybillNo })],
        refund: false,
        contestWindowEndsAt: state.contestWindowEndsAt,
      },
    },
  ];
}
