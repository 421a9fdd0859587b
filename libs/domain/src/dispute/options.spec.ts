/** Given/when/then specs: evaluateOptions (GET options). */
import { at } from '../test-fixtures';
import { evaluateOptions } from './options';
import { bare, cancelled, choose, fold, L, play, shipBy, U } from './testing';

describe('evaluateOptions (GET options)', () => {
  it('lists every option with availability, missing facts and required inputs', () => {
    const opts = evaluateOptions(fold(U), cancelled, at(31));
    expect(opts.map((o) => [o.option, o.available, o.missing, o.requires])).toEqual([
      ['CONSUMER_CANCELLED', true, [], []],
      ['SHIPPED_WITH_PICKUP', false, ['WAYBILL_UPLOADED', 'PICKUP_SCANNED'], []],
      ['SHIP_BY_AGREED_DATE', true, [], ['AGREED_SHIP_BY', 'AGREEMENT_EVIDENCE']],
      ['OUT_OF_STOCK_REFUND', true, [], []],
      ['NO_FAULT_DEFENSE', true, [], ['DEFENSE', 'DEFENSE_EVIDENCE']],
    ]);
    expect(opts[4].defenseReasons!.find((r) => r.reason === 'FORCE_MAJEURE')).toMatchObject({ minEvidence: 1, systemVerifiable: false });
  });
  it('with input, checks the supplied parameters like ChooseOption', () => {
    const opts = evaluateOptions(fold(U), bare, at(31), undefined, { agreedShipBy: at(20), defense: { reason: 'FORCE_MAJEURE', statement: 'storm' } });
    expect(opts[2]).toMatchObject({ available: false, missing: ['AGREED_SHIP_BY_IN_FUTURE', 'AGREEMENT_EVIDENCE'] });
    expect(opts[4]).toMatchObject({ available: false, missing: ['DEFENSE_EVIDENCE:DOCUMENT|PHOTO|OTHER'], requires: ['DEFENSE', 'DEFENSE_EVIDENCE:DOCUMENT|PHOTO|OTHER'] });
  });
  it('after the choice (unified) nothing is available', () => {
    const opts = evaluateOptions(fold(play(U, choose('OUT_OF_STOCK_REFUND', 31))), cancelled, at(32));
    expect(opts.every((o) => !o.available && o.blockedBy?.code === 'CHOICE_ALREADY_MADE')).toBe(true);
  });
  it('legacy: after a settlement only the defense is available', () => {
    const opts = evaluateOptions(fold(play(L, shipBy(31, 60))), cancelled, at(32));
    expect(opts.filter((o) => o.available).map((o) => o.option)).toEqual(['NO_FAULT_DEFENSE']);
  });
  it('after the response window nothing is available', () => {
    expect(evaluateOptions(fold(U), cancelled, at(55)).every((o) => o.blockedBy?.code === 'RESPONSE_WINDOW_CLOSED')).toBe(true);
  });
});
