/** Given/when/then specs: delayExcusesFor, DELAY_REPORTED / DELAY_CARD_ACCEPTED judged by the system from delayExcusesFor. */
import { decide as decideDispute, evolve as evolveDispute, initialState as initialDispute, type DisputeEvent } from '../dispute';
import { delayCardDecider } from '../delay-card/decide';
import { delayReportDecider } from '../delay-report/decide';
import { emergency, foldCard, foldReport, play, preReport, send } from '../delay-report/testing';
import { at, opened, snapshot, V2 } from '../test-fixtures';
import { delayExcusesFor } from './delay-excuses';

describe('delayExcusesFor', () => {
  // Pre-report filed at -10 h for [-5 h, +40 h]; the fixture order is placed and paid at T0.
  const preFiled = play(delayReportDecider, preReport(-10, { windowStart: at(-5), windowEnd: at(40) }));
  const approve = { type: 'ReviewDelayReport' as const, approved: true, now: at(-9) };
  const approvedPre = foldReport(play(delayReportDecider, preReport(-10, { windowStart: at(-5), windowEnd: at(40) }), approve));
  const order = snapshot();

  it('an approved pre-report covers an order placed inside the window', () => {
    expect(delayExcusesFor(order, [approvedPre], [], at(50))).toEqual([
      expect.objectContaining({ kind: 'PRE_REPORT', ref: 'r-1', status: 'APPROVED', coversOrder: true }),
    ]);
    expect(delayExcusesFor(order, [foldReport(preFiled)], [], at(50))).toEqual([expect.objectContaining({ status: 'PENDING', coversOrder: true })]);
  });
  it('window bounds are inclusive', () => {
    const edge = (ws: number, we: number) =>
      foldReport(play(delayReportDecider, preReport(-10, { windowStart: at(ws), windowEnd: at(we) }), approve));
    expect(delayExcusesFor(order, [edge(-5, 0)], [], at(50))[0]).toMatchObject({ coversOrder: true });
    expect(delayExcusesFor(order, [edge(0, 40)].map((r) => ({ ...r, windowStart: at(0) })), [], at(50))[0]).toMatchObject({ coversOrder: true });
  });
  // Changed with issue 12 (seed 000 预报备标准 (二), 001 Q9: the orders *placed* in the window are exempt): it used to
  // be the shipping clock start, which differs for prepaid orders paid later than placed.
  it('the placement is what counts: placed before the window but paid inside it is not covered; placed inside but paid after it is', () => {
    const placedEarly = { ...snapshot({ placedAt: at(-8) }), facts: [{ seq: 0, type: 'PAID' as const, occurredAt: at(1) }] };
    const early = delayExcusesFor(placedEarly, [approvedPre], [], at(50))[0];
    expect(early).toMatchObject({ coversOrder: false, status: 'APPROVED' });
    expect(early.detail).toContain(`placed ${at(-8)}: outside the window`);
    const paidLater = { ...snapshot({ placedAt: at(39) }), facts: [{ seq: 0, type: 'PAID' as const, occurredAt: at(45) }] };
    const inside = delayExcusesFor(paidLater, [approvedPre], [], at(100))[0];
    expect(inside).toMatchObject({ coversOrder: true, status: 'APPROVED' });
    expect(inside.detail).toContain(`placed ${at(39)}: inside the window`);
    expect(inside.detail).toContain(`shipping clock starts ${at(45)}`);
    const cod = { ...snapshot({ placedAt: at(-8), paymentMethod: 'COD' }), facts: [] };
    expect(delayExcusesFor(cod, [approvedPre], [], at(50))[0]).toMatchObject({ coversOrder: false, status: 'APPROVED' });
  });
  it('leaves out pre-reports of other merchants and windows not touching the order; an unpaid order placed in the window is covered', () => {
    expect(delayExcusesFor(order, [{ ...approvedPre, merchantId: 'm-2' }], [], at(50))).toEqual([]);
    const later = foldReport(play(delayReportDecider, preReport(-10, { windowStart: at(49), windowEnd: at(60) }), approve));
    expect(delayExcusesFor(order, [later], [], at(50))).toEqual([]);
    const unpaid = { ...snapshot(), facts: [] };
    expect(delayExcusesFor(unpaid, [approvedPre], [], at(50))).toEqual([expect.objectContaining({ kind: 'PRE_REPORT', coversOrder: true })]);
  });
  it('an emergency report covers its own order only; withdrawn counts as cancelled', () => {
    const em = foldReport(play(delayReportDecider, emergency(30), { type: 'ReviewDelayReport', approved: true, now: at(31) }));
    expect(delayExcusesFor(order, [em], [], at(50))).toEqual([expect.objectContaining({ kind: 'EMERGENCY_REPORT', ref: 'r-2', status: 'APPROVED', coversOrder: true })]);
    expect(delayExcusesFor({ ...order, orderId: 'o-9' }, [em], [], at(50))).toEqual([]);
    const withdrawn = foldReport(play(delayReportDecider, emergency(30), { type: 'WithdrawDelayReport', merchantId: 'm-1', now: at(31) }));
    expect(delayExcusesFor(order, [withdrawn], [], at(50))[0]).toMatchObject({ status: 'CANCELLED' });
    const rejected = foldReport(play(delayReportDecider, emergency(30), { type: 'ReviewDelayReport', approved: false, reason: 'no proof', now: at(31) }));
    expect(delayExcusesFor(order, [rejected], [], at(50))[0]).toMatchObject({ status: 'REJECTED' });
  });
  it('a card: accepted = APPROVED, rejected = REJECTED, pending past its expiry = CANCELLED', () => {
    const accepted = foldCard(play(delayCardDecider, send(30), { type: 'RespondToDelayCard', consumerId: 'c-1', accepted: true, now: at(31) }));
    expect(delayExcusesFor(order, [], [accepted], at(50))).toEqual([expect.objectContaining({ kind: 'DELAY_CARD', ref: 'card-1', status: 'APPROVED', coversOrder: true })]);
    const rejected = foldCard(play(delayCardDecider, send(30), { type: 'RespondToDelayCard', consumerId: 'c-1', accepted: false, now: at(31) }));
    expect(delayExcusesFor(order, [], [rejected], at(50))[0]).toMatchObject({ status: 'REJECTED' });
    const pending = foldCard(play(delayCardDecider, send(30)));
    expect(delayExcusesFor(order, [], [pending], at(50))[0]).toMatchObject({ status: 'PENDING' });
    expect(delayExcusesFor(order, [], [pending], at(79))[0]).toMatchObject({ status: 'CANCELLED' });
    expect(delayExcusesFor({ ...order, orderId: 'o-9' }, [], [accepted], at(50))).toEqual([]);
  });
  it('is deterministic: covering approved records first', () => {
    const pendingEm = foldReport(play(delayReportDecider, emergency(30)));
    const out = delayExcusesFor(order, [pendingEm, approvedPre], [], at(50));
    expect(out.map((x) => x.ref)).toEqual(['r-1', 'r-2']);
  });
});

