/**
 * English and Simplified Chinese. The domain words follow the brief's glossary (settlement 和解,
 * no-fault defense 无责举证, judgement 判责, breach of promise 违背承诺, out-of-stock 缺货/无货,
 * late shipment 延迟发货, pickup scan 揽件, waybill 运单, rush order 催单). Enum values the console
 * does not know (e.g. a new queue reason) are shown as they come. The choice is kept in localStorage.
 */
import { en, type Key } from './i18n-en';
import { zh } from './i18n-zh';

export type { Key } from './i18n-en';
export type Lang = 'en' | 'zh';

const dictionaries: Record<Lang, Record<Key, string>> = { en, zh };
const LANG_KEY = 'dispute-console.lang';

let lang: Lang = (() => {
  const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(LANG_KEY) : null;
  if (saved === 'en' || saved === 'zh') return saved;
  return typeof navigator !== 'undefined' && navigator.language?.toLowerCase().startsWith('zh') ? 'zh' : 'en';
})();

export function currentLang(): Lang {
  return lang;
}

export function setLang(l: Lang): void {
  lang = l;
  localStorage.setItem(LANG_KEY, l);
  document.documentElement.lang = l === 'zh' ? 'zh-Hans' : 'en';
  document.title = t('app.title');
}

export function t(key: Key, params: Record<string, string | number> = {}): string {
  const s = dictionaries[lang][key] ?? en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k: string) => (k in params ? String(params[k]) : `{${k}}`));
}

/** An enum value in words (`reason.APPEAL`…); an unknown value is shown as it came. */
export function word(prefix: 'reason' | 'status' | 'outcome' | 'violation' | 'option', value: string | undefined | null): string {
  if (!value) return '';
  const k = `${prefix}.${value}` as Key;
  return k in en ? t(k) : value;
}

const formatters = new Map<Lang, Intl.DateTimeFormat>();

/** An instant as a UTC date and time in the current language (one cached formatter per language: a case page formats thousands). */
export function fmtTime(iso: string | undefined | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  let f = formatters.get(lang);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
    formatters.set(lang, f);
  }
  return `${f.format(d)} UTC`;
}

export function fmtDuration(ms: number): string {
  const m = Math.floor(ms / 60000);
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const min = m % 60;
  if (lang === 'zh') return d > 0 ? `${d} 天 ${h} 小时` : h > 0 ? `${h} 小时 ${min} 分` : `${min} 分`;
  return d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${min} min` : `${min} min`;
}
