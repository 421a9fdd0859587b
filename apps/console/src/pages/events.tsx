import { useState } from 'preact/hooks';
import { get, qs, type Page } from '../lib/api';
import { can, type Session } from '../lib/auth';
import { t } from '../lib/i18n';
import { href, navigate } from '../lib/router';
import { ErrorBox, Loading, Pager, useCursorPager, useLoad } from '../components/common';
import type { RawEvent } from '../verify';
import { EventsTable } from './stream';

export function EventsPage({ session }: { session: Session }) {
  const pager = useCursorPager();
  const [name, setName] = useState('');
  const allowed = can.streams(session.role);
  const data = useLoad<Page<RawEvent>>(
    (signal) => (allowed ? get(`/events${qs({ from: pager.cursor, limit: 50 })}`, { signal }) : Promise.resolve({ items: [] })),
    [pager.cursor, allowed],
  );
  if (!allowed) return <p>{t('common.forbidden')}</p>;
  return (
    <>
      <h1>{t('streams.events')}</h1>
      <p>{t('streams.eventsIntro')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) navigate(href.stream(name.trim()));
        }}
      >
        <label for="stream-name">{t('streams.openStream')}</label>
        <fieldset role="group">
          <input id="stream-name" value={name} placeholder="dispute-…" onInput={(e) => setName((e.target as HTMLInputElement).value)} />
          <button type="submit">{t('nav.open')}</button>
        </fieldset>
      </form>
      <Loading when={data.loading && !data.data} />
      <ErrorBox error={data.error} />
      {data.data && data.data.items.length === 0 && <p>{t('common.none')}</p>}
      {data.data && data.data.items.length > 0 && <EventsTable items={data.data.items} showStream />}
      <Pager page={pager.page} hasNext={!!data.data?.nextCursor} onNext={() => data.data?.nextCursor && pager.next(data.data.nextCursor)} onPrevious={pager.previous} />
    </>
  );
}
