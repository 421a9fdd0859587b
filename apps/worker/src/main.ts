import 'reflect-metadata';
import { ConfigError, loadConfig } from '@app/config';
import { createWorker } from './worker';

/**
 * `npm run start:worker`: the background work of the dispute service in a process of its own (README:
 * Processes), so that the API's request path shares neither an event loop nor a connection pool with it.
 * On the embedded store there is nothing to separate: PGlite is one process, so the API runs the background
 * in-process (RUN_BACKGROUND=true, the default) and this refuses to start.
 */
async function main(): Promise<void> {
  let config;
  try {
    // The worker is the background: RUN_BACKGROUND does not apply to it (an env file shared with the APIs, which
    // say false, must not switch it off).
    config = loadConfig({ ...process.env, RUN_BACKGROUND: 'true' });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\nThe worker did not start. Fix the settings above (see README: Configuration).\n`);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
  if (config.EVENT_STORE === 'embedded') {
    process.stderr.write(
      'EVENT_STORE=embedded: the embedded store (PGlite) is one process, so the API runs the background work itself (RUN_BACKGROUND=true, the default).\n' +
        'A separate worker needs a shared database: EVENT_STORE=postgres (or esdb) with DATABASE_URL. The worker did not start.\n',
    );
    process.exit(78);
  }
  const { logger, opsPort } = await createWorker(config);
  logger.info({ opsPort, eventStore: config.EVENT_STORE }, `dispute worker running (health and metrics on http://localhost:${opsPort})`);
  if (config.authSecretIsDefault) logger.warn('AUTH_JWT_SECRET is not set: using the development secret. Never run like this in production.');
}

main().catch((e) => {
  process.stderr.write(`Failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
