import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { LOCK_SPACE } from '../eventstore/consumers';
import type { Supervisor } from './supervisor';

/**
 * Which service holds each consumer lock now (projections and the notifier), by lock name.
 * Lock connections name themselves `projector:<projection>:<pid>` or `notifier:<name>:<instance>`;
 * the chaos notifiers' instance id is `chaos-<service>`.
 */
export async function lockHolders(
  pool: pg.Pool,
  supervisor: Supervisor,
  services: readonly string[],
): Promise<Map<string, string>> {
  const { rows } = await pool.query<{ application_name: string }>(
    `SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 AND l.classid = $1::int::oid`,
    [LOCK_SPACE],
  );
  const byPid = new Map(services.map((service) => [String(supervisor.pidOf(service)), service]));
  const holders = new Map<string, string>();
  for (const { application_name: name } of rows) {
    const [kind, lock, who] = name.split(':');
    if (!kind || !lock || !who) continue;
    const service = kind === 'projector' ? byPid.get(who) : who.replace(/^chaos-/, '');
    holders.set(`${kind}:${lock}`, service ?? `unknown ${who}`);
  }
  return holders;
}

/** The service holding most of the locks whose name starts with `prefix` (the active one). */
export async function activeLeader(
  pool: pg.Pool,
  supervisor: Supervisor,
  services: readonly string[],
  prefix: string,
): Promise<{ leader: string; locks: string[] } | undefined> {
  const holders = await lockHolders(pool, supervisor, services);
  const locksOf = new Map<string, string[]>();
  for (const [lock, service] of holders)
    if (lock.startsWith(prefix) && services.includes(service))
      locksOf.set(service, [...(locksOf.get(service) ?? []), lock]);
  const [leader, locks] = [...locksOf].sort((a, b) => b[1].length - a[1].length)[0] ?? [];
  return leader && locks ? { leader, locks } : undefined;
}

/** Ms until every one of `locks` is held by a service other than `loser`; null if not within `timeoutMs`. */
export async function waitForTakeover(
  pool: pg.Pool,
  supervisor: Supervisor,
  services: readonly string[],
  loser: string,
  locks: string[],
  timeoutMs: number,
): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    try {
      const holders = await lockHolders(pool, supervisor, services);
      const taken = locks.every((lock) => {
        const holder = holders.get(lock);
        return holder !== undefined && holder !== loser && services.includes(holder);
      });
      if (taken) return Date.now() - started;
    } catch {
      // Postgres busy or restarting: ask again
    }
    await sleep(100);
  }
  return null;
}

/** The active one, waiting for it (up to `timeoutMs`) while nobody holds a lock: just after an outage or a crash. */
export async function awaitLeader(
  pool: pg.Pool,
  supervisor: Supervisor,
  services: readonly string[],
  prefix: string,
  timeoutMs = 60_000,
): Promise<{ leader: string; locks: string[] } | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const active = await activeLeader(pool, supervisor, services, prefix).catch(() => undefined);
    if (active || Date.now() > deadline) return active;
    await sleep(250);
  }
}
