/**
 * Section 6: a what-if simulation over the whole history vs a rebuild of the read models, on the same store in
 * the same run, alternating. The simulation is the service's own SimulationsService (the compiled one: its
 * re-judging runs on a worker thread), run in the bench process against the rebuilt read models.
 */
import { Pool } from 'pg';
import type { ModuleRef } from '@nestjs/core';
import { PgDatabase, SqlEventStore } from '@app/event-store';
import { allProjections, rebuildProjections } from '@app/projections';
import { loadConfig } from '@app/config';
import { SimulationsService } from '../../apps/api/src';
import { withCpu } from '../lib/cpu';
import type { Report } from '../lib/report';
import { fmt, median, nowMs } from '../lib/stats';
import { seedHistory, type Seeded } from './history';

export interface SimulationBenchOptions {
  events: number;
  rounds: number;
}

export async function simulationSuite(report: Report, opts: SimulationBenchOptions): Promise<void> {
  const log = (s: string) => console.log(s);
  const section = report.section(
    'simulation',
    '6. What-if simulation vs a rebuild of the read models',
    `A history of closed cases (as in section 3a: domain deciders, ≈ 7.8 events per case, 200 merchants, spread over the past year) on PostgreSQL. ` +
      `Rebuild = rebuildProjections(store, db, allProjections()) (every read model from the first event, into fresh tables, compare, swap). ` +
      `Simulation = POST /simulations' service (SimulationsService from the build, in the bench process, ${'`'}SIMULATION_BATCH_SIZE${'`'} 2000) over the whole history (every week of the past year and a half, every merchant) under v2 with v2 in force (the heavier case: every judgement recorded mid-week with 1 point is settled with its week's rate at the close, so many cases change and are written): ` +
      `week statistics of every merchant-week in one set-based query, then every standing judgement read from es_events in pages and re-judged on a worker thread, changed cases written per page. ` +
      `Rounds alternate rebuild and simulation; figures are medians.`,
  );
  let seeded: Seeded | null = null;
  try {
    seeded = await seedHistory('simulation', opts.events, false, log);
    log(`seeded: ${seeded.events} events, ${seeded.cases} cases in ${seeded.seconds.toFixed(1)} s`);
    const db = new PgDatabase({ url: seeded.db.url, max: 4 });
    const store = new SqlEventStore(db, { kind: 'postgres' });
    const pool = new Pool({ connectionString: seeded.db.url, max: 2 });
    try {
      const config = loadConfig({ EVENT_STORE: 'postgres', DATABASE_URL: seeded.db.url, RUN_BACKGROUND: 'false', LOG_LEVEL: 'warn' });
      const noProjections = { get: () => { throw new Error('not in the bench'); } } as unknown as ModuleRef;
      const service = new SimulationsService(db, store, config, noProjections);
      await service.store.migrate();
      const to = new Date().toISOString();
      const from = new Date(Date.now() - 540 * 86_400_000).toISOString();
      const rebuilds: { seconds: number; applied: number; client: number; server: number }[] = [];
      const sims: { seconds: number; judgements: number; weeks: number; changed: number; client: number; server: number }[] = [];
      for (let i = 0; i < opts.rounds; i++) {
        const t0 = nowMs();
        const r = await withCpu(pool, seeded.db.name, () => rebuildProjections(store, db, allProjections(), { batchSize: 2000, force: i === 0 }));
        rebuilds.push({ seconds: (nowMs() - t0) / 1000, applied: r.result.applied, client: r.clientMs, server: r.serverMs });
        log(`  rebuild ${i + 1}: ${r.result.applied} events in ${fmt(rebuilds[i].seconds, 1)} s`);
        const t1 = nowMs();
        const s = await withCpu(pool, seeded.db.name, async () => {
          const { simulationId } = await service.start({ rulesVersion: 'v2', from, to }, { sub: 'bench', role: 'adjudicator' } as never);
          await service.settled(simulationId);
          return service.view(simulationId) as Promise<any>;
        });
        const v = s.result;
        if (v.status !== 'DONE') report.failures.push(`simulation ${v.simulationId} ended ${v.status}: ${v.error ?? ''}`);
        sims.push({
          seconds: (nowMs() - t1) / 1000,
          judgements: v.progress.judgementsDone,
          weeks: v.totals?.merchantWeeks ?? 0,
          changed: v.totals?.casesChanged ?? 0,
          client: s.clientMs,
          server: s.serverMs,
        });
        log(`  simulation ${i + 1}: ${sims[i].judgements} judgements, ${sims[i].weeks} merchant-weeks, ${sims[i].changed} changed, in ${fmt(sims[i].seconds, 2)} s`);
      }
      const rb = median(rebuilds.map((r) => r.seconds));
      const sm = median(sims.map((r) => r.seconds));
      section.tables.push({
        table: {
          headers: ['what', 'events in store', 'work', 'seconds (median)', 'per round', 'bench process CPU s', 'PostgreSQL CPU s'],
          rows: [
            ['rebuild of the read models', fmt(seeded.events), `${fmt(rebuilds[0].applied)} events applied`, fmt(rb, 2), rebuilds.map((r) => fmt(r.seconds, 2)).join(' / '), fmt(median(rebuilds.map((r) => r.client)) / 1000, 2), fmt(median(rebuilds.map((r) => r.server)) / 1000, 2)],
            [
              'simulation, whole history, v2 at the close vs as recorded',
              fmt(seeded.events),
              `${sims[0].judgements} judgements, ${sims[0].weeks} merchant-weeks, ${sims[0].changed} changed cases`,
              fmt(sm, 2),
              sims.map((r) => fmt(r.seconds, 2)).join(' / '),
              fmt(median(sims.map((r) => r.client)) / 1000, 2),
              fmt(median(sims.map((r) => r.server)) / 1000, 2),
            ],
          ],
        },
      });
      const ratio = sm / rb;
      section.targets.push({ name: `simulation time ÷ rebuild time (${fmt(seeded.events)} events)`, value: ratio, target: '≤ 1', met: ratio <= 1 });
      section.notes.push(
        `Bench process CPU includes the re-judging worker thread (process.cpuUsage covers every thread); PostgreSQL CPU = the backends of this database. ` +
          `Seeding: ${fmt(seeded.events)} events / ${fmt(seeded.cases)} cases in ${fmt(seeded.seconds)} s.`,
      );
      if (opts.events < 1_000_000) section.notes.push(`Store of ${fmt(seeded.events)} events only (not 1 M): quick mode or --events.`);
    } finally {
      await pool.end().catch(() => undefined);
      await store.close();
      await db.close();
    }
  } finally {
    await seeded?.db.drop();
  }
}
