/** A tiny history router for the console's deep links (/console/queue, /console/cases/{id}, …). */
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/console';

const listeners = new Set<() => void>();

export function navigate(to: string, replace = false): void {
  const url = to.startsWith(BASE) ? to : `${BASE}${to}`;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  listeners.forEach((l) => l());
  window.scrollTo(0, 0);
}

export interface Location {
  /** Path below /console, e.g. "/cases/d-1" ("/" for the console's root). */
  path: string;
  query: URLSearchParams;
}

/** The location the tab shows now. */
export function current(): Location {
  let p = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : location.pathname;
  if (p === '' || p === '/') p = '/';
  return { path: p.replace(/\/+$/, '') || '/', query: new URLSearchParams(location.search) };
}

export function useLocation(): Location {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const update = () => setLoc(current());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return loc;
}

export type Route =
  | { page: 'home' }
  | { page: 'queue' }
  | { page: 'case'; id: string }
  | { page: 'merchant'; id: string }
  | { page: 'stream'; stream: string }
  | { page: 'events' }
  | { page: 'simulations' }
  | { page: 'not-found' };

export function match(path: string): Route {
  if (path === '/') return { page: 'home' };
  if (path === '/queue') return { page: 'queue' };
  if (path === '/events') return { page: 'events' };
  if (path === '/simulations') return { page: 'simulations' };
  const m = /^\/(cases|merchants|streams)\/([^/]+)$/.exec(path);
  if (m) {
    const id = decodeURIComponent(m[2]);
    if (m[1] === 'cases') return { page: 'case', id };
    if (m[1] === 'merchants') return { page: 'merchant', id };
    return { page: 'stream', stream: id };
  }
  return { page: 'not-found' };
}

export const href = {
  queue: () => `${BASE}/queue`,
  case: (id: string) => `${BASE}/cases/${encodeURIComponent(id)}`,
  merchant: (id: string) => `${BASE}/merchants/${encodeURIComponent(id)}`,
  stream: (s: string) => `${BASE}/streams/${encodeURIComponent(s)}`,
  events: () => `${BASE}/events`,
  simulations: () => `${BASE}/simulations`,
};

/** Intercepts same-origin link clicks inside the console (call once on the root element). */
export function linkHandler(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element | null)?.closest?.('a');
  if (!a || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith(BASE)) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
}
