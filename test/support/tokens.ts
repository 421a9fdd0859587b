/** JWTs for the e2e tests: HS256 with the test servers' AUTH_JWT_SECRET, claims sub, role, merchantId / consumerId. */
import { SignJWT } from 'jose';
import { TEST_SECRET } from './server';

export type Role = 'platform' | 'merchant' | 'consumer' | 'adjudicator' | 'auditor';
export const ROLES: Role[] = ['platform', 'merchant', 'consumer', 'adjudicator', 'auditor'];

export interface Claims {
  sub: string;
  role: string;
  merchantId?: string;
  consumerId?: string;
  [k: string]: unknown;
}

const enc = (s: string) => new TextEncoder().encode(s);
const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

/**
 * Signs claims (HS256) with an expiry (the service refuses tokens without one, or expiring further ahead than
 * AUTH_MAX_TOKEN_LIFETIME, default 12 h). `expiresIn` as jose accepts it ('1h'), or an absolute epoch second;
 * `null` leaves exp out (to test the refusal).
 */
export async function mint(claims: Claims, opts: { secret?: string; expiresIn?: string | number | null } = {}): Promise<string> {
  const jwt = new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt();
  if (opts.expiresIn !== null) jwt.setExpirationTime(opts.expiresIn ?? '1h');
  return jwt.sign(enc(opts.secret ?? TEST_SECRET));
}

/** An unsigned token (`alg: none`). */
export function unsigned(claims: Claims): string {
  const now = Math.floor(Date.now() / 1000);
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ ...claims, iat: now, exp: now + 3600 })}.`;
}

const cache = new Map<string, Promise<string>>();
function cached(claims: Claims): Promise<string> {
  const k = JSON.stringify(claims);
  let t = cache.get(k);
  if (!t) {
    t = mint(claims);
    cache.set(k, t);
  }
  return t;
}

/** Tokens of each role (merchants and consumers need their tenant id). */
export const as = {
  platform: (sub = 'platform-pipeline') => cached({ sub, role: 'platform' }),
  merchant: (merchantId: string, sub = `merchant-user-${merchantId}`) => cached({ sub, role: 'merchant', merchantId }),
  consumer: (consumerId: string, sub = `consumer-user-${consumerId}`) => cached({ sub, role: 'consumer', consumerId }),
  adjudicator: (sub = 'adjudicator-1') => cached({ sub, role: 'adjudicator' }),
  auditor: (sub = 'auditor-1') => cached({ sub, role: 'auditor' }),
};

/** A token of `role` for the tenant of an order (merchant → its merchantId, consumer → its consumerId). */
export function tokenFor(role: Role, tenant: { merchantId: string; consumerId: string }): Promise<string> {
  switch (role) {
    case 'merchant':
      return as.merchant(tenant.merchantId);
    case 'consumer':
      return as.consumer(tenant.consumerId);
    default:
      return as[role]();
  }
}
