import { useEffect, useState } from 'preact/hooks';
import { onUnauthorized } from './lib/api';
import { can, clearSession, loadSession, type Session } from './lib/auth';
import { currentLang, setLang, t, type Lang } from './lib/i18n';
import { href, linkHandler, match, navigate, useLocation } from './lib/router';
import { SignIn } from './pages/sign-in';
import { Home } from './pages/home';
import { QueuePage } from './pages/queue';
import { CasePage } from './pages/case';
import { lazyPage } from './components/lazy';

// Pages with heavy libraries load on first use: Chart.js for the merchant page, @noble for the streams.
const MerchantPage = lazyPage(() => import('./pages/merchant').then((m) => m.MerchantPage));
const StreamPage = lazyPage(() => import('./pages/stream').then((m) => m.StreamPage));
const EventsPage = lazyPage(() => import('./pages/events').then((m) => m.EventsPage));
const SimulationsPage = lazyPage(() => import('./pages/simulations').then((m) => m.SimulationsPage));

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [lang, setLangState] = useState<Lang>(currentLang());
  const [expired, setExpired] = useState(false);
  const loc = useLocation();
  useEffect(() => {
    const off = onUnauthorized(() => {
      setExpired(true);
      setSession(null);
    });
    // A request started before this subscription (a case's prefetch) may already have ended the session.
    if (session && !loadSession()) {
      setExpired(true);
      setSession(null);
    }
    return off;
  }, []);
  const switchLang = (l: Lang) => {
    setLang(l);
    setLangState(l);
  };
  const signOut = () => {
    clearSession();
    setSession(null);
    setExpired(false);
  };
  const route = match(loc.path);
  const role = session?.role;

  return (
    <div onClick={(e) => linkHandler(e as unknown as MouseEvent)} key={lang}>
      <a class="skip" href="#main">
        {t('app.skip')}
      </a>
      <header class="container">
        <nav aria-label="main">
          <ul>
            <li>
              <a href="/console/" class="brand">
                <strong>{t('app.title')}</strong>
              </a>
            </li>
          </ul>
          <ul>
            {role && can.queue(role) && (
              <li>
                <a href={href.queue()} aria-current={route.page === 'queue' ? 'page' : undefined}>
                  {t('nav.queue')}
                </a>
              </li>
            )}
            {role && can.streams(role) && (
              <li>
                <a href={href.events()} aria-current={route.page === 'events' ? 'page' : undefined}>
                  {t('nav.events')}
                </a>
              </li>
            )}
            {role && can.simulations(role) && (
              <li>
                <a href={href.simulations()} aria-current={route.page === 'simulations' ? 'page' : undefined}>
                  {t('nav.simulations')}
                </a>
              </li>
            )}
            <li>
              <label class="lang">
                <span class="visually-hidden">{t('nav.language')}</span>
                <select aria-label={t('nav.language')} value={lang} onChange={(e) => switchLang((e.target as HTMLSelectElement).value as Lang)}>
                  <option value="en">English</option>
                  <option value="zh">简体中文</option>
                </select>
              </label>
            </li>
            {session && (
              <li>
                <button type="button" class="secondary outline" onClick={signOut}>
                  {t('nav.signOut')}
                </button>
              </li>
            )}
          </ul>
        </nav>
        {session && <p class="who">{t('nav.signedInAs', { sub: session.sub, role: session.role })}</p>}
      </header>
      <main class="container" id="main">
        {!session ? (
          <SignIn
            expired={expired}
            onSignedIn={(s) => {
              setExpired(false);
              setSession(s);
              if (route.page === 'home' && can.queue(s.role)) navigate('/queue', true);
            }}
          />
        ) : route.page === 'home' ? (
          <Home session={session} />
        ) : route.page === 'queue' ? (
          <QueuePage session={session} query={loc.query} />
        ) : route.page === 'case' ? (
          <CasePage session={session} id={route.id} />
        ) : route.page === 'merchant' ? (
          <MerchantPage session={session} id={route.id} />
        ) : route.page === 'stream' ? (
          <StreamPage session={session} stream={route.stream} />
        ) : route.page === 'events' ? (
          <EventsPage session={session} />
        ) : route.page === 'simulations' ? (
          <SimulationsPage session={session} />
        ) : (
          <p>{t('common.notFound')}</p>
        )}
      </main>
    </div>
  );
}
