/**
 * A judgement as recorded: outcome, rule and facts cited, rules version, points — provisional while the
 * order's merchant-week is open (`penalty.provisional`), settled once the week closed: then the service adds
 * `settledPenalty` (the week's assessment: points, whether the order counted, when the week closed), and the
 * card shows the settled figure, with the points recorded at judgement time when they were provisional.
 */
import { fmtTime, t, word } from '../lib/i18n';

export interface JudgementView {
  outcome: string;
  violation?: string;
  decidedBy: string;
  rulesVersion: string;
  decidedAt: string;
  reasons: { rule: string; detail: string; facts?: { seq: number; type: string; occurredAt: string; waybillNo?: string; carrier?: string }[] }[];
  penalty?: { points: number; basis: string; provisional?: boolean; week?: string };
  settledPenalty?: { points: number; basis: string; provisional: false; week: string; closedAt?: string; counted: boolean; rulesVersion?: string };
  rationale?: string;
  supersededAt?: string;
  decidedBySub?: string;
}

export function JudgementCard({ j, title }: { j: JudgementView; title?: string }) {
  return (
    <article class="judgement" data-outcome={j.outcome}>
      <header>
        <strong>{title ?? t('case.judgement')}</strong>: {word('outcome', j.outcome)}
        {j.violation ? ` · ${word('violation', j.violation)}` : ''}
        {j.supersededAt && <mark class="flag"> {t('case.superseded', { at: fmtTime(j.supersededAt) })}</mark>}
      </header>
      <dl class="facts">
        <dt>{t('case.rulesVersion')}</dt>
        <dd data-testid="rules-version">{j.rulesVersion}</dd>
        <Points j={j} />
        <dt>{t('case.decidedBy')}</dt>
        <dd>{j.decidedBy}</dd>
        <dt>{t('case.decidedAt')}</dt>
        <dd>{fmtTime(j.decidedAt)}</dd>
        {j.rationale && (
          <>
            <dt>{t('case.rationale')}</dt>
            <dd>{j.rationale}</dd>
          </>
        )}
      </dl>
      <table class="reasons">
        <thead>
          <tr>
            <th scope="col">{t('case.rule')}</th>
            <th scope="col">{t('case.factsCited')}</th>
          </tr>
        </thead>
        <tbody>
          {j.reasons.map((r, i) => (
            <tr key={i}>
              <td>
                <code>{r.rule}</code> {r.detail}
              </td>
              <td>
                <ul>
                  {(r.facts ?? []).map((f) => (
                    <li key={f.seq}>
                      #{f.seq} {f.type} · {fmtTime(f.occurredAt)}
                      {f.waybillNo ? ` · ${f.waybillNo}` : ''}
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </article>
  );
}

/** The points: the settled figure once the week closed, else the recorded ones, provisional while the week is open. */
function Points({ j }: { j: JudgementView }) {
  const p = j.penalty;
  const settled = j.settledPenalty;
  // A judgement replaced on appeal keeps the points it recorded; they no longer stand for anything in the week.
  const replaced = j.supersededAt !== undefined && !settled;
  const state = replaced ? 'replaced' : settled ? 'settled' : p?.provisional === true ? 'provisional' : p?.provisional === false ? 'settled' : undefined;
  const note = replaced
    ? p?.provisional
      ? t('case.pointsAsRecordedProvisional')
      : t('case.pointsAsRecorded')
    : settled
      ? t('case.pointsSettled', { week: settled.week, at: settled.closedAt ? fmtTime(settled.closedAt) : '—' })
      : p?.provisional === true
        ? p.week
          ? t('case.pointsProvisional', { week: p.week })
          : t('case.provisional')
        : p?.provisional === false
          ? p.week
            ? t('case.pointsFinal', { week: p.week })
            : t('case.settled')
          : null;
  const basis = settled?.basis ?? p?.basis;
  return (
    <>
      <dt>{t('case.points')}</dt>
      <dd data-testid="points" data-points-state={state}>
        {settled ? settled.points : p ? p.points : 0} {note && <small>({note})</small>}
      </dd>
      {settled && p && (
        <>
          <dt>{t('case.pointsAtJudgement')}</dt>
          <dd data-testid="points-recorded">
            {p.points} {p.provisional ? <small>({t('case.provisionalShort')})</small> : null}
          </dd>
        </>
      )}
      {settled && !settled.counted && (
        <>
          <dt>{t('case.weekCount')}</dt>
          <dd>{t('case.notCounted', { week: settled.week })}</dd>
        </>
      )}
      {basis && (
        <>
          <dt>{t('case.basis')}</dt>
          <dd>{basis}</dd>
        </>
      )}
    </>
  );
}
