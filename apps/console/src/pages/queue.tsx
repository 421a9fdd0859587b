import { useState } from 'preact/hooks';
import { get, qs, type Page } from '../lib/api';
import { can, type Session } from '../lib/auth';
import { fmtDuration, fmtTime, t, word } from '../lib/i18n';
import { href, navigate } from '../lib/router';
import { ErrorBox, Loading, Pager, useCursorPager, useLoad } from '../components/common';

export interface QueueItem {
  disputeId: string;
  orderId: string;
  merchantId: string;
  reviewReason: string;
  underReviewSince: string;
  waitingMs: number;
  reviewDueAt?: string;
  overdue?: boolean;
  choice?: string;
  revision: number;
}

const PAGE = 25;

export function QueuePage({ session, query }: { session: Session; query: URLSearchParams }) {
  const merchantId = query.get('merchantId') ?? '';
  const [filter, setFilter] = useState(merchantId);
  const pager = useCursorPager();
  const allowed = can.queue(session.role);
  const data = useLoad<Page<QueueItem>>(
    (signal) => (allowed ? get(`/adjudication/queue${qs({ merchantId, cursor: pager.cursor, limit: PAGE })}`, { signal }) : Promise.resolve({ items: [] })),
    [merchantId, pager.cursor, allowed],
  );
  if (!allowed) return <p>{t('common.forbidden')}</p>;
  const apply = (e: Event) => {
    e.preventDefault();
    pager.reset();
    navigate(`/queue${qs({ merchantId: filter.trim() })}`);
  };
  return (
    <>
      <h1>{t('queue.title')}</h1>
      <p>{t('queue.intro')}</p>
      <form class="filter" onSubmit={apply}>
        <label for="merchant-filter">{t('queue.filterLabel')}</label>
        <fieldset role="group">
          <input id="merchant-filter" name="merchantId" value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} />
          <button type="submit">{t('common.filter')}</button>
          {merchantId && (
            <button
              type="button"
              class="secondary"
              onClick={() => {
                setFilter('');
                pager.reset();
                navigate('/queue');
              }}
            >
              {t('common.clear')}
            </button>
          )}
        </fieldset>
      </form>
      <ErrorBox error={data.error} />
      <Loading when={data.loading && !data.data} />
      {data.data && data.data.items.length === 0 && <p>{t('queue.empty')}</p>}
      {data.data && data.data.items.length > 0 && (
        <div class="overflow-auto">
          <table class="striped" aria-label={t('queue.title')}>
            <thead>
              <tr>
                <th scope="col">{t('queue.case')}</th>
                <th scope="col">{t('queue.merchant')}</th>
                <th scope="col">{t('queue.reason')}</th>
                <th scope="col">{t('queue.choice')}</th>
                <th scope="col">{t('queue.since')}</th>
                <th scope="col">{t('queue.waiting')}</th>
                <th scope="col">{t('queue.flags')}</th>
              </tr>
            </thead>
            <tbody>
              {data.data.items.map((q) => (
                <tr key={q.disputeId} data-dispute={q.disputeId} class={q.overdue ? 'overdue' : undefined}>
                  <td>
                    <a href={href.case(q.disputeId)}>{q.disputeId}</a>
                  </td>
                  <td>
                    <a href={href.merchant(q.merchantId)}>{q.merchantId}</a>
                  </td>
                  <td>
                    <span class="badge" data-reason={q.reviewReason}>
                      {word('reason', q.reviewReason) || '—'}
                    </span>
                  </td>
                  <td>{word('option', q.choice)}</td>
                  <td>{fmtTime(q.underReviewSince)}</td>
                  <td>{fmtDuration(q.waitingMs)}</td>
                  <td>
                    {q.overdue && (
                      <mark class="flag" title={t('queue.overdueTitle', { at: fmtTime(q.reviewDueAt) })}>
                        {t('queue.overdue')}
                      </mark>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager page={pager.page} hasNext={!!data.data?.nextCursor} onNext={() => data.data?.nextCursor && pager.next(data.data.nextCursor)} onPrevious={pager.previous} />
    </>
  );
}
