/**
 * Re-judging one batch of recorded judgement events (JSON text) under a candidate rules version: the part of
 * a simulation that runs on the second core (rejudge-worker.ts), or inline where no worker can be started
 * (a candidate rules version known only in this thread, or TypeScript sources under test).
 */
import { caseWeek, rejudgeCase, type CaseResult, type JudgedData, type RuleSet, type WeekStats } from '@app/domain';
import type { JudgementRowText } from './judgement-source';

export interface RejudgeSetup {
  timezone: string;
  /** The period's weeks: judgements of other weeks are left out. */
  weeks: string[];
  /** `${merchantId}|${week}` → the week's statistics at its close / at the time of asking. */
  stats: [string, WeekStats][];
}

export interface BatchResult {
  /** Judgements of the batch whose week is in the period. */
  inPeriod: number;
  /** Of those, the ones whose outcome or points differ. */
  changed: CaseResult[];
}

export class BatchRejudger {
  private readonly weeks: Set<string>;
  private readonly stats: Map<string, WeekStats>;
  constructor(
    private readonly candidate: RuleSet,
    private readonly setup: RejudgeSetup,
  ) {
    this.weeks = new Set(setup.weeks);
    this.stats = new Map(setup.stats);
  }

  run(rows: readonly JudgementRowText[]): BatchResult {
    let inPeriod = 0;
    const changed: CaseResult[] = [];
    for (const r of rows) {
      const data = JSON.parse(r.data) as JudgedData;
      const week = caseWeek(data, this.setup.timezone);
      if (!this.weeks.has(week)) continue;
      inPeriod++;
      const res = rejudgeCase({ disputeId: r.disputeId, merchantId: r.merchantId, week, data }, this.candidate, this.stats.get(`${r.merchantId}|${week}`) ?? null);
      if (res.changed) changed.push(res);
    }
    return { inPeriod, changed };
  }
}
