/**
 * CPU accounting for explanations: CPU time of a process (/proc/<pid>/stat utime+stime) and of the
 * PostgreSQL backends connected to one database (their pids from pg_stat_activity). Linux only; 10 ms ticks.
 */
import * as fs from 'node:fs';
import type { Pool } from 'pg';

const TICK_MS = 10; // USER_HZ = 100 on Linux

export function procCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime (fields 14, 15 of the full line)
  } catch {
    return 0;
  }
}

/** Sum of CPU ms of every backend connected to `database`, by pid. */
export async function backendsCpu(pool: Pool, database: string): Promise<Map<number, number>> {
  const { rows } = await pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1`, [database]);
  return new Map(rows.map((r) => [r.pid, procCpuMs(r.pid)]));
}

/** CPU ms used between two snapshots (a backend that appeared in between counts whole). */
export function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, ms] of after) sum += ms - (before.get(pid) ?? 0);
  return sum;
}

/** Measures client (this process) and server (backends of `database`) CPU around `fn`. */
export async function withCpu<T>(pool: Pool, database: string, fn: () => Promise<T>): Promise<{ result: T; clientMs: number; serverMs: number }> {
  const s0 = await backendsCpu(pool, database);
  const c0 = process.cpuUsage();
  const result = await fn();
  const c = process.cpuUsage(c0);
  const s1 = await backendsCpu(pool, database);
  return { result, clientMs: (c.user + c.system) / 1000, serverMs: cpuDelta(s0, s1) };
}
