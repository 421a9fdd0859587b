/** Runs the load generators (bench/lib/loadgen.ts, bench/lib/openloop.ts) in a child process pinned to core 1. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LoadResult, LoadSpec } from './loadgen';
import { pinned, ROOT, type Child } from './service';

/**
 * Runs a load generator script (`node <script> <spec.json> <out.json>`) in a child process pinned to core 1 and
 * answers what it wrote; fails when it exits non-zero, or when `target` is given and its process died meanwhile
 * (with its last log lines).
 */
export async function runGenerator<R>(script: string, label: string, spec: unknown, target?: Child): Promise<R> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-load-'));
  const specFile = path.join(dir, 'spec.json');
  const outFile = path.join(dir, 'out.json');
  fs.writeFileSync(specFile, JSON.stringify(spec));
  const [cmd, args] = pinned(1, [script, specFile, outFile]);
  let stderr = '';
  const code = await new Promise<number>((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'pipe'] });
    p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    p.once('error', reject);
    p.once('exit', (c) => resolve(c ?? 1));
  });
  try {
    if (code !== 0) throw new Error(`${label} failed (${code}): ${stderr}`);
    const result = JSON.parse(fs.readFileSync(outFile, 'utf8')) as R;
    if (target && !target.alive) throw new Error(`${target.name} died during the run (exit ${target.proc.exitCode ?? target.proc.signalCode}):\n${target.logs.slice(-4000)}`);
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs one closed-loop load (autocannon, bench/lib/loadgen.ts). */
export function runLoad(spec: LoadSpec, target?: Child): Promise<LoadResult> {
  return runGenerator<LoadResult>(path.join(__dirname, 'loadgen.js'), 'load generator', spec, target);
}

/** Writes a targets file for the load generator; returns its path. */
export function targetsFile(name: string, targets: unknown[]): string {
  const dir = path.join(os.tmpdir(), 'bench-targets');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${process.pid}.json`);
  fs.writeFileSync(file, JSON.stringify(targets));
  return file;
}
