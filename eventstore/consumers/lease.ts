import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { tryConsumerLock } from './advisoryLock';
import { isTransient } from './logger';

/** The consumer's lock, held by its own session: when the holder dies, Postgres frees it for a standby. */
export interface Lease {
  readonly client: pg.Client;
  /** Aborted when the lock's connection breaks. */
  readonly lost: AbortSignal;
  lose(reason: unknown): void;
  release(): Promise<void>;
}

export interface TakeLeaseOptions {
  connect: () => Promise<pg.Client>;
  name: string;
  /** How often a standby tries the lock. */
  retryMs: number;
  /** Stops waiting: the lease is then undefined. */
  stopping: AbortSignal;
  onStandby: () => void;
  heartbeatMs?: number;
}

/** A new connection of its own, named for pg_stat_activity (and `lockHolders`). */
export const dedicatedConnection =
  (pool: pg.Pool, applicationName: string) => async (): Promise<pg.Client> => {
    const client = new pg.Client({ ...pool.options, application_name: applicationName });
    await client.connect();
    return client;
  };

/** Connects, then tries the lock until it is ours (a standby keeps its connection) or we stop. */
export async function takeLease(options: TakeLeaseOptions): Promise<Lease | undefined> {
  const { stopping, heartbeatMs = 2_000 } = options;
  const client = await options.connect();
  const lost = new AbortController();
  const lose = (reason: unknown) => {
    if (!lost.signal.aborted) lost.abort(reason instanceof Error ? reason : new Error(String(reason)));
  };
  // Never detached: an error event without a listener would crash the process.
  client.on('error', lose);
  client.on('end', () => lose(new Error('lock connection ended')));
  try {
    while (!(await tryConsumerLock(client, options.name))) {
      options.onStandby();
      await sleep(options.retryMs, undefined, { signal: stopping }).catch(() => {});
      if (stopping.aborted) break;
    }
  } catch (error) {
    await endQuietly(client);
    throw error;
  }
  if (stopping.aborted) {
    await endQuietly(client);
    return undefined;
  }
  // A half-dead TCP connection raises nothing by itself; a cheap query every few seconds does.
  const heartbeat = setInterval(() => {
    client.query('SELECT 1').catch((error) => isTransient(error) && lose(error));
  }, heartbeatMs);
  heartbeat.unref();
  return {
    client,
    lost: lost.signal,
    lose,
    async release() {
      clearInterval(heartbeat);
      lose(new Error('lease released'));
      // Ending the session releases the lock, whatever state the session is in.
      await endQuietly(client);
    },
  };
}

/** A broken connection's `end()` may never settle; the lock goes with the socket anyway. */
const endQuietly = (client: pg.Client) =>
  Promise.race([client.end().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
