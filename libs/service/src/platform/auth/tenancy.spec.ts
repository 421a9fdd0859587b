import type { Actor } from './auth';
import { listScope } from './tenancy';

const merchant: Actor = { sub: 'm', role: 'merchant', merchantId: 'm-1' };
const consumer: Actor = { sub: 'c', role: 'consumer', consumerId: 'c-1' };
const platform: Actor = { sub: 'p', role: 'platform' };

describe('listScope', () => {
  it('pins a merchant to its own merchant, whatever it asks for', () => {
    expect(listScope(merchant, {})).toEqual({ merchantId: 'm-1', consumerId: undefined });
    expect(listScope(merchant, { merchantId: 'm-1', consumerId: 'c-9' })).toEqual({ merchantId: 'm-1', consumerId: 'c-9' });
  });

  it("answers null (an empty page) when a merchant or consumer asks for another tenant's items", () => {
    expect(listScope(merchant, { merchantId: 'm-2' })).toBeNull();
    expect(listScope(consumer, { consumerId: 'c-2' })).toBeNull();
  });

  it('pins a consumer to its own orders and lets others filter as they ask', () => {
    expect(listScope(consumer, { merchantId: 'm-5' })).toEqual({ merchantId: 'm-5', consumerId: 'c-1' });
    expect(listScope(platform, { merchantId: 'm-5', consumerId: 'c-5' })).toEqual({ merchantId: 'm-5', consumerId: 'c-5' });
    expect(listScope(platform, {})).toEqual({ merchantId: undefined, consumerId: undefined });
  });
});
