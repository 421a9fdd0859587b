import { DeciderSpecification } from '../testing';
import { rejudge } from '../dispute';
import {
  latestClosableWeek,
  merchantWeekDecider,
  settledMerchantWeek,
  settledWeekPoints,
  weekCloseDueAt,
  type CloseMerchantWeek,
  type LateOrderInput,
} from './decide';
import { merchantWeekStream, parseMerchantWeekStream, type MerchantWeekEvent } from './events';
import { evolve, initialState } from './state';

const spec = DeciderSpecification.for(merchantWeekDecider);
const SH = 'Asia/Shanghai';
const DAY = 86_400_000;
/*
 * 2026-W48 in Asia/Shanghai: Mon 2026-11-23 00:00 +08 = 2026-11-22T16:00Z … Mon 2026-11-30 00:00 +08 = 2026-11-29T16:00Z.
 * With WEEK_CLOSE_DELAY P2D the week closes at 2026-12-01T16:00Z.
 */
const CLOSE = '2026-12-01T16:00:00.000Z';

/** A late order paid at `paid` (clock start): waybill due +24 h, pickup due +48 h; nothing shipped. */
function lateOrder(orderId: string, paid: string, extra: Partial<LateOrderInput> = {}): LateOrderInput {
  const t = Date.parse(paid);
  return {
    orderId,
    waybillDueAt: new Date(t + DAY).toISOString(),
    pickupDueAt: new Date(t + 2 * DAY).toISOString(),
    waybillUploadedAt: null,
    pickupScannedAt: null,
    ...extra,
  };
}

// Five orders of one week, all shipped late: the 48 h pickup rate is 0 %.
const five = ['2026-11-21T00:00:00Z', '2026-11-22T00:00:00Z', '2026-11-23T00:00:00Z', '2026-11-24T00:00:00Z', '2026-11-25T00:00:00Z'].map((p, i) =>
  lateOrder(`o-${i + 1}`, p, { waybillUploadedAt: new Date(Date.parse(p) + 30 * 3_600_000).toISOString(), pickupScannedAt: new Date(Date.parse(p) + 60 * 3_600_000).toISOString() }),
);

function close(extra: Partial<CloseMerchantWeek> = {}): CloseMerchantWeek {
  return {
    type: 'CloseMerchantWeek',
    merchantId: 'm-1',
    week: '2026-W48',
    timezone: SH,
    closeDelayMs: 2 * DAY,
    rulesVersion: 'v2',
    trigger: 'DEADLINE',
    ordersDue48h: 5,
    pickedUpWithin48h: 0,
    lateOrders: five,
    excuses: [],
    liabilities: [{ orderId: 'o-1', disputeId: 'd-1' }],
    now: CLOSE,
    ...extra,
  };
}

describe('merchant-week stream names and close times', () => {
  it('puts the fixed-length week first so merchant ids may contain dashes', () => {
    expect(merchantWeekStream('m-1', '2026-W48')).toBe('merchant-week-2026-W48-m-1');
    expect(parseMerchantWeekStream('merchant-week-2026-W48-m-1')).toEqual({ week: '2026-W48', merchantId: 'm-1' });
    expect(parseMerchantWeekStream('dispute-d-1')).toBeNull();
  });
  it('closes WEEK_CLOSE_DELAY after the end of the week in the business timezone', () => {
    expect(weekCloseDueAt('2026-W48', SH, 2 * DAY)).toBe(CLOSE);
    expect(weekCloseDueAt('2026-W48', 'UTC', 2 * DAY)).toBe('2026-12-02T00:00:00.000Z');
  });
  it('names the newest week whose close is due', () => {
    expect(latestClosableWeek(CLOSE, SH, 2 * DAY)).toBe('2026-W48');
    expect(latestClosableWeek('2026-12-01T15:59:59.999Z', SH, 2 * DAY)).toBe('2026-W47');
    expect(latestClosableWeek('2026-12-08T16:00:00Z', SH, 2 * DAY)).toBe('2026-W49');
  });
});

