/**
 * Worker-thread entry and its client: the simulation's re-judging (JSON parsing + rules) on another core while
 * the main thread reads the next batch and PostgreSQL aggregates. The worker knows the published rules
 * versions only (functions cannot cross threads); {@link createRejudger} falls back to the calling thread for
 * any other version, and when running from TypeScript sources (tests), where no compiled worker file exists.
 */
import * as fs from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { PUBLISHED_RULES, type RuleSet } from '@app/domain';
import { BatchRejudger, type BatchResult, type RejudgeSetup } from './rejudge-batch';
import type { JudgementRowText } from './judgement-source';

interface WorkerInit {
  rulesVersion: string;
  setup: RejudgeSetup;
}

export interface Rejudger {
  /** 'worker' or 'inline' (reported in the progress). */
  readonly mode: 'worker' | 'inline';
  run(rows: JudgementRowText[]): Promise<BatchResult>;
  close(): Promise<void>;
}

class InlineRejudger implements Rejudger {
  readonly mode = 'inline' as const;
  private readonly r: BatchRejudger;
  constructor(rules: RuleSet, setup: RejudgeSetup) {
    this.r = new BatchRejudger(rules, setup);
  }
  async run(rows: JudgementRowText[]): Promise<BatchResult> {
    return this.r.run(rows);
  }
  async close(): Promise<void> {}
}

class WorkerRejudger implements Rejudger {
  readonly mode = 'worker' as const;
  private readonly worker: Worker;
  private pending: { resolve: (r: BatchResult) => void; reject: (e: Error) => void } | null = null;
  private failed: Error | null = null;

  constructor(file: string, init: WorkerInit) {
    this.worker = new Worker(file, { workerData: init });
    this.worker.on('message', (m: { ok: true; result: BatchResult } | { ok: false; error: string }) => {
      const p = this.pending;
      this.pending = null;
      if (!p) return;
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(m.error));
    });
    const fail = (e: Error) => {
      this.failed = e;
      this.pending?.reject(e);
      this.pending = null;
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => {
      if (code !== 0) fail(new Error(`re-judging worker exited with code ${code}`));
      else fail(new Error('re-judging worker exited'));
    });
  }

  run(rows: JudgementRowText[]): Promise<BatchResult> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.pending) return Promise.reject(new Error('re-judging worker is busy'));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(rows);
    });
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

/** A worker for a published version when the compiled worker file exists, else the calling thread. */
export function createRejudger(rules: RuleSet, setup: RejudgeSetup): Rejudger {
  const file = __filename.endsWith('.js') ? __filename : null;
  const published = PUBLISHED_RULES.has(rules.version) && PUBLISHED_RULES.get(rules.version) === rules;
  if (file && fs.existsSync(file) && published) return new WorkerRejudger(file, { rulesVersion: rules.version, setup });
  return new InlineRejudger(rules, setup);
}

if (!isMainThread && parentPort && (workerData as WorkerInit | undefined)?.rulesVersion) {
  const init = workerData as WorkerInit;
  const port = parentPort;
  const r = new BatchRejudger(PUBLISHED_RULES.get(init.rulesVersion), init.setup);
  port.on('message', (rows: JudgementRowText[]) => {
    try {
      port.postMessage({ ok: true, result: r.run(rows) });
    } catch (e) {
      port.postMessage({ ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  });
}
