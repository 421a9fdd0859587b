import type { Session } from '../lib/auth';
import { t } from '../lib/i18n';

/** Placeholder until the what-if simulations API (POST /simulations) is part of the service. */
export function SimulationsPage({ session: _session }: { session: Session }) {
  return (
    <>
      <h1>{t('sim.title')}</h1>
      <p>{t('sim.unavailable')}</p>
    </>
  );
}
