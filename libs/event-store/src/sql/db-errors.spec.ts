import { Client } from 'pg';
import { createThrowawayDatabase } from '../contract/sql-harness';
import { isTransientDatabaseError } from './db-errors';
import { PgDatabase } from './pg-database';

describe('isTransientDatabaseError', () => {
  it('recognises connection faults, not statement errors', () => {
    expect(isTransientDatabaseError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isTransientDatabaseError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransientDatabaseError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransientDatabaseError(new Error('Client has encountered a connection error and is not queryable'))).toBe(true);
    expect(isTransientDatabaseError(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNRESET' })]))).toBe(true);
    expect(isTransientDatabaseError(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }))).toBe(false);
    expect(isTransientDatabaseError(Object.assign(new Error('syntax error at or near "SELEC"'), { code: '42601' }))).toBe(false);
    expect(isTransientDatabaseError(null)).toBe(false);
  });

  it('a PgDatabase survives its checked-out client being terminated mid-transaction (no crash), fails that transaction transiently, and works again', async () => {
    const tdb = await createThrowawayDatabase('db_errors');
    const lost: string[] = [];
    const db = new PgDatabase({ url: tdb.url, max: 2, applicationName: 'victim', onConnectionError: (_e, where) => lost.push(where) });
    const admin = new Client({ connectionString: tdb.url });
    await admin.connect();
    try {
      let failure: unknown;
      await db
        .transaction(async (tx) => {
          await tx.query('SELECT 1');
          // Between two statements (no query running on the client): the case that used to end the process.
          await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'victim' AND datname = current_database()`);
          await new Promise((r) => setTimeout(r, 300));
          await tx.query('SELECT 2');
        })
        .catch((e) => (failure = e));
      expect(isTransientDatabaseError(failure)).toBe(true);
      expect(lost).toContain('client');
      // The lock session: verify() asks the session, and says false once it is terminated.
      const lock = (await db.tryAcquireLock('k'))!;
      expect(await lock.verify()).toBe(true);
      await admin.query(
        `SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_stat_activity s ON s.pid = l.pid WHERE l.locktype = 'advisory' AND s.application_name = 'victim'`,
      );
      await new Promise((r) => setTimeout(r, 300));
      expect(await lock.verify()).toBe(false);
      await lock.release();
      expect((await db.query<{ n: number }>('SELECT 3 AS n')).rows[0].n).toBe(3);
    } finally {
      await admin.end();
      await db.close();
      await tdb.drop();
    }
  });
});
