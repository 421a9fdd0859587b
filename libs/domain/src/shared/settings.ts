/**
 * Settings helpers: ISO-8601 durations for the dispute windows and the UNIFIED_FLOW_ROLLOUT rule.
 * Pure: the app reads the environment and passes strings in.
 */
import { Duration } from 'luxon';
import { DomainError } from '../errors';
import type { Flow } from './types';

export interface DisputeSettings {
  /** RESPONSE_WINDOW: the merchant must choose within this after the dispute opens. */
  responseWindowMs: number;
  /** CONSUMER_RESPONSE_WINDOW: the consumer must answer an out-of-stock refund within this. */
  consumerResponseWindowMs: number;
  /** CONTEST_WINDOW: the consumer may contest a claimed settlement within this after the choice. */
  contestWindowMs: number;
  /** MAX_AGREED_SHIP_DELAY: how far after the choice `agreedShipBy` may be. */
  maxAgreedShipDelayMs: number;
  /** APPEAL_WINDOW: the merchant may appeal a liability within this after its decision (absent on disputes opened before appeals). */
  appealWindowMs?: number;
  /** APPEAL_REVIEW_WINDOW: an appeal under review is flagged overdue after this. */
  appealReviewWindowMs?: number;
}

export const DEFAULT_SETTINGS_ISO = {
  RESPONSE_WINDOW: 'PT24H',
  CONSUMER_RESPONSE_WINDOW: 'PT48H',
  CONTEST_WINDOW: 'PT72H',
  MAX_AGREED_SHIP_DELAY: 'P7D',
} as const;

/**
 * Milliseconds of an ISO-8601 duration (luxon Duration.fromISO). Refuses (INVALID_DURATION) anything
 * luxon cannot parse, zero or negative durations, and year/month components (their length depends on the
 * calendar; write days or weeks instead). A day counts 24 h.
 */
export function parseIsoDuration(s: string): number {
  if (typeof s !== 'string' || s.trim() === '') throw new DomainError('INVALID_DURATION', 'Empty duration');
  const d = Duration.fromISO(s.trim());
  if (!d.isValid) throw new DomainError('INVALID_DURATION', `Not an ISO-8601 duration: ${s}`);
  if (d.years !== 0 || d.months !== 0 || d.quarters !== 0) {
    throw new DomainError('INVALID_DURATION', `Years and months have no fixed length; use days or weeks: ${s}`);
  }
  const ms = d.toMillis();
  if (!Number.isFinite(ms) || ms <= 0) throw new DomainError('INVALID_DURATION', `Duration must be positive: ${s}`);
  return Math.round(ms);
}

/** DisputeSettings from environment-style strings, with the contract's defaults. */
export function parseDisputeSettings(env: Partial<Record<keyof typeof DEFAULT_SETTINGS_ISO, string | undefined>> = {}): DisputeSettings {
  const get = (k: keyof typeof DEFAULT_SETTINGS_ISO) => {
    const v = env[k];
    return v === undefined || v.trim() === '' ? DEFAULT_SETTINGS_ISO[k] : v;
  };
  return {
    responseWindowMs: parseIsoDuration(get('RESPONSE_WINDOW')),
    consumerResponseWindowMs: parseIsoDuration(get('CONSUMER_RESPONSE_WINDOW')),
    contestWindowMs: parseIsoDuration(get('CONTEST_WINDOW')),
    maxAgreedShipDelayMs: parseIsoDuration(get('MAX_AGREED_SHIP_DELAY')),
  };
}

export const DEFAULT_SETTINGS: DisputeSettings = parseDisputeSettings();

export type RolloutSpec = { kind: 'all' } | { kind: 'none' } | { kind: 'percent'; percent: number } | { kind: 'list'; merchantIds: string[] };

/**
 * UNIFIED_FLOW_ROLLOUT: 'all' (default; also for empty/undefined), 'none', 'NN%' (0–100, decimals
 * refused), or a comma-separated list of merchant ids (whitespace around ids ignored). 'all'/'none' are
 * case-insensitive. Refuses malformed values with INVALID_ROLLOUT.
 */
export function parseRollout(rollout: string | undefined | null): RolloutSpec {
  const s = (rollout ?? '').trim();
  if (s === '' || s.toLowerCase() === 'all') return { kind: 'all' };
  if (s.toLowerCase() === 'none') return { kind: 'none' };
  const pm = /^(\d{1,3})\s*%$/.exec(s);
  if (pm) {
    const percent = Number(pm[1]);
    if (percent > 100) throw new DomainError('INVALID_ROLLOUT', `Rollout percentage above 100: ${s}`);
    return { kind: 'percent', percent };
  }
  if (s.includes('%')) throw new DomainError('INVALID_ROLLOUT', `Malformed rollout percentage: ${s}`);
  const merchantIds = s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
  if (merchantIds.length === 0) throw new DomainError('INVALID_ROLLOUT', `Malformed rollout: ${s}`);
  return { kind: 'list', merchantIds };
}

/** 32-bit FNV-1a over the UTF-8 bytes of a string. */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(s)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The merchant's stable rollout bucket in [0, 100). A merchant in an NN% rollout stays in every larger one. */
export function rolloutBucket(merchantId: string): number {
  return fnv1a32(merchantId) % 100;
}

/** Which flow a new dispute of this merchant gets. */
export function rolloutFlow(merchantId: string, rollout: string | RolloutSpec | undefined | null): Flow {
  const spec = typeof rollout === 'object' && rollout !== null ? rollout : parseRollout(rollout);
  switch (spec.kind) {
    case 'all':
      return 'UNIFIED';
    case 'none':
      return 'LEGACY';
    case 'percent':
      return rolloutBucket(merchantId) < spec.percent ? 'UNIFIED' : 'LEGACY';
    case 'list':
      return spec.merchantIds.includes(merchantId) ? 'UNIFIED' : 'LEGACY';
  }
}
