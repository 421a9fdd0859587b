/** The case state after an event, and what changed from the state before (flattened JSON paths). */
import { t } from '../lib/i18n';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function flatten(value: unknown, prefix = '', out: Map<string, string> = new Map()): Map<string, string> {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) out.set(prefix || '(root)', Array.isArray(value) ? '[]' : '{}');
    for (const [k, v] of entries) flatten(v, prefix ? (Array.isArray(value) ? `${prefix}[${k}]` : `${prefix}.${k}`) : k, out);
  } else if (value !== undefined) {
    out.set(prefix || '(root)', typeof value === 'string' ? value : JSON.stringify(value));
  }
  return out;
}

export interface Change {
  field: string;
  before?: string;
  after?: string;
}

export function diff(before: unknown, after: unknown): Change[] {
  const a = flatten(before);
  const b = flatten(after);
  const out: Change[] = [];
  for (const [k, v] of b) if (a.get(k) !== v) out.push({ field: k, before: a.get(k), after: v });
  for (const [k, v] of a) if (!b.has(k)) out.push({ field: k, before: v });
  return out.sort((x, y) => (x.field < y.field ? -1 : 1));
}

export function ChangesTable({ changes, caption }: { changes: Change[]; caption: string }) {
  if (changes.length === 0) return <p>{t('case.noChange')}</p>;
  return (
    <div class="overflow-auto">
      <table class="changes">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('case.field')}</th>
            <th scope="col">{t('case.before')}</th>
            <th scope="col">{t('case.after')}</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((c) => (
            <tr key={c.field} data-field={c.field}>
              <th scope="row">
                <code>{c.field}</code>
              </th>
              <td>{c.before === undefined ? <span class="muted">—</span> : <del>{c.before}</del>}</td>
              <td>{c.after === undefined ? <span class="muted">—</span> : <ins>{c.after}</ins>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
