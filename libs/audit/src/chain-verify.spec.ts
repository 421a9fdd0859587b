import { createHash } from 'node:crypto';
import type { RecordedEvent } from '@app/event-store';
import { AllStreamsVerifier, verifyStreamChain } from './chain-verify';
import { computeEventHash } from './event-hash';
import { flipByte, interleave, makeStream } from './test-support/make-events';

const N = 10;
const clone = (events: RecordedEvent[]): RecordedEvent[] => JSON.parse(JSON.stringify(events)) as RecordedEvent[];
const headOf = (events: RecordedEvent[]) => ({ revision: events[events.length - 1].revision, hash: events[events.length - 1].hash });

describe('event hash', () => {
  it('is SHA-256 over RFC 8785 canonical JSON of the hashed fields, independent of key order', () => {
    const e = makeStream('s', 1)[0];
    const reordered = JSON.parse(JSON.stringify({ metadata: e.metadata, data: { nested: e.data.nested, amount: e.data.amount, text: e.data.text }, prevHash: null, recordedAt: e.recordedAt, type: e.type, eventId: e.eventId, revision: 0, stream: 's' }));
    expect(computeEventHash(reordered)).toBe(e.hash);
    // Known answer for a fixed event (guards the formula against accidental change).
    const fixed = { stream: 'dispute-1', revision: 0, eventId: 'e1', type: 'T', data: { b: 1, a: 'x' }, metadata: {}, recordedAt: '2025-01-01T00:00:00.000Z', prevHash: null };
    const text = '{"data":{"a":"x","b":1},"eventId":"e1","metadata":{},"prevHash":null,"recordedAt":"2025-01-01T00:00:00.000Z","revision":0,"stream":"dispute-1","type":"T"}';
    expect(computeEventHash(fixed)).toBe(createHash('sha256').update(text).digest('hex'));
  });
});

