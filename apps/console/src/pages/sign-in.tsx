import { useState } from 'preact/hooks';
import { get } from '../lib/api';
import { ApiError } from '../lib/api';
import { parseToken, saveSession, type Session } from '../lib/auth';
import { t } from '../lib/i18n';

/** The contract's sign-in: a field labelled "Access token" and a button "Sign in". */
export function SignIn({ onSignedIn, expired }: { onSignedIn: (s: Session) => void; expired: boolean }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const s = parseToken(token);
    if (!s) {
      setError(t('signIn.invalid'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      // A cheap authenticated call: a 401 means the service does not accept this token.
      await get(`/disputes?limit=1`, { token: s.token });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        setError(`${t('signIn.invalid')} ${err.problem.detail ?? ''}`);
        setBusy(false);
        return;
      }
    }
    setBusy(false);
    saveSession(s);
    onSignedIn(s);
  };
  return (
    <article class="sign-in">
      <h1>{t('signIn.title')}</h1>
      {expired && <p role="status">{t('signIn.expired')}</p>}
      <form onSubmit={submit} autocomplete="off">
        <label for="token">{t('signIn.token')}</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={token}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby="token-help"
          onInput={(e) => setToken((e.target as HTMLInputElement).value)}
        />
        <small id="token-help">{error ? <span class="error">{error}</span> : t('signIn.help')}</small>
        <button type="submit" aria-busy={busy ? 'true' : undefined}>
          {t('signIn.button')}
        </button>
      </form>
    </article>
  );
}
