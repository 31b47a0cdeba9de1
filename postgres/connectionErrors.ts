/** Why an error is worth waiting out: the same statement may well succeed a little later. */
export type TransientKind = 'connection' | 'resources' | 'cancelled' | 'read-only' | 'contention';

// Exact SQLSTATEs and Node socket codes; whole classes are matched below by their first two characters.
const TRANSIENT_CODES: Record<string, TransientKind> = {
  ECONNREFUSED: 'connection',
  ECONNRESET: 'connection',
  ETIMEDOUT: 'connection',
  ENOTFOUND: 'connection',
  EAI_AGAIN: 'connection',
  EHOSTUNREACH: 'connection',
  ENETUNREACH: 'connection',
  EPIPE: 'connection',
  '57P01': 'connection', // admin shutdown (a restart, or a standby evicting a stale holder)
  '57P02': 'connection', // crash shutdown
  '57P03': 'connection', // cannot connect now (starting up, in recovery)
  '57P05': 'connection', // idle session timeout
  '53300': 'connection', // too many connections
  '57014': 'cancelled', // query cancelled: statement_timeout or an operator
  '25006': 'read-only', // read-only transaction: a failover left us on a replica, or the disk guard flipped it
  '55P03': 'contention', // lock not available (lock_timeout)
  '58000': 'resources', // system error
  '58030': 'resources', // I/O error
};

const TRANSIENT_CLASSES: Record<string, TransientKind> = {
  '08': 'connection', // connection exception
  '40': 'contention', // transaction rollback: serialization failure, deadlock victim, unknown completion
  '53': 'resources', // insufficient resources: disk full, out of memory, too many connections
};

// pg's own words when it loses (or never gets) a connection, or gives up waiting; these carry no code.
const CONNECTION_LOST =
  /connection terminated|connection ended|not queryable|terminating connection|ECONNRESET|timeout exceeded when trying to connect|query read timeout|lease heartbeat/i;

/** Which kind of passing trouble an error is, or undefined when it is the statement's (or the data's) own fault. */
export function transientKind(error: unknown): TransientKind | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    const kind =
      TRANSIENT_CODES[code] ?? (code.length === 5 ? TRANSIENT_CLASSES[code.slice(0, 2)] : undefined);
    if (kind) return kind;
  }
  return typeof message === 'string' && CONNECTION_LOST.test(message) ? 'connection' : undefined;
}

/** Trouble with the server or the way to it (restart, outage, disk, memory, contention): retry, never blame the data. */
export const isTransientDatabaseError = (error: unknown): boolean => transientKind(error) !== undefined;

/** Whether the error says the database connection or server went away, rather than the query being wrong. */
export const isConnectionError = (error: unknown): boolean => transientKind(error) === 'connection';

/** A serialization failure or deadlock victim: the same transaction may simply be run again. */
export function isRetryableTransaction(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: unknown };
  return code === '40001' || code === '40P01';
}

/** Postgres cancelled the statement: it ran past `statement_timeout` (or was cancelled by an admin). */
export function isStatementTimeout(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === '57014';
}
