/**
 * The two SqlDatabase implementations side by side: same results, same transaction/lock/listen semantics,
 * the migrations runner on both, and PGlite's serialisation.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createThrowawayDatabase, makeTempDir, type ThrowawayDatabase } from '../contract/sql-harness';
import { createSqlDatabase } from './create-sql-database';
import { runMigrations, type Migration } from './migrations';
import { PgDatabase } from './pg-database';
import { PgliteDatabase, PgliteReentrancyError } from './pglite-database';
import type { SqlDatabase } from './sql-database';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

let pgdb: ThrowawayDatabase;
let pg: PgDatabase;
let lite: PgliteDatabase;

beforeAll(async () => {
  pgdb = await createThrowawayDatabase('es_sqldb');
  pg = new PgDatabase({ url: pgdb.url, max: 5 });
  lite = (await createSqlDatabase({ kind: 'pglite' })) as PgliteDatabase;
}, 30_000);

afterAll(async () => {
  await pg?.close();
  await lite?.close();
  await pgdb?.drop();
});

const both = (): Array<[string, SqlDatabase]> => [
  ['pg', pg],
  ['pglite', lite],
];

describe('SqlDatabase parity (pg vs PGlite)', () => {
  it('returns the same JS values for common types', async () => {
    const sql = `SELECT 42::int4 AS i4, 9007199254740991::int8 AS i8, count(*) AS cnt, 1.50::numeric AS num, 2.5::float8 AS f8,
      true AS b, 'x'::text AS t, '2024-02-29'::date AS d, '2024-01-02 03:04:05.678'::timestamp AS ts,
      '2024-01-02T03:04:05.678Z'::timestamptz AS tstz, '{"a":[1,{"b":null}]}'::jsonb AS jb, '{"k":1}'::json AS j,
      'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS u, '123'::xid8 AS x, ARRAY[1,2]::int4[] AS arr, NULL::text AS n
      FROM (VALUES (1), (2)) v(x)`;
    const [a, b] = await Promise.all(both().map(([, db]) => db.query(sql)));
    expect(a.rows[0]).toEqual({
      i4: 42,
      i8: 9007199254740991,
      cnt: 2,
      num: '1.50',
      f8: 2.5,
      b: true,
      t: 'x',
      d: '2024-02-29',
      ts: new Date('2024-01-02T03:04:05.678Z'),
      tstz: new Date('2024-01-02T03:04:05.678Z'),
      jb: { a: [1, { b: null }] },
      j: { k: 1 },
      u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      x: '123',
      arr: [1, 2],
      n: null,
    });
    expect(b.rows[0]).toEqual(a.rows[0]);
    expect(b.rows[0].tstz).toBeInstanceOf(Date); // created in the caller's realm (see loadPglite)
    expect(b.rows[0]).toStrictEqual(a.rows[0]);
  });

  it.each([['pg'], ['pglite']])('%s: parameters, multi-statement scripts, rowCount, errors', async (kind) => {
    const db = kind === 'pg' ? pg : lite;
    const t = `parity_${kind}`;
    const r0 = await db.query(`CREATE TABLE ${t} (id int PRIMARY KEY, v jsonb); INSERT INTO ${t} VALUES (1, '{}'), (2, '{}'); SELECT count(*) AS c FROM ${t}`);
    expect(r0.rows).toEqual([{ c: 2 }]);
    expect((await db.query(`UPDATE ${t} SET v = $1::jsonb WHERE id >= $2`, [JSON.stringify({ z: 1 }), 1])).rowCount).toBe(2);
    expect((await db.query(`SELECT v FROM ${t} WHERE id = $1`, [2])).rows).toEqual([{ v: { z: 1 } }]);
    expect((await db.query(`DELETE FROM ${t} WHERE id = 99`)).rowCount).toBe(0);
    const err = await db.query(`INSERT INTO ${t} VALUES (1, '{}')`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ code: '23505', constraint: `${t}_pkey` });
  });

  it.each([['pg'], ['pglite']])('%s: transaction commits, rolls back on throw, honours isolation', async (kind) => {
    const db = kind === 'pg' ? pg : lite;
    const t = `tx_${kind}`;
    await db.query(`CREATE TABLE ${t} (id int)`);
    await db.transaction(async (tx) => {
      await tx.query(`INSERT INTO ${t} VALUES ($1)`, [1]);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${t} VALUES ($1)`, [2]);
        throw new Error('nope');
      }),
    ).rejects.toThrow('nope');
    const iso = await db.transaction(async (tx) => (await tx.query<{ l: string }>(`SELECT current_setting('transaction_isolation') AS l`)).rows[0].l, {
      isolation: 'serializable',
    });
    expect(iso).toBe('serializable');
    expect((await db.query(`SELECT id FROM ${t} ORDER BY id`)).rows).toEqual([{ id: 1 }]);
    let leaked: Parameters<Parameters<SqlDatabase['transaction']>[0]>[0] | null = null;
    await db.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.query('SELECT 1')).rejects.toThrow(/already finished/);
  });

  it.each([['pg'], ['pglite']])('%s: tryAcquireLock is exclusive until released', async (kind) => {
    const db = kind === 'pg' ? pg : lite;
    const a = await db.tryAcquireLock('lock-test');
    expect(a).not.toBeNull();
    expect(await db.tryAcquireLock('lock-test')).toBeNull();
    const other = await db.tryAcquireLock('lock-test-2');
    expect(other).not.toBeNull();
    await a!.release();
    await a!.release(); // idempotent
    const b = await db.tryAcquireLock('lock-test');
    expect(b).not.toBeNull();
    await b!.release();
    await other!.release();
  });

  it.each([['pg'], ['pglite']])('%s: listen receives NOTIFY at commit; unlisten stops it', async (kind) => {
    const db = kind === 'pg' ? pg : lite;
    const got: string[] = [];
    const unlisten = await db.listen('parity_channel', (p) => got.push(p));
    await db.query(`SELECT pg_notify('parity_channel', 'one')`);
    await db.transaction(async (tx) => {
      await tx.query(`SELECT pg_notify('parity_channel', 'two')`);
      await sleep(30);
      expect(got).not.toContain('two'); // not before commit
    });
    for (let i = 0; i < 100 && got.length < 2; i++) await sleep(10);
    expect(got).toEqual(['one', 'two']);
    await unlisten();
    await db.query(`SELECT pg_notify('parity_channel', 'three')`);
    await sleep(50);
    expect(got).toEqual(['one', 'two']);
  });
});

describe('PgDatabase', () => {
  it('a lock taken by one process is refused to another until released or its holder dies', async () => {
    const other = new PgDatabase({ url: pgdb.url, max: 1 });
    try {
      const lock = await pg.tryAcquireLock('cross-process');
      expect(lock?.held).toBe(true);
      expect(await other.tryAcquireLock('cross-process')).toBeNull();
      await lock!.release();
      expect(lock!.held).toBe(false);
      const theirs = await other.tryAcquireLock('cross-process');
      expect(theirs).not.toBeNull();
      await other.close(); // "process dies": its session ends and the lock goes with it
      const mine = await pg.tryAcquireLock('cross-process');
      expect(mine).not.toBeNull();
      await mine!.release();
    } finally {
      await other.close();
    }
  });

  it('re-establishes LISTEN after the listening connection is killed, and wakes listeners', async () => {
    const got: string[] = [];
    const unlisten = await pg.listen('reconnect_channel', (p) => got.push(p));
    await pg.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'`);
    for (let i = 0; i < 300 && !got.includes(''); i++) await sleep(10); // reconnect wake-up
    expect(got).toContain('');
    await pg.query(`SELECT pg_notify('reconnect_channel', 'after')`);
    for (let i = 0; i < 200 && !got.includes('after'); i++) await sleep(10);
    expect(got).toContain('after');
    await unlisten();
  });
});

describe('PgliteDatabase', () => {
  it('a query from outside a running transaction waits for it instead of interleaving', async () => {
    await lite.query(`CREATE TABLE serial_t (n int)`);
    const order: string[] = [];
    const tx = lite.transaction(async (t) => {
      order.push('tx:begin');
      await t.query(`INSERT INTO serial_t VALUES (1)`);
      await sleep(100);
      await t.query(`INSERT INTO serial_t VALUES (2)`);
      order.push('tx:end');
    });
    await sleep(10);
    const outside = lite.query<{ c: number }>(`SELECT count(*) AS c FROM serial_t`).then((r) => {
      order.push(`outside saw ${r.rows[0].c}`);
    });
    const second = lite.transaction(async (t) => {
      order.push('tx2');
      await t.query(`INSERT INTO serial_t VALUES (3)`);
    });
    await Promise.all([tx, outside, second]);
    expect(order).toEqual(['tx:begin', 'tx:end', 'outside saw 2', 'tx2']);
  });

  it('calling the outer database inside a transaction throws instead of dead-locking', async () => {
    await expect(
      lite.transaction(async () => {
        await lite.query('SELECT 1');
      }),
    ).rejects.toBeInstanceOf(PgliteReentrancyError);
    await expect(lite.transaction(async () => lite.transaction(async () => 1))).rejects.toBeInstanceOf(PgliteReentrancyError);
    expect((await lite.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]); // still usable
  });

  it('persists in its data dir, refuses a second opener, takes over a stale lock file', async () => {
    const tmp = makeTempDir('es-pglite-');
    try {
      const dir = path.join(tmp.dir, 'db');
      const a = await PgliteDatabase.create({ dataDir: dir });
      await a.query(`CREATE TABLE kept (v text); INSERT INTO kept VALUES ('hello')`);
      await expect(PgliteDatabase.create({ dataDir: dir })).rejects.toThrow(/already open/);
      await a.close();
      expect(fs.existsSync(`${dir}.lock`)).toBe(false);
      fs.writeFileSync(`${dir}.lock`, '999999999'); // a dead owner
      const b = await PgliteDatabase.create({ dataDir: dir });
      expect((await b.query('SELECT v FROM kept')).rows).toEqual([{ v: 'hello' }]);
      await b.close();
    } finally {
      tmp.remove();
    }
  }, 120_000); // two fresh PGlite instances with fsync at commit (the default): slow on a busy disk
});

describe('runMigrations', () => {
  const migrations = (table: string): Migration[] => [
    { id: '001-create', sql: `CREATE TABLE ${table} (id int PRIMARY KEY); CREATE INDEX ${table}_idx ON ${table} (id)` },
    { id: '002-seed', up: async (tx) => void (await tx.query(`INSERT INTO ${table} VALUES ($1)`, [1])) },
  ];

  it.each([['pg'], ['pglite']])('%s: applies once, in order, per namespace; reports edited migrations', async (kind) => {
    const db = kind === 'pg' ? pg : lite;
    const ns = `test-${kind}`;
    expect(await runMigrations(db, ns, migrations(`mig_${kind}`))).toEqual({ applied: ['001-create', '002-seed'], skipped: [], changed: [] });
    expect(await runMigrations(db, ns, migrations(`mig_${kind}`))).toEqual({ applied: [], skipped: ['001-create', '002-seed'], changed: [] });
    const edited = [{ ...migrations(`mig_${kind}`)[0], sql: 'SELECT 1' }, ...migrations(`mig_${kind}`).slice(1)];
    expect((await runMigrations(db, ns, edited)).changed).toEqual(['001-create']);
    expect((await db.query(`SELECT id FROM mig_${kind}`)).rows).toEqual([{ id: 1 }]);
  });

  it.each([['pg'], ['pglite']])('%s: a failing migration rolls back the whole run', async (kind) => {
    const db = kind === 'pg' ? pg : lite;
    const ns = `fail-${kind}`;
    await expect(
      runMigrations(db, ns, [
        { id: 'a', sql: `CREATE TABLE fail_${kind} (id int)` },
        { id: 'b', sql: `SELECT * FROM no_such_table` },
      ]),
    ).rejects.toThrow(/no_such_table/);
    expect((await db.query(`SELECT to_regclass('fail_${kind}') AS t`)).rows).toEqual([{ t: null }]);
    expect((await db.query(`SELECT count(*) AS c FROM schema_migrations WHERE namespace = $1`, [ns])).rows).toEqual([{ c: 0 }]);
    await expect(runMigrations(db, ns, [{ id: 'x' }])).rejects.toThrow(/exactly one of sql or up/);
  });

  it('pg: several processes migrating a fresh database at once apply each migration exactly once', async () => {
    const fresh = await createThrowawayDatabase('es_migr');
    const dbs = Array.from({ length: 4 }, () => new PgDatabase({ url: fresh.url, max: 2 }));
    try {
      // Non-idempotent SQL on purpose: running it twice would fail.
      const ms: Migration[] = [
        { id: '1', sql: `CREATE TABLE once (id int); SELECT pg_sleep(0.05)` },
        { id: '2', sql: `INSERT INTO once VALUES (1)` },
      ];
      const results = await Promise.all(dbs.map((db) => runMigrations(db, 'race', ms)));
      expect(results.filter((r) => r.applied.length === 2)).toHaveLength(1);
      expect(results.filter((r) => r.skipped.length === 2)).toHaveLength(3);
      expect((await dbs[0].query('SELECT count(*) AS c FROM once')).rows).toEqual([{ c: 1 }]);
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
      await fresh.drop();
    }
  });
});
