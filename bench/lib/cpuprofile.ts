/** Summarises a V8 .cpuprofile (node --cpu-prof): self time by function and by module/package. */
import * as fs from 'node:fs';
import * as path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

function moduleOf(url: string): string {
  if (!url) return '(native/V8)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  if (url.startsWith('node:')) return 'node internals';
  const own = /dist\/((?:apps|libs|bench)\/[^/]+)/.exec(url);
  if (own) return own[1];
  return path.basename(url);
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  idlePct: number;
  functions: { name: string; where: string; selfPct: number }[];
  modules: { module: string; selfPct: number }[];
}

/**
 * `window`: only samples taken within [from, to] (µs of the monotonic clock, i.e. process.hrtime.bigint() / 1000
 * in any process on this machine), e.g. the load phase of a run, leaving out start-up.
 */
export function summarizeProfile(file: string, top = 15, window?: [number, number]): ProfileSummary {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number };
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let t = prof.startTime;
  for (let i = 0; i < prof.samples.length; i++) {
    const dt = prof.timeDeltas[i] ?? 0;
    t += dt;
    if (window && (t < window[0] || t > window[1])) continue;
    self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + dt);
  }
  let total = 0;
  let idle = 0;
  const fn = new Map<string, { name: string; where: string; us: number }>();
  const mod = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    total += us;
    const name = n.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') {
      idle += us;
      continue;
    }
    const where = n.callFrame.url ? `${moduleOf(n.callFrame.url)}:${path.basename(n.callFrame.url)}:${n.callFrame.lineNumber + 1}` : '';
    const key = `${name}@${where}`;
    const f = fn.get(key) ?? { name, where, us: 0 };
    f.us += us;
    fn.set(key, f);
    const m = name.startsWith('(') ? name : moduleOf(n.callFrame.url);
    mod.set(m, (mod.get(m) ?? 0) + us);
  }
  const busy = total - idle || 1;
  return {
    file,
    totalMs: total / 1000,
    idlePct: (idle / (total || 1)) * 100,
    functions: [...fn.values()].sort((a, b) => b.us - a.us).slice(0, top).map((f) => ({ name: f.name, where: f.where, selfPct: (f.us / busy) * 100 })),
    modules: [...mod.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([module, us]) => ({ module, selfPct: (us / busy) * 100 })),
  };
}

/** Markdown lines for a profile summary (percentages of non-idle CPU time). */
export function profileMarkdown(s: ProfileSummary, title: string): string[] {
  const out = [`**${title}** — ${Math.round(s.totalMs)} ms sampled, ${s.idlePct.toFixed(0)} % idle; shares of busy time:`, '', '| self % | function | where |', '|---|---|---|'];
  for (const f of s.functions) out.push(`| ${f.selfPct.toFixed(1)} | \`${f.name}\` | ${f.where} |`);
  out.push('', '| self % | module |', '|---|---|');
  for (const m of s.modules) out.push(`| ${m.selfPct.toFixed(1)} | ${m.module} |`);
  return out;
}

/** The newest .cpuprofile in a directory. */
export function newestProfile(dir: string): string | null {
  if (!fs.existsSync(dir)) return null;
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(dir, f));
  files.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  return files[0] ?? null;
}
