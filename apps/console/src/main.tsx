import { render } from 'preact';
import '@picocss/pico/css/pico.min.css';
import './styles.css';
import { App } from './app';
import { currentLang, setLang } from './lib/i18n';

setLang(currentLang());
render(<App />, document.getElementById('app')!);
