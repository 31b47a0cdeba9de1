import type pg from 'pg';

/** First key of every consumer advisory lock ('BREW'); the second is `hashtext(name)`. */
export const LOCK_SPACE = 0x42524557;

/**
 * One active instance per consumer across processes: a session-level advisory lock, held by
 * the consumer's own dedicated connection. If that process dies its connection drops and
 * Postgres releases the lock at once, so a standby's next try succeeds.
 */
export async function tryConsumerLock(client: pg.ClientBase, name: string): Promise<boolean> {
  const { rows } = await client.query<{ locked: boolean }>(
    'SELECT pg_try_advisory_lock($1::int, hashtext($2)) AS locked',
    [LOCK_SPACE, name],
  );
  return rows[0]!.locked;
}

/** Who holds each consumer's lock now: its backend pid and application_name, by consumer name. */
export async function lockHolders(
  db: pg.ClientBase | pg.Pool,
  names: readonly string[],
): Promise<Map<string, { pid: number; applicationName: string }>> {
  const { rows } = await db.query<{ name: string; pid: number; application_name: string }>(
    `SELECT n.name, l.pid, a.application_name
     FROM unnest($2::text[]) AS n(name)
     JOIN pg_locks l ON l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND l.classid = $1::int::oid AND l.objid = hashtext(n.name)::oid
     JOIN pg_stat_activity a ON a.pid = l.pid`,
    [LOCK_SPACE, names],
  );
  return new Map(rows.map((row) => [row.name, { pid: row.pid, applicationName: row.application_name }]));
}
