import type pg from 'pg';

/**
 * One active reactor across processes: a session advisory lock held on a dedicated connection.
 * When the holder dies its connection closes, Postgres drops the lock, and a standby takes over.
 */
export interface Lease {
  /** The lock's own connection: checkpoints are written through it, so a deposed holder cannot write one. */
  readonly client: pg.PoolClient;
  /** Aborted when the lock's connection breaks: stop sending at once. */
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

const LOCK_SQL = `SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked`;

/** Takes the lock if nobody holds it; `undefined` means another process is active. */
export async function tryLease(
  pool: pg.Pool,
  lockName: string,
  heartbeatMs = 2_000,
): Promise<Lease | undefined> {
  const client = await pool.connect();
  let locked = false;
  try {
    const { rows } = await client.query<{ locked: boolean }>(LOCK_SQL, [lockName]);
    locked = rows[0]?.locked === true;
  } finally {
    if (!locked) client.release();
  }
  if (!locked) return undefined;

  const lost = new AbortController();
  const lose = (reason: unknown) => {
    if (!lost.signal.aborted) lost.abort(reason instanceof Error ? reason : new Error(String(reason)));
  };
  const onError = (error: Error) => lose(error);
  const onEnd = () => lose(new Error('lock connection ended'));
  client.on('error', onError);
  client.on('end', onEnd);
  // A half-dead TCP connection raises nothing by itself; a cheap query every few seconds does.
  const heartbeat = setInterval(() => {
    client.query('SELECT 1').catch(lose);
  }, heartbeatMs);
  heartbeat.unref();

  return {
    client,
    lost: lost.signal,
    async release() {
      clearInterval(heartbeat);
      client.off('error', onError);
      client.off('end', onEnd);
      lose(new Error('lease released'));
      // Destroyed, never returned to the pool: the lock goes with the session, whatever state it is in.
      client.release(true);
    },
  };
}
