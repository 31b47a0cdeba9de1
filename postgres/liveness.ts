import type pg from 'pg';
import { isTransientDatabaseError } from './connectionErrors';

/** A query pg gives up on client-side after `timeoutMs` (pg reads `query_timeout` per query; its types do not say so). */
export const withDeadline = (text: string, values: unknown[], timeoutMs?: number): pg.QueryConfig =>
  ({ text, values, ...(timeoutMs ? { query_timeout: timeoutMs } : {}) }) as pg.QueryConfig;

export interface LivenessOptions {
  /** A `SELECT 1` after this much quiet on the session. */
  everyMs: number;
  /** Unanswered this long, the session is given up. */
  timeoutMs: number;
  /** The session stopped answering (or broke): the caller drops it; its socket is already cut. */
  onDead: (error: Error) => void;
}

/** Cuts a client's socket: every pending query rejects now, and the client emits `end`. */
export function cutConnection(client: pg.ClientBase): void {
  (client as pg.Client).connection?.stream?.destroy();
}

/**
 * For sessions that sit idle by design (LISTEN, a lock holder): TCP keepalives do not see a peer
 * that answers them but forwards nothing (a partitioning proxy), and a statement timeout never
 * fires on an idle session, so a `SELECT 1` with a deadline does. One at a time; skipped while
 * the session's own statements keep finishing.
 */
export function watchLiveness(client: pg.ClientBase, options: LivenessOptions): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let lastReady = Date.now();
  const connection = (client as pg.Client).connection;
  const heard = () => {
    lastReady = Date.now();
  };
  connection?.on('readyForQuery', heard);
  const beat = async () => {
    try {
      if (Date.now() - lastReady < options.everyMs) return;
      await client.query(withDeadline('SELECT 1', [], options.timeoutMs));
    } catch (error) {
      // A failed transaction of the caller's own refuses it (25P02): the session is alive.
      if (!stopped && isTransientDatabaseError(error)) {
        stopped = true;
        cutConnection(client);
        options.onDead(new Error(`session stopped answering: ${(error as Error).message}`));
      }
    } finally {
      if (!stopped) schedule();
    }
  };
  const schedule = () => {
    timer = setTimeout(beat, options.everyMs);
    timer.unref();
  };
  schedule();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      connection?.off('readyForQuery', heard);
    },
  };
}
