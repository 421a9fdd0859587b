import * as os from 'node:os';
import * as fs from 'node:fs';
import { execSync } from 'node:child_process';
import { Client } from 'pg';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  postgres: string;
  os: string;
  /** git commit of the measured code, with the files that differed from it */
  code: string;
}

export async function machineInfo(adminUrl: string): Promise<MachineInfo> {
  let postgres = 'unreachable';
  const c = new Client({ connectionString: adminUrl });
  try {
    await c.connect();
    const { rows } = await c.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    const { rows: s } = await c.query<{ sb: string; sc: string }>(`SELECT current_setting('shared_buffers') AS sb, current_setting('synchronous_commit') AS sc`);
    postgres = `${rows[0].v} (shared_buffers ${s[0].sb}, synchronous_commit ${s[0].sc})`;
  } catch {
    // reported as unreachable
  } finally {
    await c.end().catch(() => undefined);
  }
  let osName = `${os.type()} ${os.release()}`;
  try {
    const pretty = /PRETTY_NAME="([^"]+)"/.exec(fs.readFileSync('/etc/os-release', 'utf8'));
    if (pretty) osName = `${pretty[1]} (${os.release()})`;
  } catch {
    // keep the kernel name
  }
  return {
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model?.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    postgres,
    os: osName,
    code: process.env.BENCH_CODE ?? gitState(),
  };
}

/** Resident set size of a process in MiB (Linux /proc), current and peak. */
export function rssOf(pid: number): { rssMiB: number; peakMiB: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
    return { rssMiB: kb('VmRSS') / 1024, peakMiB: kb('VmHWM') / 1024 };
  } catch {
    return { rssMiB: NaN, peakMiB: NaN };
  }
}

function gitState(): string {
  try {
    const opts = { cwd: `${__dirname}/../../..`, stdio: ['ignore', 'pipe', 'ignore'] as ('ignore' | 'pipe')[], encoding: 'utf8' as const };
    const head = execSync('git rev-parse --short HEAD', opts).trim();
    const dirty = execSync('git status --porcelain --untracked-files=no -- apps libs', opts).trim().split('\n').filter(Boolean).map((l) => l.slice(3));
    return dirty.length ? `${head} + uncommitted changes in ${dirty.join(', ')}` : head;
  } catch {
    return 'unknown (no git)';
  }
}
