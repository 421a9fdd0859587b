/** CPU-profiles a stretch of this process with V8's sampling profiler (what node --cpu-prof uses), via node:inspector. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Session } from 'node:inspector';
import { summarizeProfile, type ProfileSummary } from './cpuprofile';

function post<T>(s: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => s.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))));
}

export async function profileDuring<T>(fn: () => Promise<T>): Promise<{ result: T; summary: ProfileSummary }> {
  const s = new Session();
  s.connect();
  await post(s, 'Profiler.enable');
  await post(s, 'Profiler.setSamplingInterval', { interval: 500 });
  await post(s, 'Profiler.start');
  let result: T;
  try {
    result = await fn();
  } finally {
    const { profile } = await post<{ profile: object }>(s, 'Profiler.stop');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-prof-')), 'inprocess.cpuprofile');
    fs.writeFileSync(file, JSON.stringify(profile));
    (profileDuring as any).last = file;
    s.disconnect();
  }
  return { result: result!, summary: summarizeProfile((profileDuring as any).last as string) };
}
