import type pg from 'pg';
import { watchLiveness } from '../postgres';
import { DEFAULT_CHANNEL } from './wakeUpNotifier';

export interface LogWatcher {
  /** Calls `listener` on every wake-up (a notification, a poll tick, a reconnect); returns an unsubscribe. */
  onWake(listener: () => void): () => void;
  /** Whether the LISTEN connection is up right now (polling goes on either way). */
  readonly listening: boolean;
  close(): Promise<void>;
}

export interface LogWatcherOptions {
  channel?: string;
  /** The fallback: wake up this often even without a notification (lost NOTIFY, other writers). */
  pollIntervalMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** The idle LISTEN session is pinged this often (with a deadline of the same length): a silent one is replaced. */
  livenessMs?: number;
  /** Connection trouble; the watcher recovers by itself, this is for logs and metrics. */
  onError?: (error: unknown) => void;
}

/**
 * Holds one pooled connection in LISTEN and re-establishes it with backoff whenever it breaks
 * (a Postgres restart, a network cut). A reconnect wakes listeners, since notifications sent
 * while it was down are gone.
 */
export function createLogWatcher(pool: pg.Pool, options: LogWatcherOptions = {}): LogWatcher {
  const { channel = DEFAULT_CHANNEL, pollIntervalMs = 500, minBackoffMs = 50, maxBackoffMs = 5000 } = options;
  const livenessMs = options.livenessMs ?? 5_000;
  // The caller's reporter runs inside connection event handlers: it must not throw out of them.
  const onError = (error: unknown) => {
    try {
      options.onError?.(error);
    } catch {}
  };
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`invalid channel name ${channel}`);
  const listeners = new Set<() => void>();
  let client: pg.PoolClient | undefined;
  // The connection whose LISTEN has completed: only then do notifications reach us.
  let listeningOn: pg.PoolClient | undefined;
  let closed = false;
  let backoffMs = minBackoffMs;
  let retryTimer: NodeJS.Timeout | undefined;
  let connecting: Promise<void> | undefined;
  let liveness: { stop(): void } | undefined;

  const wake = () => {
    for (const listener of listeners) listener();
  };
  const pollTimer = setInterval(wake, pollIntervalMs);

  const drop = (broken: pg.PoolClient, error: unknown) => {
    if (client !== broken) return;
    client = undefined;
    liveness?.stop();
    onError(error);
    broken.release(error instanceof Error ? error : new Error(String(error)));
    scheduleConnect();
  };

  const connect = async () => {
    let candidate: pg.PoolClient | undefined;
    try {
      candidate = await pool.connect();
      const current = candidate;
      current.on('error', (error) => drop(current, error));
      current.on('end', () => drop(current, new Error('LISTEN connection ended')));
      current.on('notification', (message) => {
        if (message.channel === channel) wake();
      });
      client = current;
      await current.query(`LISTEN ${channel}`);
      if (closed) return;
      listeningOn = current;
      liveness = watchLiveness(current, {
        everyMs: livenessMs,
        timeoutMs: livenessMs,
        onDead: (error) => drop(current, error),
      });
      backoffMs = minBackoffMs;
      wake();
    } catch (error) {
      if (candidate && client === candidate) drop(candidate, error);
      else if (!candidate) {
        onError(error);
        scheduleConnect();
      }
    }
  };

  function scheduleConnect() {
    if (closed || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      connecting = connect();
    }, backoffMs);
    backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
  }

  connecting = connect();

  return {
    onWake(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get listening() {
      return client !== undefined && listeningOn === client;
    },
    async close() {
      closed = true;
      clearInterval(pollTimer);
      clearTimeout(retryTimer);
      await connecting;
      liveness?.stop();
      const current = client;
      client = undefined;
      // Destroyed, not returned: a pooled connection must not carry our LISTEN and handlers.
      current?.release(true);
    },
  };
}
