import type pg from 'pg';
import { withDeadline } from '../../postgres';

/** First key of every consumer advisory lock ('BREW'); the second is `hashtext(name)`. */
export const LOCK_SPACE = 0x42524557;

/** One consumer's lock ($1 = LOCK_SPACE, $2 = the consumer's name) and the session holding it. */
const HELD_BY = `pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
  WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND l.classid = $1::int::oid AND l.objid = hashtext(n.name)::oid`;

/**
 * One active instance per consumer across processes: a session-level advisory lock, held by
 * the consumer's own dedicated connection. If that process dies its connection drops and
 * Postgres releases the lock at once, so a standby's next try succeeds.
 */
export async function tryConsumerLock(
  client: pg.ClientBase,
  name: string,
  timeoutMs?: number,
): Promise<boolean> {
  const { rows } = await client.query<{ locked: boolean }>(
    withDeadline(
      'SELECT pg_try_advisory_lock($1::int, hashtext($2)) AS locked',
      [LOCK_SPACE, name],
      timeoutMs,
    ),
  );
  return rows[0]!.locked;
}

/**
 * A holder behind a network partition keeps its lock: the server still sees its socket (through a
 * proxy, or until keepalives give up after minutes). Its heartbeat keeps `state_change` fresh, so
 * a session idle (or stuck writing to its client) longer than `staleAfterMs` is ended by the
 * standby. Ending the session is the fence: its open transaction rolls back, its lock goes with it,
 * and nothing it sends later lands. Returns the evicted backend's pid.
 */
export async function evictStaleHolder(
  client: pg.ClientBase,
  name: string,
  staleAfterMs: number,
  timeoutMs?: number,
): Promise<number | undefined> {
  const { rows } = await client.query<{ pid: number }>(
    withDeadline(
      `SELECT a.pid, pg_terminate_backend(a.pid) AS evicted
      FROM (SELECT $2::text AS name) n, ${HELD_BY}
        AND a.pid <> pg_backend_pid()
        AND (a.state <> 'active' OR a.wait_event = 'ClientWrite')
        AND a.state_change < clock_timestamp() - make_interval(secs => $3::float8 / 1000)`,
      [LOCK_SPACE, name, staleAfterMs],
      timeoutMs,
    ),
  );
  return rows[0]?.pid;
}

/** Who holds each consumer's lock now: its backend pid and application_name, by consumer name. */
export async function lockHolders(
  db: pg.ClientBase | pg.Pool,
  names: readonly string[],
): Promise<Map<string, { pid: number; applicationName: string }>> {
  const { rows } = await db.query<{ name: string; pid: number; application_name: string }>(
    `SELECT n.name, l.pid, a.application_name FROM unnest($2::text[]) AS n(name), ${HELD_BY}`,
    [LOCK_SPACE, names],
  );
  return new Map(rows.map((row) => [row.name, { pid: row.pid, applicationName: row.application_name }]));
}
