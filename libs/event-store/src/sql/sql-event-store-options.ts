/** Options of SqlEventStore. */

export interface SqlEventStoreOptions {
  /** Reported `kind`; default from the database ('pglite' → 'embedded', 'pg' → 'postgres'). */
  kind?: 'embedded' | 'postgres';
  /** close() also closes the database (default false: the database is shared with read models). */
  ownsDatabase?: boolean;
  /** How many stream heads to remember to save a read before appending (default 10 000). */
  streamHeadCacheSize?: number;
  /**
   * Send `NOTIFY es_events` after appends so subscriptions in other processes wake at once (default true;
   * PostgreSQL only). Without it they notice new events on their next poll.
   */
  notifyOtherProcesses?: boolean;
  /**
   * Group commit (default true on PostgreSQL, false on PGlite): appends without caller-supplied event ids that arrive while earlier ones are
   * being written wait and are then written together, in one statement and one transaction (one commit, one
   * WAL flush), each with its own expected-revision check and its own answer (es_append_batch). An append is
   * answered only after its transaction committed. A lone append goes out at once.
   */
  groupCommit?: boolean;
  /** Batches in flight at once (default 2). */
  groupCommitConcurrency?: number;
  /** Most appends in one batch (default 64). */
  groupCommitMaxBatch?: number;
}
