/** NOTIFY es_events after appends, for subscribers in other processes (see SqlEventStoreOptions.notifyOtherProcesses). */
import { EVENTS_NOTIFY_CHANNEL } from './event-store-schema';
import type { SqlDatabase } from './sql-database';

export class OtherProcessNotifier {
  private notifying: Promise<void> | null = null;
  private notifyAgain = false;

  /** `enabled` is asked before each NOTIFY (false once the store is closed, on PGlite, or when turned off). */
  constructor(
    private readonly db: SqlDatabase,
    private readonly enabled: () => boolean,
  ) {}

  /** The NOTIFY in flight, if any. */
  get inFlight(): Promise<void> | null {
    return this.notifying;
  }

  /**
   * Tells subscribers in other processes (LISTEN es_events) that something was committed: one NOTIFY at a
   * time, outside the append transaction, coalescing appends that finish meanwhile into one more. (A NOTIFY
   * inside each append would serialise commits on PostgreSQL's notify lock.) PGlite: one process, nothing to do.
   */
  notify() {
    if (!this.enabled()) return;
    if (this.notifying) {
      this.notifyAgain = true;
      return;
    }
    this.notifyAgain = false;
    this.notifying = this.db
      .query(`SELECT pg_notify($1, '')`, [EVENTS_NOTIFY_CHANNEL], { name: 'es_notify' })
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        this.notifying = null;
        if (this.notifyAgain) this.notify();
      });
  }
}
