/** Given/when/then specs: RegisterOrder. */
import { at } from '../test-fixtures';
import { details, registered, spec } from './testing';

describe('RegisterOrder', () => {
  it('registers an order (times normalised to UTC)', () => {
    spec
      .given([])
      .when({ type: 'RegisterOrder', order: { ...details, placedAt: '2024-03-04T10:00:00+08:00' }, now: at(1) })
      .then([registered]);
  });
  it('keeps promisedShipAt', () => {
    spec
      .given([])
      .when({ type: 'RegisterOrder', order: { ...details, orderKind: 'PRESALE', promisedShipAt: at(200) }, now: at(1) })
      .thenMatches([{ type: 'OrderRegistered', data: { orderKind: 'PRESALE', promisedShipAt: at(200) } }]);
  });
  it('refuses a second registration', () => {
    spec.given([registered]).when({ type: 'RegisterOrder', order: details, now: at(2) }).thenThrows('ORDER_ALREADY_REGISTERED');
  });
  it('refuses a placement in the future, bad enums and amounts', () => {
    spec.given([]).when({ type: 'RegisterOrder', order: { ...details, placedAt: at(5) }, now: at(1) }).thenThrows('FACT_IN_FUTURE');
    spec.given([]).when({ type: 'RegisterOrder', order: { ...details, paymentMethod: 'CASH' as never }, now: at(1) }).thenThrows('INVALID_INPUT');
    spec.given([]).when({ type: 'RegisterOrder', order: { ...details, orderKind: 'X' as never }, now: at(1) }).thenThrows('INVALID_INPUT');
    spec.given([]).when({ type: 'RegisterOrder', order: { ...details, amount: 1.5 }, now: at(1) }).thenThrows('INVALID_INPUT');
    spec.given([]).when({ type: 'RegisterOrder', order: { ...details, placedAt: '2024-03-04' }, now: at(1) }).thenThrows('INVALID_INPUT');
    spec
      .given([])
      .when({ type: 'RegisterOrder', order: { ...details, promisedShipAt: at(-1) }, now: at(1) })
      .thenThrows('FACT_BEFORE_PLACEMENT');
  });
});
