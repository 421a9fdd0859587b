/**
 * The access token lives in this browser tab's sessionStorage only (never in a URL, never in
 * localStorage, never in a cookie): closing the tab signs out. Its claims are decoded — not verified:
 * the API verifies every request — only to choose which pages and actions to show.
 */
const KEY = 'dispute-console.token';

export type Role = 'platform' | 'merchant' | 'consumer' | 'adjudicator' | 'auditor';

export interface Session {
  token: string;
  sub: string;
  role: Role;
  merchantId?: string;
  exp?: number;
}

function b64urlJson(part: string): Record<string, unknown> {
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

/** Reads the claims of a JWT; null when it is not one. */
export function parseToken(token: string): Session | null {
  const parts = token.trim().split('.');
  if (parts.length !== 3) return null;
  try {
    const c = b64urlJson(parts[1]);
    if (typeof c.sub !== 'string' || typeof c.role !== 'string') return null;
    return {
      token: token.trim(),
      sub: c.sub,
      role: c.role as Role,
      ...(typeof c.merchantId === 'string' ? { merchantId: c.merchantId } : {}),
      ...(typeof c.exp === 'number' ? { exp: c.exp } : {}),
    };
  } catch {
    return null;
  }
}

export function loadSession(): Session | null {
  const t = sessionStorage.getItem(KEY);
  const s = t ? parseToken(t) : null;
  if (s?.exp !== undefined && s.exp * 1000 < Date.now()) {
    sessionStorage.removeItem(KEY);
    return null;
  }
  return s;
}

export function saveSession(s: Session): void {
  sessionStorage.setItem(KEY, s.token);
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}

/** What each role may do, as the API's @Roles say (the API still decides; this only hides what would be refused). */
export const can = {
  queue: (r: Role) => r === 'adjudicator',
  judge: (r: Role) => r === 'adjudicator',
  replay: (r: Role) => r === 'adjudicator',
  timeline: (r: Role) => r === 'adjudicator' || r === 'auditor',
  streams: (r: Role) => r === 'auditor',
  compare: (r: Role) => r === 'platform' || r === 'adjudicator' || r === 'auditor',
  scorecard: (r: Role) => r !== 'consumer',
  judgements: (r: Role) => r !== 'consumer',
  simulations: (r: Role) => r === 'adjudicator' || r === 'platform',
};
