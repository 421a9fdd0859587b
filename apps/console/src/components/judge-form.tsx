/** The adjudicator's judgement of a case under review; the service's refusals are shown next to the fields they name. */
import { useState } from 'preact/hooks';
import { ApiError, post } from '../lib/api';
import { t, word } from '../lib/i18n';

const OUTCOMES = ['MERCHANT_LIABLE', 'MERCHANT_NOT_LIABLE'];
const VIOLATIONS = ['LATE_SHIPMENT', 'OUT_OF_STOCK', 'BREACH_OF_PROMISE'];

function FieldError({ id, error, field }: { id: string; error: ApiError | null; field: string }) {
  const msgs = error?.fieldMessages(field) ?? [];
  return msgs.length ? (
    <small id={id} class="error field-error" data-field={field}>
      {msgs.join('; ')}
    </small>
  ) : null;
}

export function JudgeForm({ disputeId, allowedViolations, onJudged }: { disputeId: string; allowedViolations: string[]; onJudged: () => void }) {
  const [outcome, setOutcome] = useState('MERCHANT_LIABLE');
  const [violation, setViolation] = useState(allowedViolations[0] ?? '');
  const [rationale, setRationale] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [other, setOther] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setOther(null);
    try {
      await post(`/disputes/${encodeURIComponent(disputeId)}/judgement`, { outcome, ...(violation ? { violation } : {}), rationale });
      onJudged();
    } catch (err) {
      if (err instanceof ApiError) setError(err);
      else setOther((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const invalid = (f: string) => ((error?.fieldMessages(f).length ?? 0) > 0 ? 'true' : undefined);
  const named = new Set((error?.problem.errors ?? []).map((e) => e.field.split(/[.[]/)[0]));
  const unplaced = error && !['outcome', 'violation', 'rationale'].some((f) => named.has(f));
  const violations = [...new Set([...allowedViolations, ...VIOLATIONS])];
  return (
    <form class="judge" onSubmit={submit} noValidate aria-labelledby="judge-h">
      <h3 id="judge-h">{t('case.judgeTitle')}</h3>
      {error && (
        <p class="error" role="alert">
          {t('case.refused')} {error.problem.detail}
        </p>
      )}
      {other && <p class="error">{other}</p>}
      <label for="outcome">{t('case.outcome')}</label>
      <select id="outcome" name="outcome" value={outcome} aria-invalid={invalid('outcome')} aria-describedby="outcome-error" onChange={(e) => setOutcome((e.target as HTMLSelectElement).value)}>
        {OUTCOMES.map((o) => (
          <option key={o} value={o}>
            {word('outcome', o)}
          </option>
        ))}
      </select>
      <FieldError id="outcome-error" error={error} field="outcome" />
      <label for="violation">{t('case.violation')}</label>
      <select id="violation" name="violation" value={violation} aria-invalid={invalid('violation')} aria-describedby="violation-error" onChange={(e) => setViolation((e.target as HTMLSelectElement).value)}>
        <option value="">{t('case.noViolation')}</option>
        {violations.map((v) => (
          <option key={v} value={v}>
            {word('violation', v)}
          </option>
        ))}
      </select>
      <FieldError id="violation-error" error={error} field="violation" />
      <label for="rationale">{t('case.rationaleLabel')}</label>
      <textarea id="rationale" name="rationale" rows={3} value={rationale} aria-invalid={invalid('rationale')} aria-describedby="rationale-error" onInput={(e) => setRationale((e.target as HTMLTextAreaElement).value)} />
      <FieldError id="rationale-error" error={error} field="rationale" />
      {unplaced && error?.problem.errors && (
        <ul class="error">
          {error.problem.errors.map((f) => (
            <li key={f.field}>
              <code>{f.field}</code>: {f.messages.join('; ')}
            </li>
          ))}
        </ul>
      )}
      <button type="submit" aria-busy={busy ? 'true' : undefined}>
        {t('case.submit')}
      </button>
    </form>
  );
}
