import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { cutConnection, watchLiveness } from '../../postgres';
import { evictStaleHolder, tryConsumerLock } from './advisoryLock';

/** The consumer's lock, held by its own session: when the holder dies, Postgres frees it for a standby. */
export interface Lease {
  readonly client: pg.Client;
  /** Aborted when the lock's connection breaks or stops answering. */
  readonly lost: AbortSignal;
  lose(reason: unknown): void;
  release(): Promise<void>;
}

/** How a holder proves it is alive, and when a standby stops believing it. */
export interface LeaseTiming {
  /** The holder runs `SELECT 1` on the lock's session this often. */
  heartbeatMs: number;
  /** An unanswered heartbeat (or lock query) past this: the holder gives the lease up and cuts its socket. */
  heartbeatTimeoutMs: number;
  /** A holder whose session has been silent this long is evicted by a standby (`pg_terminate_backend`). */
  staleAfterMs: number;
}

/** Heartbeat 1 s, give up after 3 s without an answer, evicted after 5 s of silence: a takeover in ~6 s. */
export const DEFAULT_LEASE_TIMING: LeaseTiming = {
  heartbeatMs: 1_000,
  heartbeatTimeoutMs: 3_000,
  staleAfterMs: 5_000,
};

export interface TakeLeaseOptions {
  connect: () => Promise<pg.Client>;
  name: string;
  /** How often a standby tries the lock. */
  retryMs: number;
  /** Stops waiting: the lease is then undefined. */
  stopping: AbortSignal;
  onStandby: () => void;
  /** A standby ended a stale holder's session (its pid). */
  onEvicted?: (pid: number) => void;
  timing?: Partial<LeaseTiming>;
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
  const { stopping } = options;
  const timing = { ...DEFAULT_LEASE_TIMING, ...options.timing };
  const client = await options.connect();
  const lost = new AbortController();
  let released = false;
  const lose = (reason: unknown) => {
    if (lost.signal.aborted) return;
    lost.abort(reason instanceof Error ? reason : new Error(String(reason)));
    // Pending queries on a silent socket never settle by themselves: cutting it rejects them now.
    if (!released) cutConnection(client);
  };
  // Never detached: an error event without a listener would crash the process.
  client.on('error', lose);
  client.on('end', () => lose(new Error('lock connection ended')));
  try {
    while (!(await tryConsumerLock(client, options.name, timing.heartbeatTimeoutMs))) {
      options.onStandby();
      const evicted = await evictStaleHolder(
        client,
        options.name,
        timing.staleAfterMs,
        timing.heartbeatTimeoutMs,
      );
      if (evicted !== undefined) options.onEvicted?.(evicted);
      // The lock frees once the evicted backend has exited: try again soon.
      const pause = evicted === undefined ? options.retryMs : Math.min(options.retryMs, 50);
      await sleep(pause, undefined, { signal: stopping }).catch(() => {});
      if (stopping.aborted) break;
    }
  } catch (error) {
    released = true;
    cutConnection(client);
    throw error;
  }
  if (stopping.aborted) {
    released = true;
    await endQuietly(client);
    return undefined;
  }
  // A half-open connection raises nothing by itself: the heartbeat's deadline does.
  const heartbeat = watchLiveness(client, {
    everyMs: timing.heartbeatMs,
    timeoutMs: timing.heartbeatTimeoutMs,
    onDead: (error) => lose(new Error(`lease heartbeat failed: ${error.message}`)),
  });
  return {
    client,
    lost: lost.signal,
    lose,
    async release() {
      heartbeat.stop();
      if (lost.signal.aborted) return;
      released = true;
      lose(new Error('lease released'));
      // Ending the session releases the lock, whatever state the session is in.
      await endQuietly(client);
    },
  };
}

/** A broken connection's `end()` may never settle; cutting the socket frees the lock all the same. */
async function endQuietly(client: pg.Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = await Promise.race([
    client.end().then(
      () => false,
      () => false,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), 1000);
    }),
  ]);
  clearTimeout(timer);
  if (gaveUp) cutConnection(client);
}
