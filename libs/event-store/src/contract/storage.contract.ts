/** EventStore contract: stream metadata, health and durability across a restart. Registered by describeEventStoreContract (event-store.contract.ts). */
import { comparePositions, START, type AppendResult } from '../event-store.port';
import { verifyEventChain } from '../hashing';
import { uniq, ev, waitForVisible, readAllAfter, type ContractContext } from './contract-support';

export function registerStorageContract(ctx: ContractContext): void {
  const { store } = ctx;
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
      await ctx.h.restart();
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
}
