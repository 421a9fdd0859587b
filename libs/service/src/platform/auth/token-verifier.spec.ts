/** TokenVerifier remembers tokens that verified; a remembered token still expires, and nothing else is remembered. */
import { loadConfig, mintToken } from '@app/config';
import { TokenVerifier } from './auth';

const SECRET = 'token-verifier-spec-secret-0123456789';
const config = loadConfig({ AUTH_JWT_SECRET: SECRET, AUTH_MAX_TOKEN_LIFETIME: 'PT1H' });

describe('TokenVerifier', () => {
  afterEach(() => jest.useRealTimers());

  it('a remembered token is refused once it expired (exp + the 5 s clock tolerance), exactly like a fresh one', async () => {
    const t0 = Date.now();
    const token = await mintToken(SECRET, { sub: 'm-user', role: 'merchant', merchantId: 'm-1' }, '60s');
    const verifier = new TokenVerifier(config);
    expect(await verifier.verify(token)).toEqual({ sub: 'm-user', role: 'merchant', merchantId: 'm-1' });
    jest.useFakeTimers({ now: t0 + 62_000, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    expect(await verifier.verify(token)).toEqual({ sub: 'm-user', role: 'merchant', merchantId: 'm-1' }); // within the tolerance
    jest.setSystemTime(t0 + 67_000);
    await expect(verifier.verify(token)).rejects.toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
    await expect(new TokenVerifier(config).verify(token)).rejects.toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
  });

  it('remembers only what verified: another signature, another secret or a refused claim is checked in full every time', async () => {
    const verifier = new TokenVerifier(config);
    const good = await mintToken(SECRET, { sub: 'p', role: 'platform' }, '10m');
    expect(await verifier.verify(good)).toEqual({ sub: 'p', role: 'platform' });
    const [h, p, sig] = good.split('.');
    const forged = `${h}.${p}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`;
    await expect(verifier.verify(forged)).rejects.toMatchObject({ status: 401 });
    const otherSecret = await mintToken('another-secret-of-enough-length', { sub: 'p', role: 'platform' }, '10m');
    await expect(verifier.verify(otherSecret)).rejects.toMatchObject({ status: 401 });
    const tooLong = await mintToken(SECRET, { sub: 'p', role: 'platform' }, '2h'); // beyond AUTH_MAX_TOKEN_LIFETIME
    for (let i = 0; i < 2; i++) await expect(verifier.verify(tooLong)).rejects.toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
    const noTenant = await mintToken(SECRET, { sub: 'm', role: 'merchant' }, '10m');
    for (let i = 0; i < 2; i++) await expect(verifier.verify(noTenant)).rejects.toMatchObject({ status: 401 });
  });

  it('hands out a copy: changing one request’s actor does not change the next one’s', async () => {
    const verifier = new TokenVerifier(config);
    const token = await mintToken(SECRET, { sub: 'c', role: 'consumer', consumerId: 'c-1' }, '10m');
    for (let i = 0; i < 2; i++) {
      const actor = await verifier.verify(token); // the first verifies, the second is remembered
      (actor as { consumerId?: string }).consumerId = 'c-2';
    }
    expect(await verifier.verify(token)).toEqual({ sub: 'c', role: 'consumer', consumerId: 'c-1' });
  });
});
