import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../lib/api';
import { t } from '../lib/i18n';

export interface Loaded<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  reload: () => void;
}

/** Loads data for a page; `deps` restart it. */
export function useLoad<T>(fn: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const ac = new AbortController();
    setState((s) => ({ data: s.data, loading: true }));
    fn(ac.signal).then(
      (data) => !ac.signal.aborted && setState({ data, loading: false }),
      (error) => !ac.signal.aborted && setState({ error, loading: false }),
    );
    return () => ac.abort();
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((x) => x + 1) };
}

export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const e = error as Error;
  const msg =
    error instanceof ApiError
      ? error.status === 403
        ? t('common.forbidden')
        : `${error.problem.title ?? ''} (${error.status}): ${error.problem.detail ?? ''}`
      : (e.message ?? String(error));
  return (
    <p class="error" role="alert">
      <strong>{t('common.error')}:</strong> {msg}
    </p>
  );
}

export function Loading({ when }: { when: boolean }) {
  return when ? <p aria-busy="true">{t('common.loading')}</p> : null;
}

export function Section({ title, children, id }: { title: string; children: ComponentChildren; id?: string }) {
  return (
    <section aria-labelledby={id ? `${id}-h` : undefined}>
      <h2 id={id ? `${id}-h` : undefined}>{title}</h2>
      {children}
    </section>
  );
}

export function Hash({ value }: { value: string | null | undefined }) {
  if (!value) return <span class="muted">null</span>;
  return (
    <code class="hash" title={value}>
      {value.slice(0, 12)}…
    </code>
  );
}

/** Keeps the cursors of the pages seen, for "previous page". */
export function useCursorPager() {
  const [stack, setStack] = useState<(string | undefined)[]>([undefined]);
  const cursor = stack[stack.length - 1];
  return {
    cursor,
    page: stack.length,
    next: (c: string) => setStack((s) => [...s, c]),
    previous: () => setStack((s) => (s.length > 1 ? s.slice(0, -1) : s)),
    reset: () => setStack([undefined]),
  };
}

export function Pager({ page, hasNext, onNext, onPrevious }: { page: number; hasNext: boolean; onNext: () => void; onPrevious: () => void }) {
  return (
    <nav class="pager" aria-label="pages">
      <button type="button" class="secondary" disabled={page <= 1} onClick={onPrevious}>
        {t('common.previous')}
      </button>
      <span>{page}</span>
      <button type="button" class="secondary" disabled={!hasNext} onClick={onNext}>
        {t('common.next')}
      </button>
    </nav>
  );
}
