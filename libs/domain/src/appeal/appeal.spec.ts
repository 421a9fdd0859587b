import { blocksNewDispute, decide, disputeDecider, evolve, initialState, lateShipmentExcuse, rejudge, toDisputeView, type DisputeCommand, type DisputeEvent, type DisputeState } from '../dispute';
import { DeciderSpecification } from '../testing';
import { at, opened, snapshot, V2 } from '../test-fixtures';
import type { FileAppeal } from './appeal';

const spec = DeciderSpecification.for(disputeDecider);
const fold = (events: DisputeEvent[]): DisputeState => events.reduce(evolve, initialState());
function play(given: DisputeEvent[], ...commands: DisputeCommand[]): DisputeEvent[] {
  let events = [...given];
  for (const c of commands) events = [...events, ...decide(c, fold(events))];
  return events;
}

const DAY_H = 24;
const WINDOW_MS = 7 * 24 * 3_600_000;
const REVIEW_MS = 2 * 24 * 3_600_000;
const evidence = [{ kind: 'DOCUMENT' as const, ref: 'oss://handover.pdf', description: 'handover sheet' }];
const late = snapshot(); // paid at T0, nothing shipped: late from +24 h
const week = { week: '2024-W10', ordersDue48h: 4, pickedUpWithin48h: 0, lateOrders: 4 };

const appeal = (hours: number, extra: Partial<FileAppeal> = {}): FileAppeal => ({
  type: 'FileAppeal',
  statement: 'the carrier scanned late',
  evidence,
  filedBy: { sub: 'merchant-user-1', role: 'merchant' },
  appealedAdjudicator: 'adj-1',
  appealWindowMs: WINDOW_MS,
  reviewWindowMs: REVIEW_MS,
  now: at(hours),
  ...extra,
});
const judge = (hours: number, adjudicator: string, outcome: 'MERCHANT_LIABLE' | 'MERCHANT_NOT_LIABLE', violation?: 'LATE_SHIPMENT' | 'OUT_OF_STOCK') =>
  ({ type: 'Judge', outcome, ...(violation ? { violation } : {}), rationale: 'decided', now: at(hours), rules: { ...V2, merchantWeek: week }, adjudicator }) as DisputeCommand;

// Opened at +30 h; a force-majeure defense at +31 h goes to review; adj-1 holds the merchant liable at +40 h.
const liable = play(
  opened('UNIFIED', late),
  { type: 'ChooseOption', option: 'NO_FAULT_DEFENSE', defense: { reason: 'FORCE_MAJEURE', statement: 'typhoon' }, evidence, order: late, now: at(31), rules: V2 },
  judge(40, 'adj-1', 'MERCHANT_LIABLE', 'LATE_SHIPMENT'),
);
// The system holds the merchant liable at the response deadline (+54 h).
const systemLiable = play(opened('UNIFIED', late), { type: 'FireDeadline', deadline: 'RESPONSE', order: late, rules: V2, now: at(54) });

