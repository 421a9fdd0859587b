/**
 * The shared contract every EventStore adapter must pass. Spec files call
 * `describeEventStoreContract(name, createHarness)`; nothing here is adapter-specific except the optional
 * `holdOpenAppend` hook (an append whose transaction stays open for a while) and the
 * `concurrentTransactions` flag describing what the adapter can do while such a transaction is open.
 */
import { randomUUID } from 'node:crypto';
import {
  comparePositions,
  ConcurrencyError,
  DuplicateEventIdError,
  START,
  type AppendResult,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type Position,
  type RecordedEvent,
} from '../event-store.port';
import { computeEventHash, verifyEventChain } from '../hashing';

export interface EventStoreHarness {
  /** The store under test (replaced by restart()). */
  store: EventStore;
  /** Closes the store and everything under it, then reopens it on the same storage (data dir / database). */
  restart(): Promise<void>;
  /** Closes for good and removes temporary storage. */
  close(): Promise<void>;
  /**
   * Appends `events` through the adapter's normal SQL path inside a transaction that is held open for
   * `holdMs` before it commits. `inserted` resolves once the events are written (transaction still open),
   * `committed` once it committed.
   */
  holdOpenAppend?(stream: string, events: EventToAppend[], holdMs: number): { inserted: Promise<void>; committed: Promise<void> };
  /**
   * True when other appends can commit while a held transaction is open (PostgreSQL: many connections);
   * false when they queue behind it (PGlite: one connection, transactions serialised).
   */
  concurrentTransactions: boolean;
}

export interface ContractOptions {
  /** Scale of the concurrency tests (default 1). */
  scale?: number;
  /** ms the long transaction is held open in the subscription test (default 2000). */
  holdMs?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

function uniq(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

function ev(type: string, data: Record<string, unknown> = {}, eventId?: string, metadata?: Record<string, unknown>): EventToAppend {
  return { type, data, ...(eventId ? { eventId } : {}), ...(metadata ? { metadata } : {}) };
}

/**
 * Waits until readers can see `position` (headPosition ≥ it), which implies every event at or before it is
 * readable. On PostgreSQL the global log is bounded by the cluster-wide xmin, so a transaction of someone
 * else (even in another database of a shared server) can delay visibility for a moment; tests that assert
 * completeness right after writing wait for it, like a read-your-writes caller would.
 */
async function waitForVisible(store: EventStore, position: Position, timeoutMs = 15_000): Promise<void> {
  await waitFor(async () => comparePositions(await store.headPosition(), position) >= 0, timeoutMs, `position ${position} to become readable`);
}

function maxPosition(positions: Position[]): Position {
  return positions.reduce((a, b) => (comparePositions(a, b) >= 0 ? a : b), START);
}

/** Appends a marker and waits until it is readable: everything committed before it is readable too. */
async function settle(store: EventStore): Promise<Position> {
  const r = await store.appendToStream(uniq('settle'), [ev('Settle')]);
  await waitForVisible(store, r.position);
  return r.position;
}

/** Every event after `after`, paging through readAll. */
async function readAllAfter(store: EventStore, after: Position = START, pageSize = 200): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  let pos = after;
  for (;;) {
    const page = await store.readAll({ after: pos, maxCount: pageSize });
    out.push(...page.events);
    pos = page.lastPosition;
    if (page.isEnd) return out;
  }
}

async function expectConcurrencyError(p: Promise<unknown>, expected: ExpectedRevision, actual: number | null) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConcurrencyError);
  expect((err as ConcurrencyError).expected).toBe(expected);
  expect((err as ConcurrencyError).actual).toBe(actual);
}

