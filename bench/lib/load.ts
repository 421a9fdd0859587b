/** Runs the load generator (bench/lib/loadgen.ts) in a child process pinned to core 1. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LoadResult, LoadSpec } from './loadgen';
import { pinned, ROOT, type Child } from './service';

/** Runs one load; when `target` is given and its process died meanwhile, fails with its last log lines. */
export async function runLoad(spec: LoadSpec, target?: Child): Promise<LoadResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-load-'));
  const specFile = path.join(dir, 'spec.json');
  const outFile = path.join(dir, 'out.json');
  fs.writeFileSync(specFile, JSON.stringify(spec));
  const [cmd, args] = pinned(1, [path.join(__dirname, 'loadgen.js'), specFile, outFile]);
  let stderr = '';
  const code = await new Promise<number>((resolve, reject) => {
    const p = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'pipe'] });
    p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    p.once('error', reject);
    p.once('exit', (c) => resolve(c ?? 1));
  });
  try {
    if (code !== 0) throw new Error(`load generator failed (${code}): ${stderr}`);
    const result = JSON.parse(fs.readFileSync(outFile, 'utf8')) as LoadResult;
    if (target && !target.alive) throw new Error(`${target.name} died during the run (exit ${target.proc.exitCode ?? target.proc.signalCode}):\n${target.logs.slice(-4000)}`);
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes a targets file for the load generator; returns its path. */
export function targetsFile(name: string, targets: unknown[]): string {
  const dir = path.join(os.tmpdir(), 'bench-targets');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${process.pid}.json`);
  fs.writeFileSync(file, JSON.stringify(targets));
  return file;
}
