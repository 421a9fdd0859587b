/**
 * Per-stream hash-chain verification, given the event hash function (no node:crypto at import): the one
 * implementation, used by ../chain-verify.ts (bound to node:crypto) and by the console in the browser.
 *
 * Each event's `hash` covers its content and `prevHash` (see event-hash.ts); `prevHash` is the hash
 * of the stream's previous event (null for revision 0). Recomputing the chain detects a changed
 * byte, a deleted or reordered event and a broken link — at the first revision where the stored
 * stream stops matching. A per-stream chain alone cannot detect a truncated tail or a consistent
 * rewrite of the whole suffix; pass `expectedHead` (the stream's head record or the head the Merkle
 * log holds for the stream) and/or `logged` (the hashes the Merkle log committed to) for that.
 */
import type { HashableEvent } from './event';

/** An event's content hash (hex): `eventHashOf(sha256, e)` of ./event.ts, or the store's computeEventHash. */
export type EventHashFn = (e: HashableEvent) => string;

/** Structurally a subset of RecordedEvent. */
export interface ChainEvent extends HashableEvent {
  hash: string;
}

export type ChainBreakReason =
  /** The recomputed hash differs from the stored one: content, identity, recordedAt or prevHash changed. */
  | 'content-mismatch'
  /** The expected revision is missing (an event was deleted). */
  | 'revision-gap'
  /** Revisions are not in order (two events were swapped, or a revision repeats). */
  | 'out-of-order'
  /** prevHash does not equal the previous event's stored hash. */
  | 'broken-link'
  /** An event of another stream. */
  | 'wrong-stream'
  /** The stream ends before the expected head: its tail was cut off. */
  | 'truncated'
  /** The event at the expected head's revision has another hash: the stream was rewritten. */
  | 'head-mismatch'
  /** Events after the expected head when `exactHead` is set. */
  | 'unexpected-tail'
  /** The event's hash differs from the one the Merkle log committed to. */
  | 'log-mismatch';

export interface ChainVerifyResult {
  valid: boolean;
  /** Events that passed every check (on success: all of them). */
  checked: number;
  /** The first revision at which the stored stream no longer matches. */
  brokenAt?: number;
  reason?: ChainBreakReason;
  /** Human-readable explanation. */
  detail?: string;
  /** For a content mismatch: what the event's content hashes to. */
  recomputed?: string;
  /** The last verified event (revision and hash), e.g. to continue with `after` on the next page. */
  head?: { revision: number; hash: string };
}

export interface StreamHead {
  revision: number;
  hash: string;
}

export interface ChainVerifyOptions {
  /** The stream every event must belong to (default: the first event's). */
  stream?: string;
  /**
   * An event the stream must contain: `revision` must exist and carry `hash`. A stream ending before
   * it is 'truncated'; another hash there is 'head-mismatch'. Later events are accepted (the head may
   * predate the read) unless `exactHead` is set.
   */
  expectedHead?: StreamHead;
  /** The expected head is the stream's current head: events after it are 'unexpected-tail'. */
  exactHead?: boolean;
  /** Continue a chain verified up to `after` (paging): the first event must be after.revision + 1 and link to after.hash. */
  after?: StreamHead;
  /** Hashes the Merkle log committed to, by revision (any subset): a differing event hash is 'log-mismatch'. */
  logged?: ReadonlyMap<number, string>;
}

/** Incremental verifier: push events in revision order (e.g. page by page), then finish(). */
export class StreamChainVerifier {
  private stream: string | undefined;
  private nextRevision: number;
  private prevHash: string | null;
  private count = 0;
  private broken: ChainVerifyResult | undefined;
  private last: StreamHead | undefined;

  constructor(
    private readonly hashEvent: EventHashFn,
    private readonly opts: ChainVerifyOptions = {},
  ) {
    this.stream = opts.stream;
    this.nextRevision = opts.after ? opts.after.revision + 1 : 0;
    this.prevHash = opts.after ? opts.after.hash : null;
    this.last = opts.after ? { ...opts.after } : undefined;
  }

  get isBroken(): boolean {
    return this.broken !== undefined;
  }

