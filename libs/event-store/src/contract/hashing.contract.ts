/** EventStore contract: the hash chain. Registered by describeEventStoreContract (event-store.contract.ts). */
import { computeEventHash, verifyEventChain } from '../hashing';
import { uniq, ev, type ContractContext } from './contract-support';

export function registerHashChainContract(ctx: ContractContext): void {
  const { store } = ctx;
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
}
