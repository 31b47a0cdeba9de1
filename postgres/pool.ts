import pg from 'pg';

/** Who opens the pool: each kind of process gets timeouts that fit its longest honest statement. */
export type PoolRole = 'api' | 'worker' | 'projector' | 'notifier' | 'cli';

export interface PoolLimits {
  max: number;
  /** A connection that cannot be made in this time fails instead of waiting forever. */
  connectionTimeoutMillis: number;
  /** Postgres cancels a statement running longer (SQLSTATE 57014); the API answers 503. */
  statementTimeoutMs: number;
  /** Postgres ends a session left idle inside a transaction this long (its locks go with it). */
  idleInTransactionTimeoutMs: number;
  /** TCP keepalive probes start after this much silence, so a half-dead peer is noticed. */
  keepAliveInitialDelayMillis: number;
  /**
   * Client-side: pg stops waiting for an answer after this long (default: the statement timeout
   * + 2 s). A peer that answers keepalives but forwards nothing (a partitioning proxy) would
   * otherwise hold the caller forever; the server's own timeout never reaches a silent socket.
   */
  queryTimeoutMs?: number;
}

/** Past the server's statement timeout, so an honest slow statement gets Postgres's own 57014 first. */
const QUERY_TIMEOUT_MARGIN_MS = 2_000;

const DEFAULTS: Record<PoolRole, PoolLimits> = {
  api: {
    max: 20,
    connectionTimeoutMillis: 5_000,
    statementTimeoutMs: 5_000,
    idleInTransactionTimeoutMs: 10_000,
    keepAliveInitialDelayMillis: 10_000,
  },
  worker: {
    max: 20,
    connectionTimeoutMillis: 5_000,
    statementTimeoutMs: 30_000,
    idleInTransactionTimeoutMs: 30_000,
    keepAliveInitialDelayMillis: 10_000,
  },
  projector: {
    max: 4,
    connectionTimeoutMillis: 5_000,
    statementTimeoutMs: 60_000,
    idleInTransactionTimeoutMs: 60_000,
    keepAliveInitialDelayMillis: 10_000,
  },
  notifier: {
    max: 4,
    connectionTimeoutMillis: 5_000,
    statementTimeoutMs: 30_000,
    idleInTransactionTimeoutMs: 30_000,
    keepAliveInitialDelayMillis: 10_000,
  },
  cli: {
    max: 3,
    connectionTimeoutMillis: 10_000,
    statementTimeoutMs: 10 * 60_000,
    idleInTransactionTimeoutMs: 60_000,
    keepAliveInitialDelayMillis: 10_000,
  },
};

/** The connection settings of a role: also for a dedicated `pg.Client` (LISTEN, locks) beside its pool. */
export function connectionOptions(
  url: string,
  role: PoolRole,
  limits: Partial<PoolLimits> = {},
): pg.PoolConfig & { application_name: string } {
  const chosen = { ...DEFAULTS[role], ...limits };
  return {
    connectionString: url,
    application_name: role,
    max: chosen.max,
    connectionTimeoutMillis: chosen.connectionTimeoutMillis,
    statement_timeout: chosen.statementTimeoutMs,
    idle_in_transaction_session_timeout: chosen.idleInTransactionTimeoutMs,
    query_timeout: chosen.queryTimeoutMs ?? chosen.statementTimeoutMs + QUERY_TIMEOUT_MARGIN_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: chosen.keepAliveInitialDelayMillis,
  };
}

/** Every process's pool: bounded connect, statement and idle-in-transaction times, TCP keepalives. */
export function createPool(url: string, role: PoolRole, limits: Partial<PoolLimits> = {}): pg.Pool {
  const pool = new pg.Pool(connectionOptions(url, role, limits));
  // pg-pool drops its error listener while a client is checked out (`pool.connect()` for a
  // transaction), and a connection lost then emits 'error' with no listener: the process died.
  // The query in hand is rejected anyway and the broken client is discarded on release.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}
