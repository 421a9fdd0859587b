import { SignJWT } from 'jose';

/** The roles a token may carry (the API's guard refuses any other). */
export const ROLES = ['platform', 'merchant', 'consumer', 'adjudicator', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** The claims of a token the service accepts: a subject, a role, and the tenant ids of a merchant or consumer. */
export interface TokenClaims {
  sub: string;
  role: Role;
  merchantId?: string;
  consumerId?: string;
}

/** Mints an HS256 token with the given claims and an expiry (used by the CLI, the benchmarks and the tests). */
export async function mintToken(secret: string, claims: TokenClaims, expiresIn = '12h'): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}
