/** EventStore contract: appends, expected revisions and idempotency. Registered by describeEventStoreContract (event-store.contract.ts). */
import { randomUUID } from 'node:crypto';
import { comparePositions, ConcurrencyError, DuplicateEventIdError, type ExpectedRevision } from '../event-store.port';
import { computeEventHash, verifyEventChain } from '../hashing';
import { uniq, ev, expectConcurrencyError, type ContractContext } from './contract-support';

export function registerAppendContract(ctx: ContractContext): void {
  const { store, scale } = ctx;
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
}
