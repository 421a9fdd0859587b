import { createEventStore, eventStoreConfigFromEnv } from './create-event-store';
import { EsdbEventStore, esdbEventToRecorded, ESDB_CHAIN_METADATA_KEY } from './esdb/esdb-event-store';
import * as barrel from './index';

describe('eventStoreConfigFromEnv', () => {
  it('reads EVENT_STORE, DATA_DIR, DATABASE_URL, EVENTSTORE_CONNECTION_STRING with defaults', () => {
    expect(eventStoreConfigFromEnv({})).toEqual({ kind: 'embedded', dataDir: expect.stringMatching(/data$/), databaseUrl: undefined, esdbConnectionString: undefined, embeddedFsync: true });
    expect(eventStoreConfigFromEnv({ EVENT_STORE: 'Postgres', DATABASE_URL: 'postgres://x/y', DATA_DIR: '/tmp/d', EMBEDDED_FSYNC: 'false' })).toEqual({
      kind: 'postgres',
      dataDir: '/tmp/d',
      databaseUrl: 'postgres://x/y',
      esdbConnectionString: undefined,
      embeddedFsync: false,
    });
    expect(() => eventStoreConfigFromEnv({ EVENT_STORE: 'mongo' })).toThrow(/EVENT_STORE/);
    expect(() => eventStoreConfigFromEnv({ EMBEDDED_FSYNC: 'maybe' })).toThrow(/EMBEDDED_FSYNC/);
  });

  it('refuses incomplete configurations', async () => {
    await expect(createEventStore({ kind: 'postgres' })).rejects.toThrow(/DATABASE_URL/);
    await expect(createEventStore({ kind: 'esdb' })).rejects.toThrow(/EVENTSTORE_CONNECTION_STRING/);
  });
});

describe('EsdbEventStore (no server)', () => {
  it('strips the chain fields from metadata and maps positions', () => {
    const recorded = esdbEventToRecorded({
      streamId: 'dispute-1',
      id: '5f0c1a7e-2b7d-4c1e-9a43-0d6f2f4b8e11',
      isJson: true,
      revision: 3n,
      type: 'Opened',
      created: new Date('2024-01-01T00:00:00Z'),
      data: { a: 1 },
      metadata: { actor: 'x', [ESDB_CHAIN_METADATA_KEY]: { hash: 'h', prevHash: 'p', recordedAt: '2024-01-01T00:00:00.123Z' } },
      position: { commit: 1234n, prepare: 1200n },
    });
    expect(recorded).toEqual({
      stream: 'dispute-1',
      revision: 3,
      position: '1234/1200',
      eventId: '5f0c1a7e-2b7d-4c1e-9a43-0d6f2f4b8e11',
      type: 'Opened',
      data: { a: 1 },
      metadata: { actor: 'x' },
      recordedAt: '2024-01-01T00:00:00.123Z',
      hash: 'h',
      prevHash: 'p',
    });
  });

  it('needs a connection string', () => {
    const saved = process.env.EVENTSTORE_CONNECTION_STRING;
    delete process.env.EVENTSTORE_CONNECTION_STRING;
    try {
      expect(() => new EsdbEventStore()).toThrow(/EVENTSTORE_CONNECTION_STRING/);
    } finally {
      if (saved !== undefined) process.env.EVENTSTORE_CONNECTION_STRING = saved;
    }
  });

  it('rejects appends using the reserved metadata key before touching the server', async () => {
    const store = new EsdbEventStore({ connectionString: 'esdb://127.0.0.1:1?tls=false' });
    await expect(store.appendToStream('s', [{ type: 'T', data: {}, metadata: { [ESDB_CHAIN_METADATA_KEY]: 1 } }])).rejects.toThrow(/reserved/);
    await store.close();
  });
});

describe('barrel', () => {
  it('exports the public API', () => {
    for (const name of [
      'START', 'parsePosition', 'comparePositions', 'ConcurrencyError', 'DuplicateEventIdError', 'InvalidPositionError', 'EVENT_STORE',
      'computeEventHash', 'canonicalJson', 'sha256Hex', 'verifyEventChain',
      'createEventStore', 'eventStoreConfigFromEnv', 'createSqlDatabase', 'PgDatabase', 'PgliteDatabase', 'runMigrations',
      'SqlEventStore', 'EsdbEventStore', 'EVENT_STORE_MIGRATIONS', 'READ_ALL_SQL', 'PollingSubscription',
    ]) {
      expect(barrel).toHaveProperty(name);
    }
  });
});