export function describeEventStoreContract(name: string, createHarness: () => Promise<EventStoreHarness>, options: ContractOptions = {}): void {
  const scale = options.scale ?? 1;
  const holdMs = options.holdMs ?? 2000;

  describe(`EventStore contract: ${name}`, () => {
    let h: EventStoreHarness;
    const store = () => h.store;

    beforeAll(async () => {
      h = await createHarness();
    });
    afterAll(async () => {
      await h?.close();
    });

    describe('append and read', () => {
      it('appends, reads a stream forwards/backwards with fromRevision and maxCount, reports revisions', async () => {
        const s = uniq('basic');
        expect(await store().streamRevision(s)).toBeNull();
        expect(await store().readStream(s)).toEqual([]);
        const r1 = await store().appendToStream(s, [ev('A', { i: 0 }), ev('B', { i: 1 })], { expectedRevision: 'no_stream' });
        expect(r1.nextExpectedRevision).toBe(1);
        expect(r1.idempotentReplay).toBe(false);
        expect(r1.events.map((e) => e.revision)).toEqual([0, 1]);
        expect(r1.position).toBe(r1.events[1].position);
        const r2 = await store().appendToStream(s, [ev('C', { i: 2 }), ev('D', { i: 3 }), ev('E', { i: 4 })], { expectedRevision: 1 });
        expect(r2.nextExpectedRevision).toBe(4);
        expect(comparePositions(r2.events[0].position, r1.position)).toBeGreaterThan(0);
        expect(await store().streamRevision(s)).toBe(4);

        const all = await store().readStream(s);
        expect(all.map((e) => e.type)).toEqual(['A', 'B', 'C', 'D', 'E']);
        expect(all).toEqual([...r1.events, ...r2.events]);
        expect(all.every((e) => e.stream === s && typeof e.recordedAt === 'string' && /Z$/.test(e.recordedAt))).toBe(true);

        expect((await store().readStream(s, { fromRevision: 2 })).map((e) => e.revision)).toEqual([2, 3, 4]);
        expect((await store().readStream(s, { fromRevision: 1, maxCount: 2 })).map((e) => e.revision)).toEqual([1, 2]);
        expect((await store().readStream(s, { direction: 'backwards' })).map((e) => e.revision)).toEqual([4, 3, 2, 1, 0]);
        expect((await store().readStream(s, { direction: 'backwards', maxCount: 2 })).map((e) => e.revision)).toEqual([4, 3]);
        expect((await store().readStream(s, { direction: 'backwards', fromRevision: 2 })).map((e) => e.revision)).toEqual([2, 1, 0]);
        expect((await store().readStream(s, { direction: 'backwards', fromRevision: 3, maxCount: 2 })).map((e) => e.revision)).toEqual([3, 2]);
        expect(await store().readStream(s, { fromRevision: 99 })).toEqual([]);
      });

      it('stores data and metadata as JSON (normalised) and returns them unchanged', async () => {
        const s = uniq('json');
        const data = {
          text: 'Ünïcødé 催单 \u2028 "quoted" \\ slash',
          nested: { deep: [1, 2.5, -3, { x: null }], empty: {} },
          numbers: [0, -0, 0.1, 1e21, 123456789012345, 5e-324, 1.7976931348623157e308],
          flag: true,
          date: new Date('2024-05-06T07:08:09.010Z'),
          skipped: undefined,
        };
        const r = await store().appendToStream(s, [ev('J', data, undefined, { actor: { sub: 'u1', role: 'merchant' }, correlationId: 'c-1' })]);
        const [read] = await store().readStream(s);
        const normalised = JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
        expect(read.data).toEqual(normalised);
        expect(r.events[0].data).toEqual(normalised);
        expect(read.metadata).toEqual({ actor: { sub: 'u1', role: 'merchant' }, correlationId: 'c-1' });
        expect(computeEventHash(read)).toBe(read.hash);
      });

      it('rejects invalid input without writing', async () => {
        const s = uniq('invalid');
        await expect(store().appendToStream(s, [])).rejects.toThrow();
        await expect(store().appendToStream(s, [{ type: '', data: {} }])).rejects.toThrow();
        await expect(store().appendToStream(s, [ev('X', {}, 'not-a-uuid')])).rejects.toThrow(/UUID/);
        await expect(store().appendToStream(s, [ev('X', { n: Number.NaN })])).rejects.toThrow();
        const id = randomUUID();
        await expect(store().appendToStream(s, [ev('X', {}, id), ev('Y', {}, id)])).rejects.toBeInstanceOf(DuplicateEventIdError);
        await expect(store().readAll({ after: 'nope' })).rejects.toThrow(/Invalid position/);
        expect(await store().streamRevision(s)).toBeNull();
      });
    });

    describe('expected revision', () => {
      it('no_stream on an existing stream → ConcurrencyError', async () => {
        const s = uniq('exp');
        await store().appendToStream(s, [ev('A')], { expectedRevision: 'no_stream' });
        await expectConcurrencyError(store().appendToStream(s, [ev('B')], { expectedRevision: 'no_stream' }), 'no_stream', 0);
      });

      it('stream_exists on a missing stream → ConcurrencyError; on an existing one → ok', async () => {
        const s = uniq('exp');
        await expectConcurrencyError(store().appendToStream(s, [ev('A')], { expectedRevision: 'stream_exists' }), 'stream_exists', null);
        expect(await store().streamRevision(s)).toBeNull();
        await store().appendToStream(s, [ev('A')]);
        const r = await store().appendToStream(s, [ev('B')], { expectedRevision: 'stream_exists' });
        expect(r.nextExpectedRevision).toBe(1);
      });

      it('an exact revision that is behind, ahead, or on a missing stream → ConcurrencyError', async () => {
        const s = uniq('exp');
        await expectConcurrencyError(store().appendToStream(s, [ev('A')], { expectedRevision: 0 }), 0, null);
        await store().appendToStream(s, [ev('A'), ev('B'), ev('C')], { expectedRevision: 'no_stream' });
        await expectConcurrencyError(store().appendToStream(s, [ev('D')], { expectedRevision: 1 }), 1, 2);
        await expectConcurrencyError(store().appendToStream(s, [ev('D')], { expectedRevision: 5 }), 5, 2);
        const ok = await store().appendToStream(s, [ev('D')], { expectedRevision: 2 });
        expect(ok.nextExpectedRevision).toBe(3);
        expect((await store().readStream(s)).map((e) => e.type)).toEqual(['A', 'B', 'C', 'D']);
      });

      it("'any' appends whatever the state", async () => {
        const s = uniq('exp');
        expect((await store().appendToStream(s, [ev('A')], { expectedRevision: 'any' })).nextExpectedRevision).toBe(0);
        expect((await store().appendToStream(s, [ev('B')])).nextExpectedRevision).toBe(1);
      });

      it('50 concurrent appends with the same expected revision: exactly one succeeds, 49 ConcurrencyError', async () => {
        const s = uniq('race');
        await store().appendToStream(s, [ev('Created')], { expectedRevision: 'no_stream' });
        const results = await Promise.allSettled(
          Array.from({ length: 50 }, (_, i) => store().appendToStream(s, [ev('Raced', { i })], { expectedRevision: 0 })),
        );
        const ok = results.filter((r) => r.status === 'fulfilled');
        const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(ok).toHaveLength(1);
        expect(failed).toHaveLength(49);
        for (const f of failed) {
          expect(f.reason).toBeInstanceOf(ConcurrencyError);
          expect((f.reason as ConcurrencyError).actual).toBe(1);
        }
        const events = await store().readStream(s);
        expect(events.map((e) => e.revision)).toEqual([0, 1]);
        expect(verifyEventChain(events).valid).toBe(true);
      });

      it('50 concurrent creators with no_stream: exactly one creates the stream', async () => {
        const s = uniq('create-race');
        const results = await Promise.allSettled(
          Array.from({ length: 50 }, (_, i) => store().appendToStream(s, [ev('Created', { i })], { expectedRevision: 'no_stream' })),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(failed).toHaveLength(49);
        for (const f of failed) expect(f.reason).toBeInstanceOf(ConcurrencyError);
        expect(await store().readStream(s)).toHaveLength(1);
      });

      it("concurrent 'any' appends to one stream serialise into one unbroken chain", async () => {
        const s = uniq('any-race');
        const n = 30 * scale;
        const results = await Promise.all(Array.from({ length: n }, (_, i) => store().appendToStream(s, [ev('A', { i }), ev('B', { i })])));
        const revisions = results.flatMap((r) => r.events.map((e) => e.revision)).sort((a, b) => a - b);
        expect(revisions).toEqual(Array.from({ length: 2 * n }, (_, i) => i));
        const events = await store().readStream(s);
        expect(events).toHaveLength(2 * n);
        expect(verifyEventChain(events)).toEqual({ valid: true, checked: 2 * n });
        // stream order agrees with global order
        for (let i = 1; i < events.length; i++) expect(comparePositions(events[i - 1].position, events[i].position)).toBeLessThan(0);
      });
    });

    describe('idempotency', () => {
      it('appending the same event ids again is a no-op returning the first result', async () => {
        const s = uniq('idem');
        const ids = [randomUUID(), randomUUID()];
        const batch = [ev('A', { n: 1 }, ids[0]), ev('B', { n: 2 }, ids[1])];
        const first = await store().appendToStream(s, batch, { expectedRevision: 'no_stream' });
        const again = await store().appendToStream(s, batch, { expectedRevision: 'no_stream' });
        expect(again.idempotentReplay).toBe(true);
        expect(again.events).toEqual(first.events);
        expect(again.position).toBe(first.position);
        expect(again.nextExpectedRevision).toBe(first.nextExpectedRevision);
        // also with 'any' and with the exact revision the first attempt used, and after the stream moved on
        await store().appendToStream(s, [ev('C')]);
        for (const expectedRevision of ['any', 'stream_exists', -0, 7] as ExpectedRevision[]) {
          const r = await store().appendToStream(s, batch, { expectedRevision });
          expect(r.idempotentReplay).toBe(true);
          expect(r.events).toEqual(first.events);
        }
        expect((await store().readStream(s)).map((e) => e.type)).toEqual(['A', 'B', 'C']);
      });

      it('concurrent retries of the same append store it once', async () => {
        const s = uniq('idem-race');
        const batch = [ev('A', { n: 1 }, randomUUID())];
        const results = await Promise.all(Array.from({ length: 10 }, () => store().appendToStream(s, batch, { expectedRevision: 'any' })));
        expect(results.filter((r) => !r.idempotentReplay)).toHaveLength(1);
        for (const r of results) expect(r.events[0].position).toBe(results[0].events[0].position);
        expect(await store().readStream(s)).toHaveLength(1);
      });

      it('racing appends of the same event id to different streams: one wins, the others get DuplicateEventIdError (never a raw error)', async () => {
        if (store().kind === 'esdb') return; // EventStoreDB has no global event-id index
        const id = randomUUID();
        const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store().appendToStream(uniq(`dup-${i}`), [ev('A', { n: 1 }, id)])));
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(DuplicateEventIdError);
      });

      it('partially repeated ids, ids of another stream, or the same id with other content → DuplicateEventIdError', async () => {
        const s = uniq('idem');
        const a = randomUUID();
        await store().appendToStream(s, [ev('A', { n: 1 }, a)]);
        await expect(store().appendToStream(s, [ev('A', { n: 1 }, a), ev('B', {}, randomUUID())])).rejects.toBeInstanceOf(DuplicateEventIdError);
        await expect(store().appendToStream(s, [ev('A', { n: 2 }, a)])).rejects.toBeInstanceOf(DuplicateEventIdError);
        if (store().kind !== 'esdb') {
          // EventStoreDB has no global event-id index; the SQL stores do.
          await expect(store().appendToStream(uniq('other'), [ev('A', { n: 1 }, a)])).rejects.toBeInstanceOf(DuplicateEventIdError);
        }
        expect(await store().readStream(s)).toHaveLength(1);
      });
    });

    describe('global order', () => {
      it('is stable and can be paged from any position: every event exactly once, same order every time', async () => {
        const before = await settle(store()); // everything committed so far is at or before this position
        const streams = Array.from({ length: 5 }, () => uniq('order'));
        const writes = Array.from({ length: 40 * scale }, (_, i) =>
          store().appendToStream(streams[i % streams.length], [ev('O', { i }), ...(i % 3 === 0 ? [ev('P', { i })] : [])]),
        );
        const written = (await Promise.all(writes)).flatMap((r) => r.events);
        await waitForVisible(store(), maxPosition(written.map((e) => e.position)));
        const head = await store().headPosition();
        expect(comparePositions(head, before)).toBeGreaterThan(0);

        const full = await readAllAfter(store(), START, 1000);
        for (let i = 1; i < full.length; i++) expect(comparePositions(full[i - 1].position, full[i].position)).toBeLessThan(0);
        expect(new Set(full.map((e) => e.eventId)).size).toBe(full.length);
        expect(full[full.length - 1].position).toBe(head);
        const ids = new Set(full.map((e) => e.eventId));
        for (const w of written) expect(ids.has(w.eventId)).toBe(true);

        for (const pageSize of [1, 7, 50]) {
          const paged = await readAllAfter(store(), START, pageSize);
          expect(paged.map((e) => e.position)).toEqual(full.map((e) => e.position));
        }
        // from arbitrary positions: exactly the suffix
        for (const idx of [0, 1, Math.floor(full.length / 2), full.length - 2, full.length - 1]) {
          if (idx < 0) continue;
          const suffix = await readAllAfter(store(), full[idx].position, 13);
          expect(suffix.map((e) => e.eventId)).toEqual(full.slice(idx + 1).map((e) => e.eventId));
        }
        const end = await store().readAll({ after: head, maxCount: 10 });
        expect(end).toEqual({ events: [], lastPosition: head, isEnd: true });
        const exact = await store().readAll({ after: before, maxCount: written.length });
        expect(exact.events).toHaveLength(written.length);
        expect(exact.isEnd).toBe(true);
        const short = await store().readAll({ after: before, maxCount: written.length - 1 });
        expect(short.isEnd).toBe(false);
        expect(short.lastPosition).toBe(short.events[short.events.length - 1].position);
        expect(full).toEqual(await readAllAfter(store(), START, 1000)); // same order twice
      });

      it('events of one stream appear in the global log in stream order, with the positions the append returned', async () => {
        const s = uniq('positions');
        const r1 = await store().appendToStream(s, [ev('A'), ev('B')]);
        const r2 = await store().appendToStream(s, [ev('C')]);
        await waitForVisible(store(), r2.position);
        const all = (await readAllAfter(store(), START, 1000)).filter((e) => e.stream === s);
        expect(all).toEqual([...r1.events, ...r2.events]);
      });
    });

    describe('catch-up subscription', () => {
      it('delivers history then live events in global order; stops cleanly', async () => {
        const s = uniq('sub');
        await store().appendToStream(s, [ev('H1'), ev('H2')]);
        const start = (await store().readStream(s))[0].position;
        const got: RecordedEvent[] = [];
        const sub = store().subscribeToAll({
          after: start,
          batchSize: 3,
          pollIntervalMs: 200,
          handler: async (events) => {
            got.push(...events);
          },
        });
        await store().appendToStream(s, [ev('L1')]);
        await waitFor(() => got.some((e) => e.type === 'L1'), 15_000, 'live event');
        await sub.stop();
        await sub.done;
        const expected = await readAllAfter(store(), start);
        expect(got.map((e) => e.eventId)).toEqual(expected.slice(0, got.length).map((e) => e.eventId));
        expect(got[0].type).toBe('H2');
        const n = got.length;
        await store().appendToStream(s, [ev('AfterStop')]);
        await sleep(100);
        expect(got).toHaveLength(n);
      });

      it('never skips and never repeats while many writers commit concurrently and out of order, even around a long transaction', async () => {
        const start = await store().headPosition();
        const got: RecordedEvent[] = [];
        const deliveredAt = new Map<string, number>();
        let batches = 0;
        const sub = store().subscribeToAll({
          after: start,
          batchSize: 16,
          pollIntervalMs: 100,
          handler: async (events) => {
            batches++;
            const now = Date.now();
            for (const e of events) deliveredAt.set(e.eventId, now);
            got.push(...events);
            if (batches % 5 === 0) await sleep(2);
          },
        });

        const streams = Array.from({ length: 6 }, () => uniq('many'));
        const writerEvents = new Set<string>();
        const writerCommittedAt: number[] = [];
        const writer = async (w: number) => {
          for (let i = 0; i < 12 * scale; i++) {
            const n = 1 + ((w + i) % 3);
            const r = await store().appendToStream(
              streams[(w * 7 + i) % streams.length],
              Array.from({ length: n }, (_, k) => ev('W', { w, i, k })),
            );
            writerCommittedAt.push(Date.now());
            for (const e of r.events) writerEvents.add(e.eventId);
          }
        };

        let heldIds: string[] = [];
        let heldCommittedAt = 0;
        let holdStartedAt = 0;
        let writersStartedAfterHold: Promise<void> = Promise.resolve();
        const shortHolds: Promise<void>[] = [];
        if (h.holdOpenAppend) {
          // Short held transactions interleaved with the writers make commits happen out of order.
          for (let i = 0; i < 4; i++) {
            shortHolds.push(
              (async () => {
                await sleep(20 * i);
                const held = h.holdOpenAppend!(streams[i], [ev('ShortHeld', { i })], 50 + 40 * i);
                await held.committed;
              })(),
            );
          }
        }
        const early = Promise.all(Array.from({ length: 4 }, (_, w) => writer(w)));

        if (h.holdOpenAppend) {
          await early;
          await Promise.all(shortHolds);
          // The long one: inserted first, committed last.
          heldIds = [randomUUID(), randomUUID()];
          const held = h.holdOpenAppend(uniq('held'), [ev('Held', { n: 0 }, heldIds[0]), ev('Held', { n: 1 }, heldIds[1])], holdMs);
          await held.inserted;
          holdStartedAt = Date.now();
          writerCommittedAt.length = 0;
          writersStartedAfterHold = Promise.all(Array.from({ length: 4 }, (_, w) => writer(10 + w))).then(() => undefined);
          await held.committed;
          heldCommittedAt = Date.now();
          await writersStartedAfterHold;
          if (h.concurrentTransactions) {
            // PostgreSQL: others committed while the long transaction was open …
            expect(writerCommittedAt.filter((t) => t < heldCommittedAt).length).toBeGreaterThan(0);
          } else {
            // PGlite: one connection; the others waited for it.
            expect(writerCommittedAt.filter((t) => t < holdStartedAt + holdMs - 100)).toEqual([]);
            expect(heldCommittedAt - holdStartedAt).toBeGreaterThanOrEqual(holdMs - 50);
          }
        } else {
          await early;
        }

        await settle(store());
        const final = await readAllAfter(store(), start, 500);
        await waitFor(() => got.length >= final.length, 15_000, `subscriber to receive ${final.length} events (has ${got.length})`);
        await sleep(150);
        await sub.stop();
        await expect(sub.done).resolves.toBeUndefined();

        const ids = got.map((e) => e.eventId);
        expect(new Set(ids).size).toBe(ids.length); // never repeats
        expect(ids).toEqual(final.map((e) => e.eventId)); // never skips, same order as a final readAll
        for (let i = 1; i < got.length; i++) expect(comparePositions(got[i - 1].position, got[i].position)).toBeLessThan(0);
        for (const id of writerEvents) expect(deliveredAt.has(id)).toBe(true);

        if (heldIds.length) {
          // … but the held transaction's events come first in the global order (it started first), and nothing
          // after them was delivered before it committed: the subscriber could not have skipped them.
          const heldIdx = ids.indexOf(heldIds[0]);
          expect(heldIdx).toBeGreaterThanOrEqual(0);
          expect(ids[heldIdx + 1]).toBe(heldIds[1]);
          for (const e of got.slice(heldIdx)) expect(deliveredAt.get(e.eventId)!).toBeGreaterThanOrEqual(holdStartedAt + holdMs - 100);
          expect(heldCommittedAt).toBeGreaterThanOrEqual(holdStartedAt + holdMs - 100);
        }
      }, 60_000);

      it('a handler error stops the subscription and rejects done; stop() from inside the handler does not dead-lock', async () => {
        const s = uniq('sub-err');
        await store().appendToStream(s, [ev('A'), ev('B')]);
        const from = (await store().readStream(s))[0].position;
        const boom = new Error('handler failed');
        let calls = 0;
        const failing = store().subscribeToAll({
          after: from,
          handler: async () => {
            calls++;
            throw boom;
          },
        });
        await expect(failing.done).rejects.toBe(boom);
        expect(calls).toBe(1);
        await failing.stop(); // already stopped: resolves

        let seen = 0;
        const self = store().subscribeToAll({
          after: from,
          handler: async (events) => {
            seen += events.length;
            await self.stop();
          },
        });
        await expect(self.done).resolves.toBeUndefined();
        expect(seen).toBeGreaterThan(0);
      });
    });

    describe('hash chain', () => {
      it("links each event's prevHash to the previous event's hash, and every hash recomputes", async () => {
        const s = uniq('chain');
        await store().appendToStream(s, [ev('A', { n: 1 })], { expectedRevision: 'no_stream' });
        await store().appendToStream(s, [ev('B', { n: 2 }), ev('C', { n: 3 })], { expectedRevision: 0 });
        await store().appendToStream(s, [ev('D', { n: 4 }, undefined, { m: 'x' })]);
        const events = await store().readStream(s);
        expect(events[0].prevHash).toBeNull();
        for (let i = 1; i < events.length; i++) expect(events[i].prevHash).toBe(events[i - 1].hash);
        for (const e of events) {
          expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
          expect(computeEventHash(e)).toBe(e.hash);
        }
        expect(verifyEventChain(events)).toEqual({ valid: true, checked: 4 });
        const tampered = events.map((e) => (e.revision === 2 ? { ...e, data: { n: 33 } } : e));
        expect(verifyEventChain(tampered)).toMatchObject({ valid: false, brokenAt: 2 });
      });
    });

    describe('stream metadata and health', () => {
      it('gets and sets stream metadata', async () => {
        const s = uniq('meta');
        expect(await store().getStreamMetadata(s)).toBeNull();
        await store().setStreamMetadata(s, { tenant: 'm-1', tags: ['a'] });
        expect(await store().getStreamMetadata(s)).toEqual({ tenant: 'm-1', tags: ['a'] });
        expect(await store().streamRevision(s)).toBeNull(); // metadata alone does not create events
        await store().appendToStream(s, [ev('A')], { expectedRevision: 'no_stream' });
        await store().setStreamMetadata(s, { tenant: 'm-2' });
        expect(await store().getStreamMetadata(s)).toEqual({ tenant: 'm-2' });
        expect(await store().streamRevision(s)).toBe(0);
      });

      it('pings', async () => {
        await expect(store().ping()).resolves.toBeUndefined();
      });
    });

    describe('durability', () => {
      it('keeps events, their order and the chain across a restart', async () => {
        const s = uniq('restart');
        const r = await store().appendToStream(s, [ev('A', { n: 1 }), ev('B', { n: 2 })]);
        await waitForVisible(store(), r.position);
        const before = await readAllAfter(store(), START, 1000);
        const head = await store().headPosition();
        await h.restart();
        expect(await readAllAfter(store(), START, 1000)).toEqual(before);
        expect(await store().headPosition()).toBe(head);
        expect(await store().streamRevision(s)).toBe(1);
        // appending continues the chain (the head is read from storage, not from a cache)
        const more: AppendResult = await store().appendToStream(s, [ev('C', { n: 3 })], { expectedRevision: 1 });
        expect(more.events[0].prevHash).toBe(r.events[1].hash);
        expect(comparePositions(more.position, head)).toBeGreaterThan(0);
        expect(verifyEventChain(await store().readStream(s)).valid).toBe(true);
      }, 30_000);
    });
  });
}
