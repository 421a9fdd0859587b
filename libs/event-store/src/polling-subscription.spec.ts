import type { Position, RecordedEvent } from './event-store.port';
import { PollingSubscription, type SubscriptionPage } from './polling-subscription';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function event(n: number): RecordedEvent {
  return { stream: 's', revision: n, position: `1/${n}`, eventId: `e${n}`, type: 'T', data: {}, metadata: {}, recordedAt: '', hash: '', prevHash: null };
}

/** An in-memory log: read(after, max) returns events strictly after `after`. */
function log() {
  const events: RecordedEvent[] = [];
  const calls: Array<{ after: Position; max: number }> = [];
  const read = async (after: Position, max: number): Promise<SubscriptionPage> => {
    calls.push({ after, max });
    const n = Number(after.split('/')[1]);
    const rest = events.filter((e) => e.revision > n);
    const page = rest.slice(0, max);
    return { events: page, lastPosition: page.length ? page[page.length - 1].position : after, isEnd: rest.length <= max };
  };
  return { events, calls, read };
}

describe('PollingSubscription', () => {
  it('pages through history in batches, strictly after the checkpoint, and follows wake-ups', async () => {
    const l = log();
    for (let i = 1; i <= 10; i++) l.events.push(event(i));
    const got: number[][] = [];
    const sub = new PollingSubscription(l.read, { after: '1/2', batchSize: 3, pollIntervalMs: 60_000, handler: async (es) => void got.push(es.map((e) => e.revision)) }, () => undefined);
    while (got.flat().length < 8) await sleep(1);
    expect(got).toEqual([[3, 4, 5], [6, 7, 8], [9, 10]]);
    l.events.push(event(11));
    sub.wake();
    while (got.flat().length < 9) await sleep(1);
    expect(got[3]).toEqual([11]);
    await sub.stop();
    await expect(sub.done).resolves.toBeUndefined();
  });

  it('does not lose a wake-up that arrives while it is reading', async () => {
    const events: RecordedEvent[] = [];
    let reads = 0;
    const ref: { sub?: PollingSubscription } = {};
    const read = async (after: Position): Promise<SubscriptionPage> => {
      reads++;
      if (reads === 1) {
        events.push(event(1)); // committed while we read …
        ref.sub!.wake(); // … and its wake-up arrives before our read returns (empty)
        return { events: [], lastPosition: after, isEnd: true };
      }
      const n = Number(after.split('/')[1]);
      const page = events.filter((e) => e.revision > n);
      return { events: page, lastPosition: page.length ? page[page.length - 1].position : after, isEnd: true };
    };
    const got: RecordedEvent[] = [];
    const sub = (ref.sub = new PollingSubscription(read, { pollIntervalMs: 60_000, handler: async (es) => void got.push(...es) }, () => undefined));
    for (let i = 0; i < 200 && got.length === 0; i++) await sleep(5);
    expect(got.map((e) => e.eventId)).toEqual(['e1']);
    await sub.stop();
  });

  it('re-polls soon while committed events are pending behind an open transaction', async () => {
    let pending = true;
    let reads = 0;
    const read = async (after: Position): Promise<SubscriptionPage> => {
      reads++;
      return { events: [], lastPosition: after, isEnd: true, pending };
    };
    const sub = new PollingSubscription(read, { pollIntervalMs: 60_000, handler: async () => undefined }, () => undefined);
    await sleep(200);
    expect(reads).toBeGreaterThan(3); // back-off 5, 10, 20, 40, 80 ms … not 60 s
    pending = false;
    await sleep(200);
    const settled = reads;
    await sleep(150);
    expect(reads).toBe(settled); // idle again: waits for a wake-up or the poll interval
    await sub.stop();
  });

  it('retries failing reads with back-off, then rejects done', async () => {
    let reads = 0;
    const boom = new Error('db down');
    const sub = new PollingSubscription(
      async () => {
        reads++;
        throw boom;
      },
      { pollIntervalMs: 10, handler: async () => undefined },
      () => undefined,
    );
    await expect(sub.done).rejects.toBe(boom);
    expect(reads).toBe(6);
  }, 10_000);

  it('recovers from a transient read failure', async () => {
    const l = log();
    l.events.push(event(1));
    let failures = 1;
    const got: RecordedEvent[] = [];
    const sub = new PollingSubscription(
      async (after, max) => {
        if (failures-- > 0) throw new Error('blip');
        return l.read(after, max);
      },
      { handler: async (es) => void got.push(...es) },
      () => undefined,
    );
    for (let i = 0; i < 100 && got.length === 0; i++) await sleep(5);
    expect(got).toHaveLength(1);
    await sub.stop();
  });

  it('rejects an invalid checkpoint; stop() while idle returns promptly and reports finish', async () => {
    const bad = new PollingSubscription(log().read, { after: 'x', handler: async () => undefined }, () => undefined);
    await expect(bad.done).rejects.toThrow(/Invalid position/);
    let finished = false;
    const sub = new PollingSubscription(log().read, { pollIntervalMs: 60_000, handler: async () => undefined }, () => (finished = true));
    await sleep(20);
    const t = Date.now();
    await sub.stop();
    expect(Date.now() - t).toBeLessThan(100);
    expect(finished).toBe(true);
    expect(sub.isStopped).toBe(true);
  });
});
