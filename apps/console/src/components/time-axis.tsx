/**
 * The order's facts on a time axis with the shipping clock: its start, the 24 h (waybill) and 48 h
 * (pickup) marks, the waybill, the pickup scan, the agreed ship-by date, the dispute's opening and
 * response deadline. An SVG drawing (no inline style) with the same marks listed as text beside it.
 */
import { fmtTime, t, type Key } from '../lib/i18n';

export interface OrderView {
  orderId: string;
  merchantId: string;
  placedAt: string;
  paymentMethod: string;
  orderKind: string;
  promisedShipAt?: string;
  amount: number;
  facts: { seq: number; type: string; occurredAt: string; carrier?: string; waybillNo?: string }[];
  shipping: { assessed: boolean; clockStartsAt?: string | null; waybillDueAt?: string | null; pickupDueAt?: string | null; late?: boolean; reason?: string };
}

interface Mark {
  at: string;
  key: Key;
  kind: 'clock' | 'due' | 'fact' | 'case' | 'now';
  note?: string;
}

export function marksOf(order: OrderView | undefined, dispute: { openedAt?: string; responseDueAt?: string; agreedShipBy?: string }): Mark[] {
  const marks: Mark[] = [];
  const add = (at: string | null | undefined, key: Key, kind: Mark['kind'], note?: string) => at && marks.push({ at, key, kind, note });
  if (order) {
    add(order.placedAt, 'case.placed', 'fact');
    const paid = order.facts.find((f) => f.type === 'PAID');
    add(paid?.occurredAt, 'case.paid', 'fact');
    add(order.shipping.clockStartsAt, 'case.clockStart', 'clock');
    add(order.shipping.waybillDueAt, 'case.due24', 'due');
    add(order.shipping.pickupDueAt, 'case.due48', 'due');
    const wb = order.facts.find((f) => f.type === 'WAYBILL_UPLOADED');
    add(wb?.occurredAt, 'case.waybill', 'fact', wb ? [wb.carrier, wb.waybillNo].filter(Boolean).join(' ') : undefined);
    const pu = order.facts.find((f) => f.type === 'PICKUP_SCANNED');
    add(pu?.occurredAt, 'case.pickup', 'fact', pu?.carrier);
  }
  add(dispute.agreedShipBy, 'case.agreedShipBy', 'due');
  add(dispute.openedAt, 'case.opened', 'case');
  add(dispute.responseDueAt, 'case.responseDue', 'case');
  marks.push({ at: new Date().toISOString(), key: 'case.now', kind: 'now' });
  return marks.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

const W = 960;
const ROW = 22;

export function TimeAxis({ order, dispute }: { order?: OrderView; dispute: { openedAt?: string; responseDueAt?: string; agreedShipBy?: string } }) {
  const marks = marksOf(order, dispute);
  if (marks.length === 0) return null;
  const t0 = Date.parse(marks[0].at);
  const t1 = Math.max(Date.parse(marks[marks.length - 1].at), t0 + 1);
  const x = (iso: string) => 20 + ((Date.parse(iso) - t0) / (t1 - t0)) * (W - 300);
  const h = 40 + marks.length * ROW;
  const clock = order?.shipping.clockStartsAt;
  const due48 = order?.shipping.pickupDueAt;
  return (
    <figure class="time-axis">
      <svg viewBox={`0 0 ${W} ${h}`} role="img" aria-labelledby="axis-title" width="100%">
        <title id="axis-title">{t('case.axis')}</title>
        <line x1={20} x2={W - 280} y1={20} y2={20} class="axis" />
        {clock && due48 && <rect x={x(clock)} y={12} width={Math.max(1, x(due48) - x(clock))} height={16} class="window" />}
        {marks.map((m, i) => {
          const mx = x(m.at);
          const y = 40 + i * ROW;
          return (
            <g key={`${m.key}-${i}`} class={`mark ${m.kind}`} data-mark={m.key}>
              <line x1={mx} x2={mx} y1={14} y2={y - 4} />
              <circle cx={mx} cy={20} r={4} />
              <text x={mx + 6} y={y + 4}>
                {t(m.key)}
                {m.note ? ` · ${m.note}` : ''} · {fmtTime(m.at)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        {order && !order.shipping.assessed && <strong>{t('case.notAssessed')}. </strong>}
        {order?.shipping.late && <mark>{t('case.late')}</mark>}
      </figcaption>
    </figure>
  );
}
