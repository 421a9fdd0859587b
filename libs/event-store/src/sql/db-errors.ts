/**
 * Classifies database errors that say "the connection or the server is (temporarily) gone" rather than
 * "this statement is wrong": a terminated backend, a restarting or failed-over server, a refused or reset
 * connection, a pool that cannot connect in time. The HTTP layer answers them 503 with Retry-After (the
 * transaction was rolled back; retrying later is safe), background workers retry them without counting
 * them against the event they were applying.
 */

/** SQLSTATEs: class 08 (connection exception), 57P01–57P03 (admin/crash shutdown, cannot connect now), 53300 (too many connections). */
const TRANSIENT_SQLSTATE = /^(08...|57P0[123]|53300)$/;
const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const TRANSIENT_MESSAGES = [
  /Connection terminated/i,
  /terminating connection/i,
  /Client has encountered a connection error and is not queryable/i,
  /Client was closed and is not queryable/i,
  /timeout exceeded when trying to connect/i,
  /Connection refused/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /server closed the connection unexpectedly/i,
  /is not currently accepting connections/i, // ALTER DATABASE … ALLOW_CONNECTIONS false (maintenance)
  /Connection terminated due to connection timeout/i,
];

export function isTransientDatabaseError(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && (TRANSIENT_SQLSTATE.test(e.code) || TRANSIENT_NODE_CODES.has(e.code))) return true;
  if (typeof e.message === 'string' && TRANSIENT_MESSAGES.some((re) => re.test(e.message as string))) return true;
  if (Array.isArray(e.errors) && e.errors.some((x) => isTransientDatabaseError(x, depth + 1))) return true; // AggregateError
  return e.cause !== undefined && isTransientDatabaseError(e.cause, depth + 1);
}
