/** A judgement as recorded: outcome, rule and facts cited, rules version, points (provisional or settled). */
import { fmtTime, t, word } from '../lib/i18n';

export interface JudgementView {
  outcome: string;
  violation?: string;
  decidedBy: string;
  rulesVersion: string;
  decidedAt: string;
  reasons: { rule: string; detail: string; facts?: { seq: number; type: string; occurredAt: string; waybillNo?: string; carrier?: string }[] }[];
  penalty?: { points: number; basis: string; provisional?: boolean };
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
        <dt>{t('case.points')}</dt>
        <dd data-testid="points">
          {j.penalty ? j.penalty.points : 0}{' '}
          {typeof j.penalty?.provisional === 'boolean' && <small>({j.penalty.provisional ? t('case.provisional') : t('case.settled')})</small>}
        </dd>
        {j.penalty?.basis && (
          <>
            <dt>{t('case.basis')}</dt>
            <dd>{j.penalty.basis}</dd>
          </>
        )}
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
