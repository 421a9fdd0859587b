/** EventStore contract: the global order (readAll, headPosition). Registered by describeEventStoreContract (event-store.contract.ts). */
import { comparePositions, START } from '../event-store.port';
import { uniq, ev, waitForVisible, maxPosition, settle, readAllAfter, type ContractContext } from './contract-support';

export function registerReadContract(ctx: ContractContext): void {
  const { store, scale } = ctx;
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
}
