import 'reflect-metadata';
import { ConfigError, loadConfig } from '@app/config';
import { createApp } from './bootstrap';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\nThe service did not start. Fix the settings above (see README: Configuration).\n`);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
  const { app, logger } = await createApp(config);
  await app.listen({ port: config.PORT, host: config.HOST });
  logger.info({ port: config.PORT, eventStore: config.EVENT_STORE }, `dispute service listening on http://localhost:${config.PORT} (docs at /docs)`);
  if (!config.RUN_BACKGROUND) {
    logger.warn(
      config.EVENT_STORE === 'embedded'
        ? 'RUN_BACKGROUND=false on the embedded store: nothing runs the projections, deadlines or webhooks (a worker cannot share PGlite); unset it to run them here.'
        : 'RUN_BACKGROUND=false: projections, deadlines, reactions, webhooks and checkpoints run in the worker (npm run start:worker) on the same database.',
    );
  }
  if (config.authSecretIsDefault) logger.warn('AUTH_JWT_SECRET is not set: using the development secret. Never run like this in production.');
}

main().catch((e) => {
  process.stderr.write(`Failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
