/** EventStore contract: catch-up subscriptions. Registered by describeEventStoreContract (event-store.contract.ts). */
import { randomUUID } from 'node:crypto';
import { comparePositions, type RecordedEvent } from '../event-store.port';
import { sleep, waitFor, uniq, ev, settle, readAllAfter, type ContractContext } from './contract-support';

export function registerSubscriptionContract(ctx: ContractContext): void {
  const { store, scale, holdMs } = ctx;
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
      if (ctx.h.holdOpenAppend) {
        // Short held transactions interleaved with the writers make commits happen out of order.
        for (let i = 0; i < 4; i++) {
          shortHolds.push(
            (async () => {
              await sleep(20 * i);
              const held = ctx.h.holdOpenAppend!(streams[i], [ev('ShortHeld', { i })], 50 + 40 * i);
              await held.committed;
            })(),
          );
        }
      }
      const early = Promise.all(Array.from({ length: 4 }, (_, w) => writer(w)));

      if (ctx.h.holdOpenAppend) {
        await early;
        await Promise.all(shortHolds);
        // The long one: inserted first, committed last.
        heldIds = [randomUUID(), randomUUID()];
        const held = ctx.h.holdOpenAppend(uniq('held'), [ev('Held', { n: 0 }, heldIds[0]), ev('Held', { n: 1 }, heldIds[1])], holdMs);
        await held.inserted;
        holdStartedAt = Date.now();
        writerCommittedAt.length = 0;
        writersStartedAfterHold = Promise.all(Array.from({ length: 4 }, (_, w) => writer(10 + w))).then(() => undefined);
        await held.committed;
        heldCommittedAt = Date.now();
        await writersStartedAfterHold;
        if (ctx.h.concurrentTransactions) {
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
}
