import type { RecordedEvent } from '@app/event-store';
import { computeEventHash } from '../event-hash';

/** Builds a correctly hashed, chained stream (test helper; positions are "1/<seq>"). */
export function makeStream(stream: string, count: number, opts: { firstSeq?: number; from?: { revision: number; hash: string } } = {}): RecordedEvent[] {
  const out: RecordedEvent[] = [];
  let prevHash: string | null = opts.from ? opts.from.hash : null;
  const start = opts.from ? opts.from.revision + 1 : 0;
  for (let revision = start; revision < start + count; revision++) {
    const seq = (opts.firstSeq ?? 1) + revision - start;
    const base = {
      stream,
      revision,
      position: `1/${seq}`,
      eventId: `${stream}-e${revision}`,
      type: revision === 0 ? 'DisputeOpened' : 'CustomerMessage',
      data: { text: `message ${revision} 催单`, amount: revision * 10, nested: { ok: true, list: [1, 'two', null] } },
      metadata: { userId: 'u-1', correlationId: `c-${revision}` },
      recordedAt: new Date(Date.UTC(2025, 0, 1, 0, 0, revision)).toISOString(),
      prevHash,
    };
    const hash = computeEventHash(base);
    out.push({ ...base, hash });
    prevHash = hash;
  }
  return out;
}

/** Interleaves streams into one global order (round-robin), renumbering positions. */
export function interleave(...streams: RecordedEvent[][]): RecordedEvent[] {
  const out: RecordedEvent[] = [];
  const max = Math.max(0, ...streams.map((s) => s.length));
  for (let i = 0; i < max; i++) for (const s of streams) if (i < s.length) out.push({ ...s[i], position: `1/${out.length + 1}` });
  return out;
}

/** Flips one byte (the first character's low bit) of a string. */
export function flipByte(s: string, at = 0): string {
  const b = Buffer.from(s, 'utf8');
  b[at] ^= 0x01;
  return b.toString('utf8');
}