describe('CloseMerchantWeek', () => {
  it('records nothing before the close is due (the week is still open)', () => {
    spec.given([]).when(close({ now: '2026-12-01T15:59:59.999Z' })).thenNothing();
  });

  it('on time: records the assessment citing every late order counted, the pickup rate and the points (v2, 0 % → 7)', () => {
    const [e] = spec.given([]).when(close()).thenMatches([
      {
        type: 'MerchantWeekClosed',
        data: {
          merchantId: 'm-1',
          week: '2026-W48',
          weekStart: '2026-11-22T16:00:00.000Z',
          weekEnd: '2026-11-29T16:00:00.000Z',
          closeDueAt: CLOSE,
          closedAt: CLOSE,
          trigger: 'DEADLINE',
          rulesVersion: 'v2',
          stats: { ordersDue48h: 5, pickedUpWithin48h: 0, lateOrders: 5 },
          pickupRate48h: 0,
          points: 7,
          excusedOrders: [],
        },
      },
    ]);
    const data = (e as Extract<MerchantWeekEvent, { type: 'MerchantWeekClosed' }>).data;
    expect(data.lateOrders.map((o) => o.orderId)).toEqual(['o-1', 'o-2', 'o-3', 'o-4', 'o-5']);
    expect(data.lateOrders[0]).toMatchObject({ disputeId: 'd-1', reasons: ['WAYBILL_LATE', 'PICKUP_LATE'], casePoints: 7 });
    expect(data.basis).toMatch(/< 95%/);
  });

  it('exactly once: a second close (another instance, a restart, a retry) records nothing', () => {
    const first = merchantWeekDecider.decide(close(), initialState());
    spec.given(first).when(close({ now: '2026-12-09T00:00:00Z' })).thenNothing();
    spec.given(first).when(close({ trigger: 'BACKFILL', lateOrders: [] })).thenNothing();
  });

  it('late backfill: a week long past its close is assessed with the statistics as of its close, marked BACKFILL', () => {
    // A pickup scanned after the close is not a pickup as of the close: o-3 stays late.
    const scannedLater = five.map((o) => (o.orderId === 'o-3' ? { ...o, pickupScannedAt: '2026-12-20T00:00:00Z' } : o));
    spec
      .given([])
      .when(close({ trigger: 'BACKFILL', now: '2027-01-15T00:00:00Z', lateOrders: scannedLater }))
      .thenMatches([{ type: 'MerchantWeekClosed', data: { trigger: 'BACKFILL', closeDueAt: CLOSE, closedAt: '2027-01-15T00:00:00.000Z', points: 7 } }]);
  });

  it('v1 against v2 over a whole week: 5 late orders at 0 % are 5 points under v1 and 7 under v2; at 100 % pickups v2 is 1 a case, capped at 7', () => {
    const v1 = merchantWeekDecider.decide(close({ rulesVersion: 'v1' }), initialState());
    expect(v1[0].data).toMatchObject({ rulesVersion: 'v1', points: 5, lateOrders: expect.arrayContaining([expect.objectContaining({ casePoints: 1 })]) });
    const state = merchantWeekDecider.decide(close(), initialState()).reduce(evolve, initialState());
    expect([settledWeekPoints(state, 'v1').points, settledWeekPoints(state, 'v2').points]).toEqual([5, 7]);
    // 20 orders due, 19 picked up in time (95 %): v2 ≥ 95 % → 1 point per late order.
    const wb = (o: LateOrderInput) => ({ ...o, pickupScannedAt: o.pickupDueAt, waybillUploadedAt: new Date(Date.parse(o.waybillDueAt) + 1000).toISOString() });
    const highRate = merchantWeekDecider.decide(close({ ordersDue48h: 20, pickedUpWithin48h: 19, lateOrders: five.map(wb) }), initialState());
    expect(highRate[0].data).toMatchObject({ points: 5, pickupRate48h: 0.95, stats: { lateOrders: 5 } });
  });

  it('leaves out an order a standing not-liable judgement excuses, citing it', () => {
    spec
      .given([])
      .when(close({ excuses: [{ orderId: 'o-2', disputeId: 'd-2', basis: 'DEFENSE_VERIFIED', decidedAt: '2026-11-26T00:00:00Z' }], rulesVersion: 'v1' }))
      .thenMatches([
        {
          type: 'MerchantWeekClosed',
          data: { stats: { lateOrders: 4 }, points: 4, excusedOrders: [{ orderId: 'o-2', disputeId: 'd-2', basis: 'DEFENSE_VERIFIED', decidedAt: '2026-11-26T00:00:00.000Z' }] },
        },
      ]);
  });

  it('refuses an order that is not late by the facts given, or is due in another week', () => {
    spec.given([]).when(close({ lateOrders: [lateOrder('x', '2026-11-23T00:00:00Z', { waybillUploadedAt: '2026-11-23T01:00:00Z', pickupScannedAt: '2026-11-23T02:00:00Z' })] })).thenThrows('INVALID_INPUT');
    spec.given([]).when(close({ lateOrders: [lateOrder('x', '2026-11-28T00:00:00Z')] })).thenThrows('INVALID_INPUT', { orderId: 'x' });
    spec.given([]).when(close({ pickedUpWithin48h: 6 })).thenThrows('INVALID_INPUT');
  });
});

