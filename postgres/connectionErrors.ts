// Network failures, Postgres restarting (admin shutdown, crash shutdown, starting up, too many
// clients) and its connection-exception class 08: an outage to wait out, not a bug of ours.
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

// pg's own words when it loses (or never gets) a connection; these errors carry no code.
const CONNECTION_LOST =
  /connection terminated|connection ended|not queryable|terminating connection|ECONNRESET|timeout exceeded when trying to connect/i;

/** Whether the error says the database connection or server went away, rather than the query being wrong. */
export function isConnectionError(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08'))) return true;
  return typeof message === 'string' && CONNECTION_LOST.test(message);
}

/** A serialization failure or deadlock victim: the same transaction may simply be run again. */
export function isRetryableTransaction(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: unknown };
  return code === '40001' || code === '40P01';
}

/** Postgres cancelled the statement: it ran past `statement_timeout` (or was cancelled by an admin). */
export function isStatementTimeout(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === '57014';
}
