import * as os from 'node:os';
import { allProjections, FAILURES_DDL, listFailures, resolveStall, type ProjectionFailure } from '@app/projections';
import { applySchema, START } from '@app/event-store';
import { openStore } from './open-store';

/** The audit Merkle log runs as a projection too (libs/service ProjectionsService). */
const EXTRA_PROJECTIONS = ['audit_merkle_log'];

const USAGE = `usage: npm run cli -- projections status | retry <name> | park <name>
  status         every projection's checkpoint, and every event a projection stalled on or that was parked
  retry <name>   the stalled projection tries its event again (fresh retry budget)
  park <name>    the stalled projection skips that one event (recorded; shown by status and /health)`;

function describe(f: ProjectionFailure): string {
  return `${f.status.padEnd(8)} ${f.projection} event ${f.eventId} (${f.eventType}, stream ${f.stream} revision ${f.revision}, position ${f.position}), ${f.attempts} attempts since ${f.firstFailedAt}${f.resolvedBy ? `, by ${f.resolvedBy}` : ''}: ${f.error}`;
}

/**
 * `npm run cli -- projections status|retry <name>|park <name>`: the operator's side of poison events. The
 * decision is written to projection_failures; the instance leading that projection picks it up within a few
 * seconds (PostgreSQL: run it beside the live service; embedded store: stop the service first, it resumes on start).
 */
export async function projections(args: string[]): Promise<number> {
  const [action, name] = args;
  if (action !== 'status' && action !== 'retry' && action !== 'park') {
    process.stderr.write(USAGE + '\n');
    return 2;
  }
  const { config, handles } = await openStore();
  try {
    const names = [...allProjections({ timezone: config.BUSINESS_TIMEZONE }).map((p) => p.name), ...EXTRA_PROJECTIONS];
    await applySchema(handles.db, [FAILURES_DDL]);
    if (action === 'status') {
      const { rows } = await handles.db
        .query<{ name: string; position: string; events_applied: string; updated_at: Date }>(`SELECT name, position, events_applied::text, updated_at FROM projection_checkpoints`)
        .catch(() => ({ rows: [] as { name: string; position: string; events_applied: string; updated_at: Date }[] }));
      const failures = await listFailures(handles.db);
      for (const n of names) {
        const cp = rows.find((r) => r.name === n);
        const open = failures.find((f) => f.projection === n && (f.status === 'stalled' || f.status === 'retrying'));
        const parked = failures.filter((f) => f.projection === n && f.status === 'parked').length;
        const state = open ? open.status.toUpperCase() : 'ok';
        process.stdout.write(
          `${n.padEnd(18)} ${state.padEnd(8)} position ${cp?.position ?? START}, ${cp?.events_applied ?? 0} events applied${parked ? `, ${parked} parked` : ''}\n`,
        );
      }
      if (failures.length) process.stdout.write(`\nfailures (newest first):\n${failures.map((f) => `  ${describe(f)}`).join('\n')}\n`);
      return failures.some((f) => f.status === 'stalled' || f.status === 'retrying') ? 1 : 0;
    }
    if (!name || !names.includes(name)) {
      process.stderr.write(`${action} needs a projection name: one of ${names.join(', ')}\n`);
      return 2;
    }
    const by = `${process.env.USER ?? os.userInfo().username ?? 'operator'}@cli`;
    const f = await resolveStall(handles.db, name, action, by);
    if (!f) {
      process.stderr.write(`projection ${name} is not stalled: nothing to ${action}\n`);
      return 1;
    }
    process.stdout.write(
      action === 'retry'
        ? `projection ${name}: event ${f.eventId} will be tried again by the leading instance within a few seconds\n`
        : `projection ${name}: event ${f.eventId} (${f.eventType}, stream ${f.stream} revision ${f.revision}) parked — it will be skipped; recorded\n`,
    );
    return 0;
  } finally {
    await handles.close();
  }
}