describe('FileAppeal', () => {
  it('within APPEAL_WINDOW of decidedAt, with a statement and evidence: AppealFiled + ReviewRequested (reason APPEAL), the liability still standing', () => {
    const out = spec.given(liable).when(appeal(40 + 7 * DAY_H)).thenMatches([
      {
        type: 'AppealFiled',
        data: {
          statement: 'the carrier scanned late',
          evidence,
          filedBy: { sub: 'merchant-user-1', role: 'merchant' },
          appealed: { decidedBy: 'ADJUDICATOR', adjudicator: 'adj-1', outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', decidedAt: at(40) },
          appealWindowEndsAt: at(40 + 7 * DAY_H),
          reviewDueAt: at(40 + 9 * DAY_H),
        },
      },
      { type: 'ReviewRequested', data: { reason: 'APPEAL', since: at(40 + 7 * DAY_H), allowedViolations: ['LATE_SHIPMENT'], reviewDueAt: at(40 + 9 * DAY_H) } },
    ]);
    const s = fold([...liable, ...out]);
    expect(s.status).toBe('UNDER_REVIEW');
    expect(s.judgement?.outcome).toBe('MERCHANT_LIABLE');
    expect(toDisputeView(s).judgements).toHaveLength(1);
  });

  it('after the window: 422 APPEAL_WINDOW_CLOSED (the window is the one recorded when the dispute opened, if any)', () => {
    spec.given(liable).when(appeal(40 + 7 * DAY_H + 0.001)).thenThrows('APPEAL_WINDOW_CLOSED', { appealWindowEndsAt: at(40 + 7 * DAY_H) });
    const recorded = liable.map((e) => (e.type === 'DisputeOpened' ? { ...e, data: { ...e.data, settings: { ...e.data.settings, appealWindowMs: 3_600_000 } } } : e)) as DisputeEvent[];
    spec.given(recorded).when(appeal(41.5)).thenThrows('APPEAL_WINDOW_CLOSED');
    spec.given(recorded).when(appeal(41)).thenMatches([{ type: 'AppealFiled' }, { type: 'ReviewRequested' }]);
  });

  it('without evidence: 422 APPEAL_EVIDENCE_REQUIRED; blank statement: 400', () => {
    spec.given(liable).when(appeal(41, { evidence: [] })).thenThrows('APPEAL_EVIDENCE_REQUIRED', { missing: ['EVIDENCE'] });
    spec.given(liable).when(appeal(41, { statement: '  ' })).thenThrows('INVALID_INPUT');
  });

  it('only against MERCHANT_LIABLE, and once: 409 NOT_APPEALABLE / APPEAL_ALREADY_FILED', () => {
    spec.given(opened('UNIFIED', late)).when(appeal(31)).thenThrows('NOT_APPEALABLE');
    const notLiable = play(opened('UNIFIED', late), { type: 'ChooseOption', option: 'NO_FAULT_DEFENSE', defense: { reason: 'FORCE_MAJEURE', statement: 't' }, evidence, order: late, now: at(31), rules: V2 }, judge(40, 'adj-1', 'MERCHANT_NOT_LIABLE'));
    spec.given(notLiable).when(appeal(41)).thenThrows('NOT_APPEALABLE', { outcome: 'MERCHANT_NOT_LIABLE' });
    const appealed = play(liable, appeal(41));
    spec.given(appealed).when(appeal(42)).thenThrows('APPEAL_ALREADY_FILED');
    const decided = play(appealed, judge(43, 'adj-2', 'MERCHANT_LIABLE'));
    spec.given(decided).when(appeal(44)).thenThrows('APPEAL_ALREADY_FILED');
  });
});

describe('deciding an appeal (four eyes)', () => {
  const appealed = play(liable, appeal(41));

  it('the adjudicator whose judgement is appealed may not decide it (403 FOUR_EYES_REQUIRED); another may', () => {
    spec.given(appealed).when(judge(42, 'adj-1', 'MERCHANT_NOT_LIABLE')).thenThrows('FOUR_EYES_REQUIRED');
    spec.given(appealed).when(judge(42, 'adj-2', 'MERCHANT_NOT_LIABLE')).thenMatches([{ type: 'DisputeJudged', data: { basis: 'APPEAL_OVERTURNED', adjudicator: 'adj-2' } }]);
  });

  it('a system judgement may be decided by any adjudicator', () => {
    const sys = play(systemLiable, appeal(55, { appealedAdjudicator: undefined }));
    spec.given(sys).when(judge(56, 'adj-1', 'MERCHANT_LIABLE')).thenMatches([{ type: 'DisputeJudged', data: { basis: 'APPEAL_UPHELD', judgement: { outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', decidedBy: 'ADJUDICATOR' } } }]);
  });

  it('overturned: MERCHANT_NOT_LIABLE, the first judgement superseded (not rewritten), the late shipment excused (its points leave the scorecard)', () => {
    const s = fold(play(appealed, judge(42, 'adj-2', 'MERCHANT_NOT_LIABLE')));
    expect(s.status).toBe('JUDGED');
    expect(s.judgement).toMatchObject({ outcome: 'MERCHANT_NOT_LIABLE', penalty: { points: 0 } });
    expect(s.judgements.map((r) => [r.judgement.outcome, r.supersededAt ?? null])).toEqual([
      ['MERCHANT_LIABLE', at(42)],
      ['MERCHANT_NOT_LIABLE', null],
    ]);
    expect(s.appeal?.decision).toEqual({ outcome: 'OVERTURNED', decidedAt: at(42), adjudicator: 'adj-2' });
    expect(lateShipmentExcuse(s)).toEqual({ basis: 'APPEAL_OVERTURNED', decidedAt: at(42) });
    expect(lateShipmentExcuse(fold(liable))).toBeNull();
    const view = toDisputeView(s);
    expect(view.judgements[0].supersededAt).toBe(at(42));
    expect(view.judgement?.outcome).toBe('MERCHANT_NOT_LIABLE');
  });

  it('upheld: the liability stands (same violation; another one is refused), not excused', () => {
    spec.given(appealed).when(judge(42, 'adj-2', 'MERCHANT_LIABLE', 'OUT_OF_STOCK')).thenThrows('VIOLATION_NOT_APPLICABLE');
    const s = fold(play(appealed, judge(42, 'adj-2', 'MERCHANT_LIABLE')));
    expect(s.judgement).toMatchObject({ outcome: 'MERCHANT_LIABLE', violation: 'LATE_SHIPMENT', penalty: { points: 7, provisional: true } });
    expect(s.appeal?.decision?.outcome).toBe('UPHELD');
    expect(lateShipmentExcuse(s)).toBeNull();
  });

  it('the replay shows both judgements', () => {
    const events = play(appealed, judge(42, 'adj-2', 'MERCHANT_NOT_LIABLE'));
    const r = rejudge(events, 'v1');
    expect(r.judgements.map((j) => [j.recorded.outcome, j.replayed.penalty.points, j.supersededAt ?? null])).toEqual([
      ['MERCHANT_LIABLE', 1, at(42)],
      ['MERCHANT_NOT_LIABLE', 0, null],
    ]);
  });
});

describe('at most one open dispute per order', () => {
  it('a judged case (appealable or not) and a case under appeal do not hold up a new dispute; one awaiting the merchant does', () => {
    expect(blocksNewDispute(fold(opened('UNIFIED', late)))).toBe(true);
    expect(blocksNewDispute(fold(liable))).toBe(false);
    expect(blocksNewDispute(fold(play(liable, appeal(41))))).toBe(false);
  });
});