describe('CorrectMerchantWeekAssessment (a counted liability overturned on appeal after the close)', () => {
  const correct = (orderId: string, now = '2026-12-05T00:00:00Z') =>
    ({ type: 'CorrectMerchantWeekAssessment', orderId, disputeId: `d-${orderId}`, reason: 'APPEAL_OVERTURNED', decidedAt: now, now }) as const;

  it('records a correction (never edits the assessment): the order leaves the count, the points are recomputed', () => {
    const closed = merchantWeekDecider.decide(close({ rulesVersion: 'v1' }), initialState());
    spec
      .given(closed)
      .when(correct('o-2'))
      .thenMatches([{ type: 'MerchantWeekAssessmentCorrected', data: { orderId: 'o-2', previousPoints: 5, points: 4, stats: { lateOrders: 4, ordersDue48h: 5 }, removed: { orderId: 'o-2' } } }]);
    const after = [...closed, ...merchantWeekDecider.decide(correct('o-2'), closed.reduce(evolve, initialState()))].reduce(evolve, initialState());
    expect(after).toMatchObject({ points: 4, assessedPoints: 5, corrections: [{ orderId: 'o-2', previousPoints: 5, points: 4 }] });
    expect(after.lateOrders.map((o) => o.orderId)).toEqual(['o-1', 'o-3', 'o-4', 'o-5']);
    // Idempotent: the same correction again records nothing.
    spec.given([...closed, ...merchantWeekDecider.decide(correct('o-2'), closed.reduce(evolve, initialState()))]).when(correct('o-2')).thenNothing();
  });

  it('under v2 below 95 % the flat 7 stays while another late order is counted, and goes with the last one', () => {
    const one = merchantWeekDecider.decide(close({ ordersDue48h: 5, pickedUpWithin48h: 4, lateOrders: [five[0]] }), initialState());
    expect(one[0].data).toMatchObject({ points: 7 });
    spec.given(one).when(correct('o-1')).thenMatches([{ data: { previousPoints: 7, points: 0 } }]);
  });

  it('does nothing for a week not closed yet, or for an order it did not count', () => {
    spec.given([]).when(correct('o-1')).thenNothing();
    spec.given(merchantWeekDecider.decide(close(), initialState())).when(correct('o-99')).thenNothing();
  });
});

describe('replay with the settled week (never an instant inside it)', () => {
  it('a v2 judgement rendered mid-week with 1 provisional point settles at 7 and differs from v1 by 6', () => {
    const state = merchantWeekDecider.decide(close(), initialState()).reduce(evolve, initialState());
    const judged = {
      type: 'DisputeJudged',
      data: {
        disputeId: 'd-1',
        basis: 'RESPONSE_DEADLINE_MISSED',
        context: { rulesVersion: 'v2', merchantWeek: { week: '2026-W48', ordersDue48h: 0, pickedUpWithin48h: 0, lateOrders: 1 } },
        judgement: {
          outcome: 'MERCHANT_LIABLE',
          violation: 'LATE_SHIPMENT',
          decidedBy: 'SYSTEM',
          rulesVersion: 'v2',
          decidedAt: '2026-11-24T01:00:00.000Z',
          reasons: [],
          penalty: { points: 1, basis: 'v2 …', provisional: true, week: '2026-W48' },
        },
      },
    };
    const r = rejudge([judged], 'v1', { merchantWeek: settledMerchantWeek(state), weekFinal: true });
    expect(r.recorded?.penalty).toMatchObject({ points: 1, provisional: true });
    expect(r.settled?.penalty).toMatchObject({ points: 7, provisional: false });
    expect(r.replayed?.penalty).toMatchObject({ points: 1, provisional: false });
    expect(r).toMatchObject({ differs: true, differences: ['penalty points: 7 (v2) → 1 (v1)'] });
  });
});
