/**
 * The shared contract every EventStore adapter must pass. Spec files call
 * `describeEventStoreContract(name, createHarness)`; nothing here is adapter-specific except the optional
 * `holdOpenAppend` hook (an append whose transaction stays open for a while) and the
 * `concurrentTransactions` flag describing what the adapter can do while such a transaction is open.
 */
import { registerAppendContract } from './appends.contract';
import type { ContractContext, ContractOptions, EventStoreHarness } from './contract-support';
import { registerHashChainContract } from './hashing.contract';
import { registerReadContract } from './reads.contract';
import { registerStorageContract } from './storage.contract';
import { registerSubscriptionContract } from './subscriptions.contract';

export type { ContractOptions, EventStoreHarness } from './contract-support';

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

    const ctx: ContractContext = {
      get h() {
        return h;
      },
      store,
      scale,
      holdMs,
    };
    // The parts register their describe blocks in this order, the same for every adapter.
    registerAppendContract(ctx); // append and read, expected revision, idempotency
    registerReadContract(ctx); // global order
    registerSubscriptionContract(ctx); // catch-up subscription
    registerHashChainContract(ctx); // hash chain
    registerStorageContract(ctx); // stream metadata and health, durability
  });
}
