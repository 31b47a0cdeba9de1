import type { LogWatcher } from './logWatcher';
import { checkpointAfter } from './readAll';
import { LOG_START, type LogCheckpoint, type LoggedEvent } from './types';

const HELD_BACK_MIN_DELAY_MS = 5;
const HELD_BACK_MAX_DELAY_MS = 500;

export interface SubscribeOptions {
  /** exclusive: where the consumer stands (its stored checkpoint), default LOG_START */
  after?: LogCheckpoint;
  /** at most this many events per `handle` call (default 100) */
  batchSize?: number;
  /** Called with batches in log order, one at a time; the checkpoint moves only once it resolves. */
  handle: (events: LoggedEvent[]) => Promise<void>;
  /**
   * Read failures are retried with backoff (`willRetry: true`); a throwing `handle` ends the
   * subscription (`willRetry: false`): skipping an event silently is never an option.
   */
  onError?: (error: unknown, context: { willRetry: boolean }) => void;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export type SubscriptionEnd = { reason: 'stopped' } | { reason: 'failed'; error: unknown };

export interface Subscription {
  /** The last event handled (or `after`): persist it to resume later. */
  readonly checkpoint: LogCheckpoint;
  /** Settles (never rejects) when the subscription ends: stopped, or failed in `handle`. */
  readonly done: Promise<SubscriptionEnd>;
  /** Caught up with the log and waiting for news on a listening watcher: an append now wakes it. */
  readonly live: boolean;
  /** Ends the subscription after the batch in hand, if any, is handled. */
  stop(): Promise<void>;
}

export interface LogSource {
  /** One gap-safe page after a checkpoint (readAll). */
  readPage(after: LogCheckpoint, limit: number): Promise<LoggedEvent[]>;
  /** Whether committed events lie beyond the checkpoint that the gap-safe read still holds back. */
  hasHeldBack(after: LogCheckpoint): Promise<boolean>;
}

/** Catches up page by page, then follows the log on the watcher's wake-ups. */
export function subscribeToLog(
  source: LogSource,
  watcher: LogWatcher,
  options: SubscribeOptions,
): Subscription {
  const { batchSize = 100, handle, minBackoffMs = 50, maxBackoffMs = 5000 } = options;
  // A throwing onError must not turn `done` into a rejection nobody awaits.
  const onError: NonNullable<SubscribeOptions['onError']> = (error, context) => {
    try {
      options.onError?.(error, context);
    } catch {}
  };
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('batchSize must be a positive integer');
  let checkpoint = options.after ?? LOG_START;
  let stopped = false;
  // Set by every wake-up, cleared before each read: a wake-up that lands during a read is not lost.
  let woken = true;
  let caughtUp = false;
  let resume: (() => void) | undefined;

  const interrupt = () => {
    const next = resume;
    resume = undefined;
    next?.();
  };
  const unsubscribe = watcher.onWake(() => {
    woken = true;
    interrupt();
  });

  const pause = (ms: number | undefined) =>
    new Promise<void>((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(interrupt, ms);
      resume = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  // A wake-up can arrive while an older transaction (any writer in the cluster) still holds
  // the xmin back; its end sends no notification, so re-check briefly instead of waiting for a poll.
  let heldBackDelayMs = HELD_BACK_MIN_DELAY_MS;
  const waitForNews = async () => {
    if (await source.hasHeldBack(checkpoint).catch(() => false)) {
      await pause(heldBackDelayMs);
      heldBackDelayMs = Math.min(heldBackDelayMs * 2, HELD_BACK_MAX_DELAY_MS);
    } else if (!woken && !stopped) await pause(undefined);
  };

  const run = async (): Promise<SubscriptionEnd> => {
    let backoffMs = minBackoffMs;
    try {
      while (!stopped) {
        woken = false;
        let events: LoggedEvent[];
        try {
          events = await source.readPage(checkpoint, batchSize);
          backoffMs = minBackoffMs;
        } catch (error) {
          if (stopped) break;
          onError(error, { willRetry: true });
          // Backoff ignores wake-ups (poll ticks would defeat it); only stop cuts it short.
          const until = Date.now() + backoffMs;
          while (!stopped && Date.now() < until) await pause(until - Date.now());
          backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
          continue;
        }
        caughtUp = events.length === 0;
        if (events.length === 0) {
          if (!woken && !stopped) await waitForNews();
          continue;
        }
        heldBackDelayMs = HELD_BACK_MIN_DELAY_MS;
        try {
          await handle(events);
        } catch (error) {
          onError(error, { willRetry: false });
          return { reason: 'failed', error };
        }
        checkpoint = checkpointAfter(events[events.length - 1]!);
      }
      return { reason: 'stopped' };
    } finally {
      unsubscribe();
    }
  };

  const done = run();
  return {
    get checkpoint() {
      return checkpoint;
    },
    get live() {
      return caughtUp && !stopped && watcher.listening;
    },
    done,
    async stop() {
      stopped = true;
      interrupt();
      await done;
    },
  };
}
