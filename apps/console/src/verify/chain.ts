/**
 * Recomputes a stream's hash chain in the browser, exactly as the service defines it
 * (libs/event-store/src/hashing.ts, libs/audit/src/chain-verify.ts):
 *
 *   hash = hex(SHA-256(UTF-8(RFC8785({stream, revision, eventId, type, data, metadata, recordedAt, prevHash}))))
 *
 * and prevHash must be the previous event's stored hash (null at revision 0), revisions consecutive
 * from 0. The first revision where the stored stream stops matching is reported.
 */
import { canonicalJson, sha256Hex } from './crypto';

export interface RawEvent {
  stream: string;
  revision: number;
  position?: string;
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recordedAt: string;
  hash: string;
  prevHash: string | null;
}

export type BreakReason = 'content-mismatch' | 'broken-link' | 'revision-gap' | 'out-of-order' | 'wrong-stream';

export interface ChainResult {
  valid: boolean;
  checked: number;
  brokenAt?: number;
  reason?: BreakReason;
  /** For a content mismatch: what the content hashes to. */
  recomputed?: string;
  head?: { revision: number; hash: string };
}

export function computeEventHash(e: RawEvent): string {
  return sha256Hex(
    canonicalJson({
      stream: e.stream,
      revision: e.revision,
      eventId: e.eventId,
      type: e.type,
      data: e.data,
      metadata: e.metadata,
      recordedAt: e.recordedAt,
      prevHash: e.prevHash,
    }),
  );
}

/** Incremental: push pages in revision order, then result(). */
export class ChainVerifier {
  private next = 0;
  private prev: string | null = null;
  private count = 0;
  private broken: ChainResult | undefined;
  private stream: string | undefined;
  private last: { revision: number; hash: string } | undefined;

  constructor(stream?: string) {
    this.stream = stream;
  }

  push(e: RawEvent): boolean {
    if (this.broken) return false;
    const r = this.next;
    const fail = (reason: BreakReason, extra: Partial<ChainResult> = {}): false => {
      this.broken = { valid: false, checked: this.count, brokenAt: r, reason, ...extra };
      return false;
    };
    this.stream ??= e.stream;
    if (e.stream !== this.stream) return fail('wrong-stream');
    if (e.revision !== r) return fail(e.revision > r ? 'revision-gap' : 'out-of-order');
    if (e.prevHash !== this.prev) return fail('broken-link');
    let recomputed: string;
    try {
      recomputed = computeEventHash(e);
    } catch {
      return fail('content-mismatch');
    }
    if (recomputed !== e.hash) return fail('content-mismatch', { recomputed });
    this.count++;
    this.next = r + 1;
    this.prev = e.hash;
    this.last = { revision: r, hash: e.hash };
    return true;
  }

  result(): ChainResult {
    return this.broken ?? { valid: true, checked: this.count, ...(this.last ? { head: this.last } : {}) };
  }
}

export function verifyChain(events: readonly RawEvent[], stream?: string): ChainResult {
  const v = new ChainVerifier(stream);
  for (const e of events) if (!v.push(e)) break;
  const r = v.result();
  // A "gap" whose missing revision shows up later is really a reordering (as the service reports it).
  if (r.reason === 'revision-gap' && events.some((e) => e.revision === r.brokenAt)) return { ...r, reason: 'out-of-order' };
  return r;
}