describe('DELAY_REPORTED / DELAY_CARD_ACCEPTED judged by the system from delayExcusesFor', () => {
  const U = opened('UNIFIED'); // opened at +30 h, order late (no waybill)
  const foldDispute = (events: DisputeEvent[]) => events.reduce(evolveDispute, initialDispute());
  const defend = (reason: 'DELAY_REPORTED' | 'DELAY_CARD_ACCEPTED', excuses: ReturnType<typeof delayExcusesFor>) =>
    decideDispute(
      { type: 'ChooseOption', option: 'NO_FAULT_DEFENSE', defense: { reason, statement: 'excused' }, order: snapshot(), now: at(31), rules: V2, delayExcuses: excuses },
      foldDispute(U),
    );
  const approvedEmergency = foldReport(play(delayReportDecider, emergency(20), { type: 'ReviewDelayReport', approved: true, now: at(21) }));
  const acceptedCard = foldCard(play(delayCardDecider, send(20), { type: 'RespondToDelayCard', consumerId: 'c-1', accepted: true, now: at(21) }));

  it('an approved emergency report: JUDGED NOT_LIABLE by SYSTEM, citing the report', () => {
    const out = defend('DELAY_REPORTED', delayExcusesFor(snapshot(), [approvedEmergency], [], at(31)));
    expect(out).toMatchObject([
      { type: 'OptionChosen', data: { disposition: 'JUDGED', delayExcuses: [{ kind: 'EMERGENCY_REPORT', ref: 'r-2', status: 'APPROVED', coversOrder: true }] } },
      { type: 'DisputeJudged', data: { basis: 'DEFENSE_VERIFIED', judgement: { outcome: 'MERCHANT_NOT_LIABLE', decidedBy: 'SYSTEM' } } },
    ]);
    const verified = (out[1] as Extract<DisputeEvent, { type: 'DisputeJudged' }>).data.judgement.reasons.find((r) => r.rule === 'DELAY_REPORTED_VERIFIED');
    expect(verified).toMatchObject({ excuses: [{ kind: 'EMERGENCY_REPORT', ref: 'r-2', status: 'APPROVED' }] });
    expect(verified!.detail).toContain('r-2');
  });
  it('an approved pre-report covering the placement: JUDGED NOT_LIABLE by SYSTEM, the reason (placed inside the window) kept in the findings', () => {
    const pre = foldReport(play(delayReportDecider, preReport(-10, { windowStart: at(-5), windowEnd: at(40) }), { type: 'ReviewDelayReport', approved: true, now: at(-9) }));
    const out = defend('DELAY_REPORTED', delayExcusesFor(snapshot(), [pre], [], at(31)));
    expect(out[1]).toMatchObject({ type: 'DisputeJudged', data: { judgement: { outcome: 'MERCHANT_NOT_LIABLE', reasons: expect.arrayContaining([expect.objectContaining({ excuses: [{ kind: 'PRE_REPORT', ref: 'r-1', status: 'APPROVED' }] })]) } } });
    const verified = (out[1] as Extract<DisputeEvent, { type: 'DisputeJudged' }>).data.judgement.reasons.find((r) => r.rule === 'DELAY_REPORTED_VERIFIED');
    expect(verified!.detail).toContain(`the order was placed ${at(0)}: inside the window`);
  });
  it('an accepted card: JUDGED NOT_LIABLE by SYSTEM, citing the card', () => {
    const out = defend('DELAY_CARD_ACCEPTED', delayExcusesFor(snapshot(), [], [acceptedCard], at(31)));
    expect(out[1]).toMatchObject({ type: 'DisputeJudged', data: { judgement: { outcome: 'MERCHANT_NOT_LIABLE', decidedBy: 'SYSTEM' } } });
    const reasons = (out[1] as Extract<DisputeEvent, { type: 'DisputeJudged' }>).data.judgement.reasons;
    expect(reasons.find((r) => r.rule === 'DELAY_CARD_ACCEPTED_VERIFIED')).toMatchObject({ excuses: [{ kind: 'DELAY_CARD', ref: 'card-1' }] });
  });
  it('a pending report, a rejected card or the wrong kind: to review, with the findings naming what is on record', () => {
    const pending = foldReport(play(delayReportDecider, emergency(20)));
    const out = defend('DELAY_REPORTED', delayExcusesFor(snapshot(), [pending], [acceptedCard], at(31)));
    expect(out.map((e) => e.type)).toEqual(['OptionChosen', 'ReviewRequested']);
    const notProven = foldDispute([...U, ...out]).review!.findings.find((f) => f.rule === 'DELAY_REPORTED_NOT_PROVEN');
    expect(notProven).toMatchObject({ excuses: [{ kind: 'EMERGENCY_REPORT', ref: 'r-2', status: 'PENDING' }] });
    expect(notProven!.detail).toContain('r-2 PENDING');
    const rejectedCard = foldCard(play(delayCardDecider, send(20), { type: 'RespondToDelayCard', consumerId: 'c-1', accepted: false, now: at(21) }));
    expect(defend('DELAY_CARD_ACCEPTED', delayExcusesFor(snapshot(), [approvedEmergency], [rejectedCard], at(31))).map((e) => e.type)).toEqual([
      'OptionChosen',
      'ReviewRequested',
    ]);
  });
  it('nothing on record: to review with a NOT_PROVEN finding', () => {
    const out = defend('DELAY_CARD_ACCEPTED', []);
    expect(foldDispute([...U, ...out]).review!.findings.map((f) => f.rule)).toContain('DELAY_CARD_ACCEPTED_NOT_PROVEN');
  });
});
