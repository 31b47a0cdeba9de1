import type pg from 'pg';
import { tryConsumerLock } from '../projections/advisoryLock';

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

/**
 * Takes the lock if nobody holds it; `undefined` means another process is active. The lock is
 * the projector's (`tryConsumerLock`, same key space), so `lockHolders` also shows who runs the
 * reactor, by the connection's application_name (`notifier:<name>:<instance>`).
 */
export async function tryLease(
  pool: pg.Pool,
  name: string,
  instanceId: string,
  heartbeatMs = 2_000,
): Promise<Lease | undefined> {
  const client = await pool.connect();
  let locked = false;
  try {
    locked = await tryConsumerLock(client, name);
    if (locked)
      await client.query(`SELECT set_config('application_name', $1, false)`, [
        `notifier:${name}:${instanceId}`,
      ]);
  } catch (error) {
    client.release(true);
    throw error;
  }
  if (!locked) {
    client.release();
    return undefined;
  }

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
