/**
 * The embedded store is durable by default: PostgreSQL inside PGlite runs with fsync on, and every commit
 * reaches the host's fsync(2) before the query that committed it resolves. EMBEDDED_FSYNC=false (fsync: false)
 * is the documented opt-out.
 */
import * as path from 'node:path';
import { makeTempDir } from '../contract/sql-harness';
import { createEventStore } from '../create-event-store';
import { PgliteDatabase } from './pglite-database';

async function settings(db: PgliteDatabase) {
  const { rows } = await db.query<{ fsync: string; wal_sync_method: string; synchronous_commit: string }>(
    `SELECT current_setting('fsync') AS fsync, current_setting('wal_sync_method') AS wal_sync_method, current_setting('synchronous_commit') AS synchronous_commit`,
  );
  return rows[0];
}

describe('PgliteDatabase durability', () => {
  it('by default flushes every commit to disk before acknowledging it, and keeps the data across a reopen', async () => {
    const tmp = makeTempDir('es-pglite-fsync-');
    try {
      const dir = path.join(tmp.dir, 'db');
      const db = await PgliteDatabase.create({ dataDir: dir });
      expect(db.durability.fsync).toBe(true);
      expect(await settings(db)).toEqual({ fsync: 'on', wal_sync_method: 'fsync', synchronous_commit: 'on' });
      await db.query('CREATE TABLE kept (v int)');
      for (let i = 0; i < 5; i++) {
        const before = db.durability.hostFsyncCalls;
        await db.query('INSERT INTO kept VALUES ($1)', [i]);
        // The commit's WAL flush went through the host's fsync before the insert was acknowledged.
        expect(db.durability.hostFsyncCalls).toBeGreaterThan(before);
      }
      const before = db.durability.hostFsyncCalls;
      await db.transaction(async (tx) => {
        await tx.query('INSERT INTO kept VALUES ($1)', [10]);
        await tx.query('INSERT INTO kept VALUES ($1)', [11]);
      });
      expect(db.durability.hostFsyncCalls).toBeGreaterThan(before);
      await db.close();
      const again = await PgliteDatabase.create({ dataDir: dir });
      expect((await again.query<{ n: number }>('SELECT count(*)::int AS n FROM kept')).rows).toEqual([{ n: 7 }]);
      await again.close();
    } finally {
      tmp.remove();
    }
  }, 120_000);

  it('fsync: false (EMBEDDED_FSYNC=false) keeps PGlite without fsync: no host flush at commit', async () => {
    const tmp = makeTempDir('es-pglite-nofsync-');
    try {
      const db = await PgliteDatabase.create({ dataDir: path.join(tmp.dir, 'db'), fsync: false });
      expect(db.durability.fsync).toBe(false);
      expect((await settings(db)).fsync).toBe('off');
      await db.query('CREATE TABLE t (v int); INSERT INTO t VALUES (1)');
      expect(db.durability.hostFsyncCalls).toBe(0);
      await db.close();
    } finally {
      tmp.remove();
    }
  }, 120_000);

  it('the embedded event store is created with fsync on unless told otherwise', async () => {
    const tmp = makeTempDir('es-embedded-fsync-');
    try {
      const handles = await createEventStore({ kind: 'embedded', dataDir: tmp.dir });
      expect((handles.db as PgliteDatabase).durability.fsync).toBe(true);
      const before = (handles.db as PgliteDatabase).durability.hostFsyncCalls;
      await handles.store.appendToStream('durable-1', [{ type: 'Tested', data: { n: 1 } }], { expectedRevision: 'no_stream' });
      expect((handles.db as PgliteDatabase).durability.hostFsyncCalls).toBeGreaterThan(before);
      await handles.close();
    } finally {
      tmp.remove();
    }
  }, 120_000);
});
