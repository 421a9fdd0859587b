import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The server the benchmarks create their throwaway databases on (trust auth, user postgres). */
export const PG_ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ThrowawayDb {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

const created = new Set<string>();

/** Creates `bench_<label>_<random>` on the server; drop() removes it (also attempted on exit paths by dropAll). */
export async function createThrowawayDb(label: string): Promise<ThrowawayDb> {
  const name = `bench_${label}_${randomBytes(4).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  created.add(name);
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    name,
    url: u.toString(),
    async drop() {
      if (!created.has(name)) return;
      created.delete(name);
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch((e) => console.error(`could not drop ${name}: ${(e as Error).message}`));
    },
  };
}

export async function dropAllThrowaway(): Promise<void> {
  for (const name of [...created]) {
    created.delete(name);
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => undefined);
  }
}
