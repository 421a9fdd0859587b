import { get, qs, type Page } from '../lib/api';
import { can, type Session } from '../lib/auth';
import { fmtTime, t, word } from '../lib/i18n';
import { href } from '../lib/router';
import { ErrorBox, Loading, useLoad } from '../components/common';
import { ChartCanvas } from '../components/chart';

interface Scorecard {
  week: string;
  rulesVersion: string;
  lateOrders: number;
  pickupRate48h: number | null;
  points: number;
  final?: boolean;
}

interface JudgementItem {
  disputeId: string;
  kind: string;
  outcome: string;
  violation?: string;
  rulesVersion?: string;
  decidedAt: string;
  points: number;
  penaltyBasis?: string;
}

const WEEKS = 8;

/** ISO week of a date (UTC), "YYYY-Www". */
export function isoWeek(d: Date): string {
  const x = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = x.getUTCDay() || 7;
  x.setUTCDate(x.getUTCDate() + 4 - day);
  const year = x.getUTCFullYear();
  const week = Math.ceil(((x.getTime() - Date.UTC(year, 0, 1)) / 86400000 + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

function recentWeeks(n: number): string[] {
  const out: string[] = [];
  for (let i = n - 1; i >= 0; i--) out.push(isoWeek(new Date(Date.now() - i * 7 * 86400000)));
  return out;
}

async function loadMerchant(id: string, session: Session, signal: AbortSignal) {
  const enc = encodeURIComponent(id);
  const weeks = recentWeeks(WEEKS);
  const cards = await Promise.all(
    weeks.map(async (week) => {
      if (can.compare(session.role)) {
        const c = await get<{ v1: Scorecard; v2: Scorecard }>(`/merchants/${enc}/scorecard/compare${qs({ week })}`, { signal });
        return { week, v1: c.v1, v2: c.v2 };
      }
      const [v1, v2] = await Promise.all(['v1', 'v2'].map((rulesVersion) => get<Scorecard>(`/merchants/${enc}/scorecard${qs({ week, rulesVersion })}`, { signal })));
      return { week, v1, v2 };
    }),
  );
  const from = new Date(Date.now() - WEEKS * 7 * 86400000).toISOString();
  const judgements: JudgementItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await get<Page<JudgementItem>>(`/judgements${qs({ merchantId: id, from, cursor, limit: 200 })}`, { signal });
    judgements.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && judgements.length < 1000);
  return { cards, judgements };
}

const pct = (r: number | null | undefined) => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)} %`);

export function MerchantPage({ session, id }: { session: Session; id: string }) {
  const data = useLoad((signal) => loadMerchant(id, session, signal), [id, session.token]);
  if (!can.scorecard(session.role)) return <p>{t('common.forbidden')}</p>;
  const cards = data.data?.cards ?? [];
  const labels = cards.map((c) => c.week);
  return (
    <>
      <h1>{t('merchant.title', { id })}</h1>
      <Loading when={data.loading && !data.data} />
      <ErrorBox error={data.error} />
      {data.data && (
        <>
          <section aria-labelledby="weeks-h">
            <h2 id="weeks-h">{t('merchant.weeks', { n: WEEKS })}</h2>
            <div class="grid charts">
              <figure>
                <figcaption>{t('merchant.points')}</figcaption>
                <ChartCanvas
                  id="points-chart"
                  label={t('merchant.points')}
                  config={{
                    type: 'bar',
                    data: {
                      labels,
                      datasets: [
                        { label: 'v1', data: cards.map((c) => c.v1.points), backgroundColor: '#5b8def' },
                        { label: 'v2', data: cards.map((c) => c.v2.points), backgroundColor: '#e8833a' },
                      ],
                    },
                    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
                  }}
                />
              </figure>
              <figure>
                <figcaption>{t('merchant.pickupRate')}</figcaption>
                <ChartCanvas
                  id="rate-chart"
                  label={t('merchant.pickupRate')}
                  config={{
                    type: 'line',
                    data: {
                      labels,
                      datasets: [
                        { label: t('merchant.rate'), data: cards.map((c) => (c.v2.pickupRate48h === null ? null : c.v2.pickupRate48h * 100)), borderColor: '#2f7d4f', backgroundColor: '#2f7d4f', spanGaps: true },
                        { label: t('merchant.line95'), data: cards.map(() => 95), borderColor: '#c0392b', borderDash: [6, 4], pointRadius: 0 },
                      ],
                    },
                    options: { scales: { y: { min: 0, max: 100, ticks: { callback: (v) => `${v} %` } } } },
                  }}
                />
              </figure>
            </div>
            <div class="overflow-auto">
              <table class="striped scorecards">
                <thead>
                  <tr>
                    <th scope="col">{t('merchant.week')}</th>
                    <th scope="col">{t('merchant.lateOrders')}</th>
                    <th scope="col">{t('merchant.rate')}</th>
                    <th scope="col">v1 {t('case.points')}</th>
                    <th scope="col">v2 {t('case.points')}</th>
                    <th scope="col">{t('merchant.final')}</th>
                  </tr>
                </thead>
                <tbody>
                  {cards.map((c) => (
                    <tr key={c.week} data-week={c.week}>
                      <th scope="row">{c.week}</th>
                      <td>{c.v2.lateOrders}</td>
                      <td class={c.v2.pickupRate48h !== null && c.v2.pickupRate48h < 0.95 ? 'below' : undefined}>{pct(c.v2.pickupRate48h)}</td>
                      <td>{c.v1.points}</td>
                      <td>{c.v2.points}</td>
                      <td>{c.v2.final ? t('common.yes') : t('merchant.open')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section aria-labelledby="mj-h">
            <h2 id="mj-h">{t('merchant.judgements')}</h2>
            {data.data.judgements.length === 0 ? (
              <p>{t('merchant.noJudgements')}</p>
            ) : (
              <div class="overflow-auto">
                <table class="striped">
                  <thead>
                    <tr>
                      <th scope="col">{t('queue.case')}</th>
                      <th scope="col">{t('merchant.decidedAt')}</th>
                      <th scope="col">{t('merchant.outcome')}</th>
                      <th scope="col">{t('case.rulesVersion')}</th>
                      <th scope="col">{t('case.points')}</th>
                      <th scope="col">{t('case.basis')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.data.judgements.map((j) => (
                      <tr key={j.disputeId}>
                        <td>
                          <a href={href.case(j.disputeId)}>{j.disputeId}</a>
                        </td>
                        <td>{fmtTime(j.decidedAt)}</td>
                        <td>
                          {j.outcome === 'SETTLED' ? word('status', 'SETTLED') : word('outcome', j.outcome)}
                          {j.violation ? ` · ${word('violation', j.violation)}` : ''}
                        </td>
                        <td>{j.rulesVersion ?? '—'}</td>
                        <td>{j.points}</td>
                        <td>{j.penaltyBasis ?? ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </>
  );
}
