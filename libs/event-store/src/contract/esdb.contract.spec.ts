/**
 * The contract against EventStoreDB: runs only when EVENTSTORE_CONNECTION_STRING is set (no server can run
 * in this repository's CI). Streams get random names, so it can run against a shared server.
 */
import { EsdbEventStore } from '../esdb/esdb-event-store';
import { describeEventStoreContract, type EventStoreHarness } from './event-store.contract';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;

if (connectionString) {
  describeEventStoreContract('esdb (EVENTSTORE_CONNECTION_STRING)', async () => {
    const open = async () => {
      const store = new EsdbEventStore({ connectionString });
      await store.init();
      return store;
    };
    const harness: EventStoreHarness = {
      store: await open(),
      concurrentTransactions: true,
      async restart() {
        await harness.store.close();
        harness.store = await open();
      },
      async close() {
        await harness.store.close();
      },
    };
    return harness;
  });
} else {
  describe.skip('EventStore contract: esdb — SKIPPED: set EVENTSTORE_CONNECTION_STRING to run it against an EventStoreDB server', () => {
    it('needs EVENTSTORE_CONNECTION_STRING', () => undefined);
  });
}