describe('verifyStreamChain', () => {
  const events = makeStream('dispute-42', N);

  it('accepts an intact chain and an empty stream', () => {
    expect(verifyStreamChain(events)).toEqual({ valid: true, checked: N, head: headOf(events) });
    expect(verifyStreamChain(events, { expectedHead: headOf(events), exactHead: true }).valid).toBe(true);
    expect(verifyStreamChain([])).toEqual({ valid: true, checked: 0 });
  });

  it('detects one changed byte of the data, naming the revision', () => {
    const t = clone(events);
    t[4].data.text = flipByte(t[4].data.text as string);
    expect(verifyStreamChain(t)).toMatchObject({ valid: false, checked: 4, brokenAt: 4, reason: 'content-mismatch' });
  });

  it.each([
    ['type', (e: RecordedEvent) => void (e.type = flipByte(e.type))],
    ['metadata', (e: RecordedEvent) => void (e.metadata.userId = flipByte(e.metadata.userId as string))],
    ['recordedAt', (e: RecordedEvent) => void (e.recordedAt = flipByte(e.recordedAt, 3))],
    ['eventId', (e: RecordedEvent) => void (e.eventId = flipByte(e.eventId, 2))],
    ['stored hash', (e: RecordedEvent) => void (e.hash = flipByte(e.hash, 5))],
    ['a number in data', (e: RecordedEvent) => void (e.data.amount = 71)],
  ])('detects a changed %s', (_, mutate) => {
    const t = clone(events);
    mutate(t[7]);
    expect(verifyStreamChain(t)).toMatchObject({ valid: false, brokenAt: 7, reason: 'content-mismatch' });
  });

  it('detects a changed prevHash as a broken link', () => {
    const t = clone(events);
    t[3].prevHash = flipByte(t[3].prevHash as string);
    expect(verifyStreamChain(t)).toMatchObject({ valid: false, brokenAt: 3, reason: 'broken-link' });
    const first = clone(events);
    first[0].prevHash = events[5].hash;
    expect(verifyStreamChain(first)).toMatchObject({ valid: false, brokenAt: 0, reason: 'broken-link' });
  });

  it('detects an edited event whose own hash was recomputed at the next link', () => {
    const t = clone(events);
    t[4].data.text = 'rewritten';
    t[4].hash = computeEventHash(t[4]);
    expect(verifyStreamChain(t)).toMatchObject({ valid: false, checked: 5, brokenAt: 5, reason: 'broken-link' });
  });

  it('detects a deleted event', () => {
    expect(verifyStreamChain(events.filter((e) => e.revision !== 4))).toMatchObject({ valid: false, checked: 4, brokenAt: 4, reason: 'revision-gap' });
    expect(verifyStreamChain(events.slice(1))).toMatchObject({ valid: false, checked: 0, brokenAt: 0, reason: 'revision-gap' });
  });

  it('detects two reordered events', () => {
    const swapped = clone(events);
    [swapped[3], swapped[6]] = [swapped[6], swapped[3]];
    expect(verifyStreamChain(swapped)).toMatchObject({ valid: false, checked: 3, brokenAt: 3, reason: 'out-of-order' });
    const adjacent = clone(events);
    [adjacent[7], adjacent[8]] = [adjacent[8], adjacent[7]];
    expect(verifyStreamChain(adjacent)).toMatchObject({ valid: false, brokenAt: 7, reason: 'out-of-order' });
    // Rows swapped in place with their revision numbers rewritten to fit: the content no longer matches.
    const relabelled = clone(events);
    [relabelled[3], relabelled[6]] = [{ ...relabelled[6], revision: 3 }, { ...relabelled[3], revision: 6 }];
    expect(verifyStreamChain(relabelled)).toMatchObject({ valid: false, brokenAt: 3 });
    expect(['broken-link', 'content-mismatch']).toContain(verifyStreamChain(relabelled).reason);
  });

  it('detects a truncated tail when the expected head is known (and cannot without it)', () => {
    const truncated = events.slice(0, 7);
    expect(verifyStreamChain(truncated).valid).toBe(true); // the limitation of a bare chain
    expect(verifyStreamChain(truncated, { expectedHead: headOf(events) })).toMatchObject({ valid: false, checked: 7, brokenAt: 7, reason: 'truncated' });
    expect(verifyStreamChain([], { expectedHead: headOf(events) })).toMatchObject({ valid: false, checked: 0, brokenAt: 0, reason: 'truncated' });
  });

  it('detects a wholesale rewrite of the suffix via the expected head or the Merkle log hashes', () => {
    const rewritten = clone(events.slice(0, 4));
    for (let r = 4; r < N; r++) {
      const base = { ...events[r], data: { text: `forged ${r}` }, prevHash: rewritten[r - 1].hash };
      rewritten.push({ ...base, hash: computeEventHash(base) });
    }
    expect(verifyStreamChain(rewritten).valid).toBe(true); // the chain alone is self-consistent
    expect(verifyStreamChain(rewritten, { expectedHead: headOf(events) })).toMatchObject({ valid: false, brokenAt: 9, reason: 'head-mismatch' });
    const logged = new Map(events.map((e) => [e.revision, e.hash]));
    expect(verifyStreamChain(rewritten, { logged })).toMatchObject({ valid: false, checked: 4, brokenAt: 4, reason: 'log-mismatch' });
  });

  it('accepts events after an older expected head unless exactHead', () => {
    const olderHead = { revision: 5, hash: events[5].hash };
    expect(verifyStreamChain(events, { expectedHead: olderHead }).valid).toBe(true);
    expect(verifyStreamChain(events, { expectedHead: olderHead, exactHead: true })).toMatchObject({ valid: false, brokenAt: 6, reason: 'unexpected-tail' });
  });

  it('rejects events of another stream', () => {
    const other = makeStream('other', 3);
    expect(verifyStreamChain([...events.slice(0, 2), other[2]])).toMatchObject({ valid: false, brokenAt: 2, reason: 'wrong-stream' });
    expect(verifyStreamChain(events, { stream: 'other' })).toMatchObject({ valid: false, brokenAt: 0, reason: 'wrong-stream' });
  });

  it('verifies page by page with `after`', () => {
    const first = verifyStreamChain(events.slice(0, 4));
    const second = verifyStreamChain(events.slice(4), { after: first.head, expectedHead: headOf(events) });
    expect(second).toMatchObject({ valid: true, checked: 6, head: headOf(events) });
    const t = clone(events);
    t[4].prevHash = t[2].hash;
    expect(verifyStreamChain(t.slice(4), { after: first.head })).toMatchObject({ valid: false, brokenAt: 4, reason: 'broken-link' });
  });
});

describe('AllStreamsVerifier', () => {
  it('verifies every stream from the global order and summarizes the broken ones', () => {
    const a = makeStream('a', 5);
    const b = makeStream('b', 7);
    const c = makeStream('c', 3);
    const heads = new Map([a, b, c].map((s) => [s[0].stream, headOf(s)]));
    heads.set('gone', { revision: 2, hash: 'x' });

    const ok = new AllStreamsVerifier({ expectedHeads: new Map([a, b, c].map((s) => [s[0].stream, headOf(s)])) });
    ok.push(interleave(a, b, c));
    expect(ok.finish()).toEqual({ valid: true, streams: 3, events: 15, brokenStreams: [] });

    const tb = clone(b);
    tb[2].data.text = flipByte(tb[2].data.text as string);
    const v = new AllStreamsVerifier({ expectedHeads: heads });
    const all = interleave(a, tb, c.slice(0, 1));
    v.push(all.slice(0, 6));
    v.push(all.slice(6));
    const summary = v.finish();
    expect(summary.valid).toBe(false);
    expect(summary.streams).toBe(4);
    expect(summary.brokenStreams.map(({ stream, brokenAt, reason }) => ({ stream, brokenAt, reason }))).toEqual([
      { stream: 'b', brokenAt: 2, reason: 'content-mismatch' },
      { stream: 'c', brokenAt: 1, reason: 'truncated' },
      { stream: 'gone', brokenAt: 0, reason: 'truncated' },
    ]);
  });
});
