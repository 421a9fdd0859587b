import { useState } from 'preact/hooks';
import { can, type Session } from '../lib/auth';
import { t } from '../lib/i18n';
import { href, navigate } from '../lib/router';

function OpenBy({ label, to, id }: { label: string; to: (v: string) => string; id: string }) {
  const [v, setV] = useState('');
  return (
    <form
      class="open-by"
      onSubmit={(e) => {
        e.preventDefault();
        if (v.trim()) navigate(to(v.trim()));
      }}
    >
      <label for={id}>{label}</label>
      <fieldset role="group">
        <input id={id} value={v} onInput={(e) => setV((e.target as HTMLInputElement).value)} />
        <button type="submit">{t('nav.open')}</button>
      </fieldset>
    </form>
  );
}

export function Home({ session }: { session: Session }) {
  const r = session.role;
  return (
    <>
      <h1>{t('home.title')}</h1>
      {r !== 'adjudicator' && r !== 'auditor' && <p>{t('signIn.notForRole', { role: r })}</p>}
      {can.queue(r) && (
        <p>
          <a href={href.queue()}>{t('home.adjudicator')}</a>
        </p>
      )}
      {can.streams(r) && (
        <p>
          <a href={href.events()}>{t('home.auditor')}</a>
        </p>
      )}
      <div class="grid">
        <OpenBy id="open-case" label={t('home.openCase')} to={href.case} />
        {can.scorecard(r) && <OpenBy id="open-merchant" label={t('home.openMerchant')} to={href.merchant} />}
        {can.streams(r) && <OpenBy id="open-stream" label={t('home.openStream')} to={href.stream} />}
      </div>
    </>
  );
}
