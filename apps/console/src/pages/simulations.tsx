/** What-if simulations (POST /simulations): start a run, follow it, then points per merchant and per week. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, post, qs, type Page } from '../lib/api';
import { can, type Session } from '../lib/auth';
import { t } from '../lib/i18n';
import { href } from '../lib/router';
import { ErrorBox } from '../components/common';
import { ChartCanvas } from '../components/chart';

interface Simulation {
  simulationId: string;
  status: 'RUNNING' | 'DONE' | 'FAILED';
  progress?: unknown;
  rulesVersion: string;
  from: string;
  to: string;
  merchantId?: string;
  totals?: { merchantWeeks: number; merchantsAffected: number; casesChanged: number; pointsRecorded: number; pointsSimulated: number };
  weeks?: { merchantId: string; week: string; pointsRecorded: number; pointsSimulated: number }[];
}

interface Change {
  disputeId: string;
  merchantId: string;
  week: string;
  reasons?: string[];
}

const day = (offset: number) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);

export function SimulationsPage({ session }: { session: Session }) {
  const [rulesVersion, setRulesVersion] = useState('v1');
  const [from, setFrom] = useState(day(-56));
  const [to, setTo] = useState(day(1));
  const [merchantId, setMerchantId] = useState('');
  const [sim, setSim] = useState<Simulation | null>(null);
  const [changes, setChanges] = useState<Change[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!sim || sim.status !== 'RUNNING') return;
    const timer = setTimeout(async () => {
      try {
        const next = await get<Simulation>(`/simulations/${encodeURIComponent(sim.simulationId)}`);
        setSim(next);
        if (next.status === 'DONE') setChanges((await get<Page<Change>>(`/simulations/${encodeURIComponent(sim.simulationId)}/changes${qs({ limit: 100 })}`)).items);
      } catch (e) {
        setError(e);
      }
    }, 800);
    return () => clearTimeout(timer);
  }, [sim]);

  if (!can.simulations(session.role)) return <p>{t('common.forbidden')}</p>;
  const start = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setChanges([]);
    try {
      const started = await post<Simulation>('/simulations', { rulesVersion, from: `${from}T00:00:00Z`, to: `${to}T00:00:00Z`, ...(merchantId.trim() ? { merchantId: merchantId.trim() } : {}) });
      setSim({ ...started, rulesVersion, from, to });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const weeks = sim?.weeks ?? [];
  const weekLabels = [...new Set(weeks.map((w) => w.week))].sort();
  const moved = weekLabels.map((wk) => weeks.filter((w) => w.week === wk).reduce((n, w) => n + (w.pointsSimulated - w.pointsRecorded), 0));
  const merchants = [...new Set(weeks.map((w) => w.merchantId))].sort();
  const fieldError = (f: string) => (error instanceof ApiError ? error.fieldMessages(f).join('; ') : '');
  return (
    <>
      <h1>{t('sim.title')}</h1>
      <form onSubmit={start} noValidate>
        <div class="grid">
          <div>
            <label for="sim-version">{t('case.rulesVersion')}</label>
            <select id="sim-version" value={rulesVersion} onChange={(e) => setRulesVersion((e.target as HTMLSelectElement).value)}>
              <option value="v1">v1</option>
              <option value="v2">v2</option>
            </select>
          </div>
          <div>
            <label for="sim-from">{t('sim.from')}</label>
            <input id="sim-from" type="date" value={from} aria-invalid={fieldError('from') ? 'true' : undefined} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} />
            {fieldError('from') && <small class="error">{fieldError('from')}</small>}
          </div>
          <div>
            <label for="sim-to">{t('sim.to')}</label>
            <input id="sim-to" type="date" value={to} aria-invalid={fieldError('to') ? 'true' : undefined} onInput={(e) => setTo((e.target as HTMLInputElement).value)} />
            {fieldError('to') && <small class="error">{fieldError('to')}</small>}
          </div>
          <div>
            <label for="sim-merchant">{t('queue.filterLabel')}</label>
            <input id="sim-merchant" value={merchantId} onInput={(e) => setMerchantId((e.target as HTMLInputElement).value)} />
          </div>
        </div>
        <button type="submit" aria-busy={busy ? 'true' : undefined}>
          {t('sim.start')}
        </button>
      </form>
      <ErrorBox error={error} />
      {sim && (
        <section aria-labelledby="sim-h" data-testid="simulation" data-status={sim.status}>
          <h2 id="sim-h">
            {sim.simulationId} · {t('sim.status')}: {sim.status}
          </h2>
          {sim.totals && (
            <dl class="facts">
              <dt>{t('sim.pointsRecorded')}</dt>
              <dd>{sim.totals.pointsRecorded}</dd>
              <dt>{t('sim.pointsSimulated')}</dt>
              <dd>{sim.totals.pointsSimulated}</dd>
              <dt>{t('sim.casesChanged')}</dt>
              <dd>{sim.totals.casesChanged}</dd>
            </dl>
          )}
          {weekLabels.length > 0 && (
            <figure>
              <figcaption>{t('sim.moved')}</figcaption>
              <ChartCanvas
                id="moved-chart"
                label={t('sim.moved')}
                config={{ type: 'bar', data: { labels: weekLabels, datasets: [{ label: `${sim.rulesVersion} − ${t('case.recorded')}`, data: moved, backgroundColor: '#5b8def' }] } }}
              />
            </figure>
          )}
          {merchants.length > 0 && (
            <div class="overflow-auto">
              <table class="striped">
                <thead>
                  <tr>
                    <th scope="col">{t('case.merchant')}</th>
                    {weekLabels.map((w) => (
                      <th scope="col" key={w}>
                        {w}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {merchants.map((m) => (
                    <tr key={m} data-merchant={m}>
                      <th scope="row">
                        <a href={href.merchant(m)}>{m}</a>
                      </th>
                      {weekLabels.map((wk) => {
                        const w = weeks.find((x) => x.merchantId === m && x.week === wk);
                        return <td key={wk}>{w ? `${w.pointsRecorded} → ${w.pointsSimulated}` : ''}</td>;
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {changes.length > 0 && (
            <ul>
              {changes.map((c) => (
                <li key={c.disputeId}>
                  <a href={href.case(c.disputeId)}>{c.disputeId}</a> · {c.week} · {(c.reasons ?? []).join('; ')}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </>
  );
}
