import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { evictStaleHolder, tryConsumerLock, withDeadline } from './advisoryLock';
import { isTransient } from './logger';

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
    if (!released) client.connection.stream.destroy();
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
    client.connection.stream.destroy();
    throw error;
  }
  if (stopping.aborted) {
    released = true;
    await endQuietly(client);
    return undefined;
  }
  const heartbeat = keepBeating(client, timing, lose);
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

/**
 * A half-open TCP connection raises nothing by itself, and keepalives do not see a peer that
 * answers them but forwards nothing (a proxy): a `SELECT 1` with a deadline does. One at a time.
 */
function keepBeating(client: pg.Client, timing: LeaseTiming, lose: (reason: unknown) => void) {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  // A statement that just finished proves the session alive as well: no query beside a busy consumer's.
  let lastReady = Date.now();
  client.connection.on('readyForQuery', () => {
    lastReady = Date.now();
  });
  const beat = async () => {
    try {
      if (Date.now() - lastReady < timing.heartbeatMs) return;
      await client.query(withDeadline('SELECT 1', [], timing.heartbeatTimeoutMs));
    } catch (error) {
      // A failed transaction of the consumer's own refuses it (25P02): that is not a lost lease.
      if (isTransient(error)) lose(new Error(`lease heartbeat failed: ${(error as Error).message}`));
    } finally {
      if (!stopped) schedule();
    }
  };
  const schedule = () => {
    timer = setTimeout(beat, timing.heartbeatMs);
    timer.unref();
  };
  schedule();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
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
  if (gaveUp) client.connection.stream.destroy();
}
