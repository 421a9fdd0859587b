/** Replays a case's judgements under another rules version from its events alone. */
import { type JudgeContext, type Judgement, type MerchantWeek, parseRulesVersion, renderJudgement, type RulesVersion } from '../shared/rules';
import type { DisputeJudged } from './events';
import { type DisputeState, evolve, initialState } from './state';

export interface RejudgedJudgement {
  /** As recorded in its DisputeJudged event (points as they stood then; provisional while the week was open). */
  recorded: Judgement;
  /** The recorded judgement under its own rules version with the week statistics of the replay (`weekStats`): its points as settled / as they stand now. */
  settled: Judgement;
  /** The same judgement under the replay's rules version and week statistics. */
  replayed: Judgement;
  differs: boolean;
  differences: string[];
  /** Set on a judgement an appeal decision replaced. */
  supersededAt?: string;
}

export interface RejudgeResult {
  rulesVersion: RulesVersion;
  /** The standing judgement as recorded (null when the case has none). */
  recorded: Judgement | null;
  /** The standing judgement under its own version with the replay's week statistics (= recorded without `weekStats`). */
  settled: Judgement | null;
  /** The standing judgement recomputed under `rulesVersion` from the recorded inputs. */
  replayed: Judgement | null;
  /** Whether outcome, violation or penalty points differ between `settled` and `replayed`. */
  differs: boolean;
  differences: string[];
  /** Every judgement of the case in order (an appealed one and its appeal decision). */
  judgements: RejudgedJudgement[];
  /** The dispute state folded from the events with the replayed judgements. */
  state: DisputeState;
}

/** The week statistics a replay judges with: the week's settled statistics, or those at the time of asking. */
export interface ReplayWeek {
  merchantWeek: MerchantWeek | null;
  /** True when `merchantWeek` is the settled week (its assessment was recorded). */
  weekFinal: boolean;
}

function compareJudgements(a: Judgement, b: Judgement): string[] {
  const out: string[] = [];
  if (a.outcome !== b.outcome) out.push(`outcome: ${a.outcome} → ${b.outcome}`);
  if (a.violation !== b.violation) out.push(`violation: ${a.violation} → ${b.violation}`);
  if (a.penalty.points !== b.penalty.points) out.push(`penalty points: ${a.penalty.points} (${a.rulesVersion}) → ${b.penalty.points} (${b.rulesVersion})`);
  return out;
}

/**
 * Recomputes a case's judgements under another rules version from its recorded events alone: every
 * DisputeJudged event carries the judgement input (outcome, violation, reasons, decidedBy/At) and the
 * JudgeContext it was rendered with; the same renderJudgement is applied with the other version. Order
 * facts are not needed (they are captured in the events).
 *
 * `weekStats`: the merchant-week statistics to judge late-shipment points by — the app passes the week's
 * settled statistics (closed week) or those at the time of asking (open week), never the instant inside the
 * week the judgement was rendered at (v2 points depend on the whole week). Without it the recorded context is
 * used.
 */
export function rejudge(events: readonly { type: string; data: unknown }[], rulesVersion: RulesVersion, weekStats?: ReplayWeek): RejudgeResult {
  const version = parseRulesVersion(rulesVersion);
  let state = initialState();
  const judgements: RejudgedJudgement[] = [];
  for (const event of events) {
    if (event.type === 'DisputeJudged') {
      const d = (event as DisputeJudged).data;
      const { rulesVersion: recordedVersion, penalty: _p, ...input } = d.judgement;
      const week: JudgeContext = weekStats
        ? { rulesVersion: version, merchantWeek: weekStats.merchantWeek, ...(weekStats.weekFinal ? { weekFinal: true } : {}) }
        : { rulesVersion: version, merchantWeek: d.context?.merchantWeek ?? null, ...(d.context?.weekFinal ? { weekFinal: true } : {}) };
      const replayed = renderJudgement(input, week);
      const settled = weekStats ? renderJudgement(input, { ...week, rulesVersion: recordedVersion }) : d.judgement;
      const prev = judgements[judgements.length - 1];
      if (prev && d.supersedes) prev.supersededAt = d.judgement.decidedAt;
      const differences = compareJudgements(settled, replayed);
      judgements.push({ recorded: d.judgement, settled, replayed, differs: differences.length > 0, differences });
      state = evolve(state, { type: 'DisputeJudged', data: { ...d, judgement: replayed, context: week } });
    } else {
      state = evolve(state, event);
    }
  }
  const last = judgements[judgements.length - 1];
  return {
    rulesVersion: version,
    recorded: last?.recorded ?? null,
    settled: last?.settled ?? null,
    replayed: last?.replayed ?? null,
    differs: last?.differs ?? false,
    differences: last?.differences ?? [],
    judgements,
    state,
  };
}
