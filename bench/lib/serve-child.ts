/** What the bench's child servers (the bare route, the Emmett contender) share: listen on PORT, stop cleanly on a signal. */
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';

export async function serveUntilSignal(app: FastifyInstance, pool: Pool): Promise<void> {
  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
  const stop = async () => {
    await app.close();
    await pool.end();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

/** Runs a child server's main; a failure to start is printed and exits 1. */
export function runChild(main: () => Promise<void>): void {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
