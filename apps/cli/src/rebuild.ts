import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { allProjections, rebuildProjections } from '@app/projections';
import { openStore } from './open-store';

/**
 * `npm run cli -- rebuild [--force] [--no-swap]`: rebuilds every read model from the first event into fresh
 * tables with a progress bar (events/s), compares them with the live tables at the same checkpoint, and
 * swaps them in when they match (always with --force; never with --no-swap).
 * Embedded store: stop the service first (PGlite is single-process). PostgreSQL: runs beside live services.
 */
export async function rebuild(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { force: { type: 'boolean', default: false }, 'no-swap': { type: 'boolean', default: false } }, strict: true });
  const { config, handles } = await openStore();
  const bar = new SingleBar({ format: 'rebuild |{bar}| {percentage}% {value}/{total} events | {eps} events/s', hideCursor: true }, Presets.shades_classic);
  try {
    const head = await handles.store.headPosition();
    // The bar's total is an estimate (events are counted as they stream); it is corrected as we go.
    let total = 0;
    for (let after = '0/0'; ; ) {
      const page = await handles.store.readAll({ after, maxCount: 10_000 });
      total += page.events.length;
      after = page.lastPosition;
      if (page.isEnd || page.events.length === 0) break;
    }
    bar.start(Math.max(total, 1), 0, { eps: 0 });
    const result = await rebuildProjections(handles.store, handles.db, allProjections({ timezone: config.BUSINESS_TIMEZONE }), {
      force: values.force,
      swap: !values['no-swap'],
      onProgress: (p) => {
        if (p.applied > total) bar.setTotal(p.applied);
        bar.update(p.applied, { eps: Math.round(p.eventsPerSecond) });
      },
    });
    bar.stop();
    process.stdout.write(`\nrebuilt ${result.applied} events up to ${result.position} (head was ${head}) in ${result.seconds.toFixed(2)} s: ${Math.round(result.eventsPerSecond)} events/s\n`);
    for (const c of result.comparisons) {
      process.stdout.write(`  ${c.equal ? 'match   ' : 'DIFFERS '} ${c.table.padEnd(28)} live ${String(c.liveRows).padStart(8)} rows  rebuilt ${String(c.rebuiltRows).padStart(8)} rows  ${c.rebuiltDigest}\n`);
    }
    process.stdout.write(result.swapped ? 'swapped the rebuilt tables in.\n' : result.matched ? 'kept the live tables (--no-swap).\n' : 'the rebuilt tables differ: live tables kept (use --force to replace them).\n');
    return result.matched || result.swapped ? 0 : 1;
  } finally {
    bar.stop();
    await handles.close();
  }
}
