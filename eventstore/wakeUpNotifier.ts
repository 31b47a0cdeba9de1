import type pg from 'pg';

export const DEFAULT_CHANNEL = 'events_appended';

export interface WakeUpNotifier {
  /** Asks for one NOTIFY soon; many calls within the delay share it. */
  schedule(): void;
  /** Sends a pending notification now and waits for it. */
  flush(): Promise<void>;
}

// A wake-up needs no durability: committing it asynchronously spares a WAL flush, so it holds
// Postgres's notify lock and a pooled connection for microseconds rather than an fsync.
const NOTIFY_SQL = `SELECT set_config('synchronous_commit', 'off', true), pg_notify($1, '')`;

/**
 * NOTIFY inside each append would serialise every commit behind Postgres's notify lock
 * (0.34x a bare INSERT with 16 writers, DESIGN §4). One NOTIFY per process per few
 * milliseconds, in its own tiny transaction after the appends committed, and never more than
 * one in flight, keeps wake-ups fast without that cost. A lost notification only delays
 * readers to their polling fallback.
 */
export function createWakeUpNotifier(
  pool: pg.Pool,
  { channel = DEFAULT_CHANNEL, delayMs = 5, onError = (_error: unknown) => {} } = {},
): WakeUpNotifier {
  let timer: NodeJS.Timeout | undefined;
  let sending: Promise<void> | undefined;
  // Appends that committed while a NOTIFY was in flight: it may have left before them.
  let wantedAgain = false;

  const arm = () => {
    timer = setTimeout(send, delayMs);
    // A pending wake-up must not keep a finished process alive; readers also poll.
    timer.unref();
  };

  const send = (): Promise<void> => {
    timer = undefined;
    const sent = pool
      .query(NOTIFY_SQL, [channel])
      .then(
        () => undefined,
        (error: unknown) => {
          try {
            onError(error);
          } catch {}
        },
      )
      .finally(() => {
        sending = undefined;
        if (wantedAgain && !timer) {
          wantedAgain = false;
          arm();
        }
      });
    sending = sent;
    return sent;
  };

  return {
    schedule() {
      if (timer) return;
      if (sending) wantedAgain = true;
      else arm();
    },
    async flush() {
      if (sending) await sending;
      if (timer) {
        clearTimeout(timer);
        await send();
      }
    },
  };
}
