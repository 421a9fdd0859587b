/**
 * The bare comparison route: Fastify, one JSON POST route that does one INSERT per request into a plain table
 * (no auth, no validation, no domain), with a pg pool of the service's size. Started by service.ts.
 */
import Fastify from 'fastify';
import { Pool } from 'pg';
import { runChild, serveUntilSignal } from './serve-child';

async function main() {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
  await pool.query(`CREATE TABLE IF NOT EXISTS bare_requests (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, path text NOT NULL, body jsonb NOT NULL, at timestamptz NOT NULL DEFAULT now())`);
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  app.get('/health', async () => ({ status: 'ok' }));
  app.post('/bare/:id', async (req, reply) => {
    const { rows } = await pool.query<{ id: string }>(`INSERT INTO bare_requests (path, body) VALUES ($1, $2::text::jsonb) RETURNING id::text AS id`, [req.url, JSON.stringify(req.body ?? {})]);
    void reply.code(200);
    return { id: rows[0].id };
  });
  await serveUntilSignal(app, pool);
}

runChild(main);