  /** Checks one event; returns false once the chain is broken (further pushes are ignored). */
  push(e: ChainEvent): boolean {
    if (this.broken) return false;
    const r = this.nextRevision;
    const fail = (reason: ChainBreakReason, detail: string, extra: Partial<ChainVerifyResult> = {}): false => {
      this.broken = { valid: false, checked: this.count, brokenAt: r, reason, detail, ...extra };
      return false;
    };
    this.stream ??= e.stream;
    if (e.stream !== this.stream) return fail('wrong-stream', `event ${e.eventId} belongs to stream ${e.stream}, not ${this.stream}`);
    if (e.revision !== r) {
      return e.revision > r
        ? fail('revision-gap', `expected revision ${r}, found ${e.revision}: revision ${r} is missing`)
        : fail('out-of-order', `expected revision ${r}, found ${e.revision}`);
    }
    if (e.prevHash !== this.prevHash) return fail('broken-link', `revision ${r} has prevHash ${e.prevHash}, but the previous event's hash is ${this.prevHash}`);
    let recomputed: string;
    try {
      recomputed = this.hashEvent(e);
    } catch (err) {
      return fail('content-mismatch', `revision ${r} cannot be hashed: ${(err as Error).message}`);
    }
    if (recomputed !== e.hash) return fail('content-mismatch', `revision ${r} (event ${e.eventId}) hashes to ${recomputed}, stored hash is ${e.hash}`, { recomputed });
    const logged = this.opts.logged?.get(r);
    if (logged !== undefined && logged !== e.hash) return fail('log-mismatch', `revision ${r} has hash ${e.hash}, the Merkle log committed to ${logged}`);
    const head = this.opts.expectedHead;
    if (head && this.opts.exactHead && r > head.revision) return fail('unexpected-tail', `revision ${r} is after the expected head ${head.revision}`);
    if (head && r === head.revision && e.hash !== head.hash) return fail('head-mismatch', `revision ${r} has hash ${e.hash}, the expected head is ${head.hash}`);
    this.count++;
    this.nextRevision = r + 1;
    this.prevHash = e.hash;
    this.last = { revision: r, hash: e.hash };
    return true;
  }

  /** The result; applies the expected-head truncation check. */
  finish(): ChainVerifyResult {
    if (this.broken) return this.broken;
    const head = this.opts.expectedHead;
    if (head && this.nextRevision <= head.revision) {
      return {
        valid: false,
        checked: this.count,
        brokenAt: this.nextRevision,
        reason: 'truncated',
        detail: `the stream ends at revision ${this.nextRevision - 1}, but its head is revision ${head.revision}: revisions ${this.nextRevision}..${head.revision} are missing`,
      };
    }
    return { valid: true, checked: this.count, ...(this.last ? { head: this.last } : {}) };
  }
}

/**
 * Recomputes a stream's chain (events in the order they were read, normally by revision) and reports
 * the first revision where content, order or linkage no longer matches.
 */
export function verifyStreamChain(hashEvent: EventHashFn, events: readonly ChainEvent[], opts: ChainVerifyOptions = {}): ChainVerifyResult {
  const v = new StreamChainVerifier(hashEvent, opts);
  for (const e of events) if (!v.push(e)) break;
  const result = v.finish();
  // A "gap" whose missing revision shows up later is really a reordering.
  if (result.reason === 'revision-gap' && result.brokenAt !== undefined) {
    const missing = result.brokenAt;
    if (events.some((e) => e.revision === missing)) {
      return { ...result, reason: 'out-of-order', detail: `revision ${missing} is stored out of order: ${result.detail}` };
    }
  }
  return result;
}

export interface StreamBreak {
  stream: string;
  brokenAt: number;
  reason: ChainBreakReason;
  detail?: string;
}

export interface AllStreamsSummary {
  valid: boolean;
  streams: number;
  events: number;
  brokenStreams: StreamBreak[];
}

/**
 * Verifies every stream's chain from events in global order (e.g. readAll pages), keeping O(#streams)
 * state. `expectedHeads` (e.g. from the Merkle log or the streams' head records) enables truncation
 * detection for each stream; a stream known there but absent from the events is reported 'truncated' at 0.
 */
export class AllStreamsVerifier {
  private readonly verifiers = new Map<string, StreamChainVerifier>();
  private events = 0;

  constructor(
    private readonly hashEvent: EventHashFn,
    private readonly opts: { expectedHeads?: ReadonlyMap<string, StreamHead>; exactHeads?: boolean } = {},
  ) {}

  push(events: Iterable<ChainEvent>): void {
    for (const e of events) {
      this.events++;
      let v = this.verifiers.get(e.stream);
      if (!v) {
        v = new StreamChainVerifier(this.hashEvent, { stream: e.stream, expectedHead: this.opts.expectedHeads?.get(e.stream), exactHead: this.opts.exactHeads });
        this.verifiers.set(e.stream, v);
      }
      v.push(e);
    }
  }

  finish(): AllStreamsSummary {
    const brokenStreams: StreamBreak[] = [];
    for (const [stream, v] of this.verifiers) {
      const r = v.finish();
      if (!r.valid) brokenStreams.push({ stream, brokenAt: r.brokenAt ?? 0, reason: r.reason ?? 'content-mismatch', detail: r.detail });
    }
    for (const [stream, head] of this.opts.expectedHeads ?? []) {
      if (!this.verifiers.has(stream)) {
        brokenStreams.push({ stream, brokenAt: 0, reason: 'truncated', detail: `no events, but the expected head is revision ${head.revision}` });
      }
    }
    brokenStreams.sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
    const streams = new Set([...this.verifiers.keys(), ...(this.opts.expectedHeads?.keys() ?? [])]).size;
    return { valid: brokenStreams.length === 0, streams, events: this.events, brokenStreams };
  }
}
