import { render } from 'preact';
import '@picocss/pico/css/pico.min.css';
import './styles.css';
import { App } from './app';
import { currentLang, setLang } from './lib/i18n';
import { loadSession } from './lib/auth';
import { current, match } from './lib/router';
import { prefetchCase } from './pages/case';

setLang(currentLang());
// A deep link to a case: its requests start now, not after the first frame (the page takes them over).
const session = loadSession();
const route = match(current().path);
if (session && route.page === 'case') prefetchCase(route.id, session);
render(<App />, document.getElementById('app')!);
